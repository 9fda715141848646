package jitffi

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"unsafe"

	"github.com/jitffi/jitffi/loader"
)

// Global returns a typed pointer to the C global variable named symbol in lib, such as
// zlib's `z_errmsg` table or libc's `environ`: T must have the variable's C layout, by the
// rules of bindings (a struct, a scalar, a pointer, a fixed-size array). The pointer is
// into the library's memory, valid until the library is closed.
//
// The errors: a T with no C equivalent (a map, a string, ...) wraps ErrUnsupportedType; a
// missing symbol wraps ErrSymbolNotFound; a symbol whose address is NULL (an absolute or
// undefined weak symbol; no variable lives there) wraps ErrNilAddress; a nil or closed
// lib wraps ErrNilLibrary or ErrClosed.
func Global[T any](lib *Library, symbol string) (*T, error) {
	p, err := globalAddr(lib, symbol, reflect.TypeFor[T](), "Global")
	return (*T)(p), err
}

// GlobalSlice returns the C global array named symbol in lib as a slice of its first n
// elements of type T, for arrays whose length C declares elsewhere. It fails as Global
// does, and with ErrBadLength when n is negative or n elements of T would not fit in the
// address space.
func GlobalSlice[T any](lib *Library, symbol string, n int) ([]T, error) {
	t := reflect.TypeFor[T]()
	if n < 0 || (t.Size() > 0 && uint64(n) > math.MaxInt/uint64(t.Size())) {
		return nil, fmt.Errorf("jitffi: GlobalSlice %q: length %d of %d-byte elements: pass the number of elements C declares: %w", symbol, n, t.Size(), ErrBadLength)
	}
	p, err := globalAddr(lib, symbol, t, "GlobalSlice")
	if err != nil {
		return nil, err
	}
	return unsafe.Slice((*T)(p), n), nil
}

func globalAddr(lib *Library, symbol string, t reflect.Type, op string) (unsafe.Pointer, error) {
	if t.Kind() != reflect.Array {
		if _, err := cType(t, "global "+symbol, t); err != nil {
			return nil, err
		}
	} else if _, err := cType(t.Elem(), "global "+symbol+"[]", t); err != nil {
		return nil, err
	}
	if lib == nil || lib.l == nil {
		return nil, fmt.Errorf("jitffi: %s %q: %w", op, symbol, ErrNilLibrary)
	}
	addr, err := lib.Lookup(symbol)
	switch {
	case errors.Is(err, loader.ErrNullSymbol):
		return nil, fmt.Errorf("jitffi: %s %q: the symbol's address is NULL (an absolute or weak symbol), where no variable lives: %w: %w", op, symbol, ErrNilAddress, err)
	case err != nil:
		return nil, fmt.Errorf("jitffi: %s %q: %w", op, symbol, err)
	}
	// The memory is the library's, not Go's: the collector neither moves nor frees it.
	return *(*unsafe.Pointer)(unsafe.Pointer(&addr)), nil
}

package jitffi

import (
	"fmt"
	"reflect"
	"unsafe"
)

// Global returns a typed pointer to the C global variable named symbol in lib, such as
// zlib's `z_errmsg` table or libc's `environ`: T must have the variable's C layout, by the
// rules of bindings (a struct, a scalar, a pointer, a fixed-size array). The pointer is
// into the library's memory, valid until the library is closed.
func Global[T any](lib *Library, symbol string) (*T, error) {
	p, err := globalAddr(lib, symbol, reflect.TypeFor[T]())
	return (*T)(p), err
}

// GlobalSlice returns the C global array named symbol in lib as a slice of its first n
// elements of type T, for arrays whose length C declares elsewhere.
func GlobalSlice[T any](lib *Library, symbol string, n int) ([]T, error) {
	if n < 0 {
		return nil, fmt.Errorf("jitffi: global %q: length %d: %w", symbol, n, ErrUnsupportedType)
	}
	p, err := globalAddr(lib, symbol, reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	return unsafe.Slice((*T)(p), n), nil
}

func globalAddr(lib *Library, symbol string, t reflect.Type) (unsafe.Pointer, error) {
	if t.Kind() != reflect.Array {
		if _, err := cType(t, "global "+symbol, t); err != nil {
			return nil, err
		}
	} else if _, err := cType(t.Elem(), "global "+symbol+"[]", t); err != nil {
		return nil, err
	}
	addr, err := lib.Lookup(symbol)
	if err != nil {
		return nil, err
	}
	if addr == 0 {
		return nil, fmt.Errorf("jitffi: global %q is at address 0: %w", symbol, ErrNilAddress)
	}
	// The memory is the library's, not Go's: the collector neither moves nor frees it.
	return *(*unsafe.Pointer)(unsafe.Pointer(&addr)), nil
}

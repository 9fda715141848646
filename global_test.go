//go:build cgo || windows || (linux && (amd64 || arm64))

package jitffi_test

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/jitffi/jitffi"
)

// TestGlobal checks that Global and GlobalSlice refuse, each with an error saying why, a
// missing symbol, a symbol at address NULL, a Go type with no C equivalent, a negative or
// oversized length and a nil library; TestCTypesMatchTheCompiler reads globals that exist.
func TestGlobal(t *testing.T) {
	lib := fixtureLib(t, "ctypes")
	check := func(what string, err error, sentinel error, words ...string) {
		t.Helper()
		if !errors.Is(err, sentinel) {
			t.Errorf("%s: got %v, want an error wrapping %v", what, err, sentinel)
			return
		}
		for _, w := range words {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not say %q", what, err, w)
			}
		}
		t.Logf("%s: %v", what, err)
	}
	p, err := jitffi.Global[int64](lib, "jitffi_no_such_global")
	check("missing symbol", err, jitffi.ErrSymbolNotFound, "Global", "jitffi_no_such_global")
	if p != nil {
		t.Errorf("Global of a missing symbol returned %p", p)
	}
	_, err = jitffi.GlobalSlice[int64](lib, "jitffi_no_such_global", 2)
	check("GlobalSlice of a missing symbol", err, jitffi.ErrSymbolNotFound, "GlobalSlice", "jitffi_no_such_global")

	_, err = jitffi.Global[map[int]int](lib, "ctype_count")
	check("map", err, jitffi.ErrUnsupportedType, "ctype_count", "map[int]int")
	_, err = jitffi.Global[string](lib, "ctype_count")
	check("string", err, jitffi.ErrUnsupportedType, "ctype_count", "string")
	_, err = jitffi.GlobalSlice[[2]string](lib, "ctype_rows", 1)
	check("array of strings", err, jitffi.ErrUnsupportedType, "ctype_rows", "string")

	s, err := jitffi.GlobalSlice[[2]int64](lib, "ctype_rows", -1)
	check("negative length", err, jitffi.ErrBadLength, "ctype_rows", "-1")
	if s != nil {
		t.Errorf("GlobalSlice with a negative length returned %d elements", len(s))
	}
	_, err = jitffi.GlobalSlice[[2]int64](lib, "ctype_rows", math.MaxInt)
	check("length beyond the address space", err, jitffi.ErrBadLength, "ctype_rows")

	_, err = jitffi.Global[int64](nil, "ctype_count")
	check("nil library", err, jitffi.ErrNilLibrary)

	t.Run("NULL", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("a DLL's exports are offsets into the DLL, so no symbol of one has the address NULL (GetProcAddress returns the DLL's base plus the offset, or fails)")
		}
		p, err := jitffi.Global[int64](fixtureLib(t, "values"), "val_null_symbol")
		check("symbol at NULL", err, jitffi.ErrNilAddress, "val_null_symbol", "NULL")
		if p != nil {
			t.Errorf("Global of a symbol at NULL returned %p", p)
		}
		_, err = jitffi.GlobalSlice[byte](fixtureLib(t, "values"), "val_null_symbol", 4)
		check("GlobalSlice of a symbol at NULL", err, jitffi.ErrNilAddress, "val_null_symbol")
	})
}

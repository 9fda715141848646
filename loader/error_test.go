package loader_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jitffi/jitffi/loader"
)

func TestErrorMessage(t *testing.T) {
	for _, tc := range []struct {
		err  *loader.Error
		want string
	}{
		{&loader.Error{Op: "open", Library: "libnope.so", Text: "libnope.so: cannot open shared object file: No such file or directory", Err: loader.ErrLibraryNotFound},
			"loader: open libnope.so: libnope.so: cannot open shared object file: No such file or directory"},
		{&loader.Error{Op: "lookup", Library: "libm.so.6", Symbol: "nope", Text: "libm.so.6: undefined symbol: nope", Err: loader.ErrSymbolNotFound},
			"loader: lookup nope in libm.so.6: libm.so.6: undefined symbol: nope"},
		{&loader.Error{Op: "lookup", Symbol: "nope", Text: "undefined symbol: nope", Err: loader.ErrSymbolNotFound},
			"loader: lookup nope in main program: undefined symbol: nope"},
		{&loader.Error{Op: "close", Library: "libm.so.6", Err: loader.ErrClosed},
			"loader: close libm.so.6: loader: library is closed"},
		{&loader.Error{Op: "close", Library: "libm.so.6", Text: "invalid handle"},
			"loader: close libm.so.6: invalid handle"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestErrorUnwrap(t *testing.T) {
	var err error = fmt.Errorf("binding: %w", &loader.Error{Op: "lookup", Symbol: "f", Err: loader.ErrSymbolNotFound})
	if !errors.Is(err, loader.ErrSymbolNotFound) || errors.Is(err, loader.ErrClosed) {
		t.Errorf("errors.Is does not see through %v", err)
	}
	if (&loader.Error{Op: "close"}).Unwrap() != nil {
		t.Error("Unwrap of an Error without sentinel is not nil")
	}
}

package main

import (
	"fmt"
	"io"

	"github.com/jitffi/jitffi"
)

// Plan 9 has no shared C library, and jitffi binds nothing there: the tour compiles, as
// any program that imports jitffi does, and stops at its first Open, which returns an error
// wrapping jitffi.ErrUnsupportedPlatform.
const (
	libcName     = "libc.so.6"
	libmName     = "libm.so.6"
	snprintfLib  = libcName
	snprintfName = "snprintf"
)

// errorCodeStep is never reached on Plan 9 (see above); it reports why.
func errorCodeStep(io.Writer, *jitffi.Library) error {
	return fmt.Errorf("errno on Plan 9: %w", jitffi.ErrUnsupportedPlatform)
}

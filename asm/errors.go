package asm

import (
	"errors"
	"runtime"
)

// ErrFastUnavailable is returned by CheckFast when the running Go runtime does not offer the
// entry point the fast door relies on, or does not behave as the door expects.
var ErrFastUnavailable = errors.New("fast call door unavailable")

var errUnsupportedArch = errors.New("asm: no call doors for " + runtime.GOARCH)

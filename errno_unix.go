//go:build !windows

package jitffi

import (
	"github.com/jitffi/jitffi/jit"
	"github.com/jitffi/jitffi/loader"
)

// hostErrnoOptions says how this host's stubs read errno after a call: through the C
// library's errno-location function, which yields the calling thread's errno variable.
func hostErrnoOptions() jit.Options {
	return jit.Options{Errno: jit.ErrnoLocation, ErrnoFunc: uint64(loader.ErrnoLocation())}
}

// crtErrnoFunc is the C library's function that returns the address of the calling
// thread's errno (ErrnoFrom).
const crtErrnoFunc = "__errno_location"

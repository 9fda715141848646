package jitffi

import (
	"github.com/jitffi/jitffi/jit"
	"github.com/jitffi/jitffi/loader"
)

// hostErrnoOptions says how this host's stubs read the error code after a call. On
// Windows that is the thread's last-error value (GetLastError), the code Win32 functions
// report failures with; the C runtime's errno is a different variable, private to each C
// runtime DLL, that no single function reaches. The stub calls GetLastError on the same
// thread right after the target returns, before the Go runtime can overwrite the value.
func hostErrnoOptions() jit.Options {
	return jit.Options{Errno: jit.ErrnoValue, ErrnoFunc: uint64(loader.LastErrorFunc())}
}

// crtErrnoFunc is the C runtime's function that returns the address of the calling
// thread's errno (ErrnoFrom).
const crtErrnoFunc = "_errno"

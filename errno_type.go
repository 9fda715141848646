//go:build !plan9

package jitffi

import "syscall"

// Errno is the error code a CallErrno returns and a bound func's trailing Errno result
// receives: errno on Unix, GetLastError's value on Windows. It is syscall.Errno itself, so
// either name can be used; the alias exists so that the package also compiles on Plan 9,
// whose syscall package has no Errno.
type Errno = syscall.Errno

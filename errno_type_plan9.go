package jitffi

import "strconv"

// Errno is the error code a CallErrno returns. Plan 9's syscall package has no Errno (its
// system calls report errors as strings), so the package declares one here to compile;
// jitffi binds nothing on Plan 9 (Open and every bind return ErrUnsupportedPlatform), so no
// call ever returns one.
type Errno uintptr

// Error returns the code as a number: Plan 9 has no table of errno names.
func (e Errno) Error() string { return "errno " + strconv.FormatUint(uint64(e), 10) }

//go:build !windows && !plan9

package main

import (
	"fmt"
	"io"
	"syscall"

	"github.com/jitffi/jitffi"
)

// The C library on Linux (glibc): libc.so.6, with the math functions in libm.so.6.
const (
	libcName     = "libc.so.6"
	libmName     = "libm.so.6"
	snprintfLib  = libcName
	snprintfName = "snprintf"
)

// errorCodeStep is step 5 of the tour on Linux: errno.
//
//	long strtol(const char *s, char **end, int base);
//
// C functions report failure through errno, a per-thread variable that any later C call
// or system call may overwrite. CallErrno returns errno as the stub read it right after
// the call, on the same thread (the stub also clears it before the call, so 0 means no
// error). Here the number does not fit in a long: strtol returns LONG_MAX and sets errno
// to ERANGE. A **byte is passed as a char**.
func errorCodeStep(w io.Writer, libc *jitffi.Library) error {
	strtol, err := jitffi.Bind3[string, **byte, jitffi.Int, jitffi.Long](libc, "strtol")
	if err != nil {
		return err
	}
	var end *byte
	v, errno := strtol.CallErrno("99999999999999999999", &end, 10)
	name := fmt.Sprint(int(errno))
	if errno == syscall.ERANGE {
		name = "ERANGE"
	}
	fmt.Fprintf(w, "strtol(%q, &end, 10) = %d, errno = %s (%v)\n", "99999999999999999999", v, name, errno)
	return nil
}

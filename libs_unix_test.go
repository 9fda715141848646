//go:build cgo && !windows

package jitffi_test

import (
	"math"
	"syscall"
	"testing"
	"time"

	"github.com/jitffi/jitffi"
)

// Where the tests find C library functions on Linux (glibc's libc.so.6 and libm.so.6),
// and the names of those that differ between systems.
const (
	libcName     = "libc.so.6" // strlen, abs, memset, memcpy, div, ...
	libmName     = "libm.so.6" // cos, pow, fmax
	stdioName    = "libc.so.6" // the library with snprintf
	snprintfName = "snprintf"

	// div64Name, abs64Name and strto64Name take and return 64-bit integers; under LP64
	// C's long is 64 bits, so they are the long functions.
	div64Name   = "ldiv"
	abs64Name   = "labs"
	strto64Name = "strtol"
)

// errnoCleared says whether the error code a call captures is cleared before the call:
// errno is, as cgo does it, so a call that succeeds reports 0.
const errnoCleared = true

// sleepInC returns a call that sleeps for d in C (usleep).
func sleepInC(t testing.TB, d time.Duration) func() {
	usleep := must(jitffi.Bind1[uint32, int32](openLib(t, libcName), "usleep"))
	return func() { usleep.Call(uint32(d.Microseconds())) }
}

func TestStrtolErrno(t *testing.T) {
	libc := openLib(t, libcName)
	strtol := must(jitffi.Bind3[*byte, **byte, int32, int64](libc, "strtol"))
	var end *byte
	s := must(jitffi.CString("99999999999999999999999 rest"))
	v, errno := strtol.CallErrno(s, &end, 10)
	if v != math.MaxInt64 || errno != syscall.ERANGE {
		t.Errorf("strtol overflow = %d, errno %v; want MaxInt64, ERANGE", v, errno)
	}
	if got := jitffi.GoString(end); got != " rest" {
		t.Errorf("strtol end pointer at %q, want \" rest\"", got)
	}
	ok := must(jitffi.CString("123"))
	if v, errno := strtol.CallErrno(ok, nil, 10); v != 123 || errno != 0 && errno != syscall.ERANGE {
		t.Errorf("strtol(123) = %d, errno %v", v, errno)
	}
}

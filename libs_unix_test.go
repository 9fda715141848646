//go:build !windows && (cgo || (linux && (amd64 || arm64)))

package jitffi_test

import (
	"encoding/binary"
	"math"
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
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

// crtNames are the C runtimes TestErrnoFrom reads errno from: glibc's.
var crtNames = []string{libcName}

// stdioFuncs is what TestBindAll binds from stdioName: a struct
// tag is a constant, and snprintf's name differs between systems.
type stdioFuncs struct {
	Snprintf jitffi.Func6[[]byte, jitffi.SizeT, string, jitffi.Int, float64, string, jitffi.Int] `c:"snprintf,variadic=3"`
}

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
}

// TestErrnoClearedBeforeCall checks that a call that succeeds reports errno 0 even right
// after a failing call on the same thread left ERANGE behind, for every kind of binding
// and both modes: the stub clears errno before the call, as cgo does.
func TestErrnoClearedBeforeCall(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	libc := openLib(t, libcName)
	big := must(jitffi.CString("99999999999999999999999"))
	ok := must(jitffi.CString("123"))
	typed := must(jitffi.Bind3[*byte, **byte, int32, int64](libc, "strtol"))
	fast := must(jitffi.Bind3[*byte, **byte, int32, int64](libc, "strtol", jitffi.Fast()))
	var reflective func(*byte, **byte, int32) (int64, syscall.Errno)
	if err := jitffi.BindFunc(libc, "strtol", &reflective); err != nil {
		t.Fatal(err)
	}
	dyn := must(jitffi.BindDynamic(libc, "strtol", must(abi.ParseSignature("int64_t (char*, char**, int32_t)"))))
	dynCall := func(s *byte) (int64, syscall.Errno) {
		fr := dyn.NewFrame()
		*(**byte)(unsafe.Pointer(&fr.Arg(0)[0])) = s
		binary.LittleEndian.PutUint32(fr.Arg(2), 10)
		errno := dyn.CallErrno(fr)
		runtime.KeepAlive(s)
		return int64(binary.LittleEndian.Uint64(fr.Result())), errno
	}
	for name, call := range map[string]func(*byte) (int64, syscall.Errno){
		"typed":    func(s *byte) (int64, syscall.Errno) { return typed.CallErrno(s, nil, 10) },
		"fast":     func(s *byte) (int64, syscall.Errno) { return fast.CallErrno(s, nil, 10) },
		"BindFunc": func(s *byte) (int64, syscall.Errno) { return reflective(s, nil, 10) },
		"Dynamic":  dynCall,
	} {
		if v, errno := call(big); v != math.MaxInt64 || errno != syscall.ERANGE {
			t.Errorf("%s: strtol overflow = %d, errno %v; want MaxInt64, ERANGE", name, v, errno)
		}
		if v, errno := call(ok); v != 123 || errno != 0 {
			t.Errorf("%s: strtol(123) right after an overflow = %d, errno %v; want 123, errno 0", name, v, errno)
		}
	}
}

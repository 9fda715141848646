package jitffi_test

import (
	"math"
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/jitffi/jitffi"
	"golang.org/x/sys/windows"
)

// Where the tests find C library functions on Windows: the Universal C Runtime
// (ucrtbase.dll, in every Windows since 10) and, for the printf family, msvcrt.dll,
// since ucrtbase exports none of snprintf's names (its headers make them inline functions
// over __stdio_common_vsprintf).
const (
	libcName     = "ucrtbase.dll"
	libmName     = "ucrtbase.dll"
	stdioName    = "msvcrt.dll"
	snprintfName = "_snprintf"

	// Windows is LLP64: C's long is 32 bits, so the 64-bit functions are the long long ones.
	div64Name   = "lldiv"
	abs64Name   = "llabs"
	strto64Name = "strtoll"
)

// crtNames are the C runtimes TestErrnoFrom reads errno from: the Universal C Runtime
// and the older msvcrt.dll (mingw-w64's default), each with an errno of its own.
var crtNames = []string{"ucrtbase.dll", "msvcrt.dll"}

// stdioFuncs is what TestBindAll binds from stdioName: a struct
// tag is a constant, and snprintf's name differs between systems.
type stdioFuncs struct {
	Snprintf jitffi.Func6[[]byte, jitffi.SizeT, string, jitffi.Int, float64, string, jitffi.Int] `c:"_snprintf,variadic=3"`
}

// errnoCleared says whether the error code a call captures is cleared before the call.
// On Windows it is the thread's last-error value, which Win32 functions set only on
// failure and C runtime functions never touch: like syscall.Syscall's, it means something
// only when the result says the call failed.
const errnoCleared = false

// sleepInC returns a call that sleeps for d in kernel32's Sleep.
func sleepInC(t testing.TB, d time.Duration) func() {
	sleep := must(jitffi.Bind1[uint32, jitffi.Void](openLib(t, "kernel32.dll"), "Sleep"))
	return func() { sleep.Call(uint32(d.Milliseconds())) }
}

// TestLastError checks CallErrno on Windows: it returns GetLastError as read right after
// the call, on the thread that made it.
func TestLastError(t *testing.T) {
	kernel32 := openLib(t, "kernel32.dll")
	getAttrs := must(jitffi.Bind1[*uint16, uint32](kernel32, "GetFileAttributesW"))
	var getAttrsFunc func(*uint16) (uint32, syscall.Errno)
	if err := jitffi.BindFunc(kernel32, "GetFileAttributesW", &getAttrsFunc); err != nil {
		t.Fatal(err)
	}
	const invalid = 0xFFFFFFFF // INVALID_FILE_ATTRIBUTES
	for _, c := range []struct {
		path string
		want syscall.Errno
	}{
		{`C:\jitffi-no-such-file.txt`, windows.ERROR_FILE_NOT_FOUND},
		{`C:\jitffi-no-such-dir\file.txt`, windows.ERROR_PATH_NOT_FOUND},
	} {
		p := must(windows.UTF16PtrFromString(c.path))
		// Each round runs on whatever thread the scheduler picks; the value must still
		// be the one the call set on its own thread.
		for i := 0; i < 50; i++ {
			if r, errno := getAttrs.CallErrno(p); r != invalid || errno != c.want {
				t.Fatalf("GetFileAttributesW(%s) = %#x, last error %d (%v); want %#x, %d", c.path, r, errno, errno, uint32(invalid), c.want)
			}
			if r, errno := getAttrsFunc(p); r != invalid || errno != c.want {
				t.Fatalf("BindFunc GetFileAttributesW(%s) = %#x, last error %d (%v); want %#x, %d", c.path, r, errno, errno, uint32(invalid), c.want)
			}
		}
	}
	// A call that succeeds: the result says so, whatever the last-error value holds.
	windir := must(windows.UTF16PtrFromString(`C:\windows`))
	if r, _ := getAttrs.CallErrno(windir); r == invalid || r&windows.FILE_ATTRIBUTE_DIRECTORY == 0 {
		t.Errorf(`GetFileAttributesW(C:\windows) = %#x, want a directory`, r)
	}
}

// TestCRTErrno shows what CallErrno does not return on Windows: the C runtime's errno,
// which each C runtime DLL keeps per thread. It can be read through the runtime's own
// _errno function, on the same thread as the failing call.
func TestCRTErrno(t *testing.T) {
	libc := openLib(t, libcName)
	strtoll := must(jitffi.Bind3[*byte, **byte, int32, int64](libc, "strtoll"))
	errnoAddr := must(jitffi.Bind0[*int32](libc, "_errno"))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	*errnoAddr.Call() = 0
	var end *byte
	s := must(jitffi.CString("99999999999999999999999 rest"))
	if v := strtoll.Call(s, &end, 10); v != math.MaxInt64 {
		t.Errorf("strtoll overflow = %d, want MaxInt64", v)
	}
	if got := jitffi.GoString(end); got != " rest" {
		t.Errorf("strtoll end pointer at %q, want \" rest\"", got)
	}
	const crtERANGE = 34 // the C runtime's ERANGE, not a Win32 error code
	if e := *errnoAddr.Call(); e != crtERANGE {
		t.Errorf("errno after strtoll overflow = %d, want ERANGE (%d)", e, crtERANGE)
	}
}

// TestLdivLLP64 checks C's long on Windows: 32 bits, so ldiv_t is two 32-bit fields,
// 8 bytes returned in rax, while lldiv_t's 16 bytes come back through a hidden pointer.
func TestLdivLLP64(t *testing.T) {
	type ldiv32 struct{ Quot, Rem int32 }
	libc := openLib(t, libcName)
	ldiv := must(jitffi.Bind2[int32, int32, ldiv32](libc, "ldiv"))
	if got := ldiv.Call(-2_000_000_003, 1000); got != (ldiv32{-2_000_000, -3}) {
		t.Errorf("ldiv(-2000000003, 1000) = %+v", got)
	}
	if unsafe.Sizeof(ldiv32{}) != 8 || unsafe.Sizeof(ldivT{}) != 16 {
		t.Fatal("unexpected Go struct sizes")
	}
	lldiv := must(jitffi.Bind2[int64, int64, ldivT](libc, "lldiv", jitffi.Fast()))
	if got := lldiv.Call(-1<<40-3, 1<<20); got != (ldivT{(-1<<40 - 3) / (1 << 20), (-1<<40 - 3) % (1 << 20)}) {
		t.Errorf("lldiv = %+v", got)
	}
}

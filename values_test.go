//go:build cgo || windows || (linux && (amd64 || arm64))

package jitffi_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
)

// TestStringArguments passes Go strings as NUL-terminated C strings: empty, short, longer
// than every pooled buffer, and with a NUL inside (C sees the part before it).
func TestStringArguments(t *testing.T) {
	lib := fixtureLib(t, "values")
	strlen := must(jitffi.Bind1[string, uint64](lib, "val_strlen"))
	strcmp := must(jitffi.Bind2[string, string, int32](lib, "val_strcmp", jitffi.Fast()))
	for _, s := range []string{"", "a", "hello, world", strings.Repeat("x", 63), strings.Repeat("y", 64), strings.Repeat("z", 100_000)} {
		if got := strlen.Call(s); got != uint64(len(s)) {
			t.Errorf("strlen of a %d-byte string = %d", len(s), got)
		}
		if got := strcmp.Call(s, s); got != 0 {
			t.Errorf("strcmp of a %d-byte string with itself = %d", len(s), got)
		}
	}
	if got := strlen.Call("ab\x00cd"); got != 2 {
		t.Errorf("strlen(\"ab\\x00cd\") = %d, want 2: C stops at the first NUL", got)
	}
	if got := strcmp.Call("abc", "abd"); got >= 0 {
		t.Errorf("strcmp(abc, abd) = %d, want < 0", got)
	}
	var reflective func(string) uint64
	if err := jitffi.BindFunc(lib, "val_strlen", &reflective); err != nil {
		t.Fatal(err)
	}
	if got := reflective("four"); got != 4 {
		t.Errorf("BindFunc strlen(four) = %d", got)
	}
}

// TestStringArgumentsAllocateNothing checks that a call with a string argument of up to
// 65535 bytes allocates nothing once the buffer pools are warm, and that a longer one
// gets a buffer of its own, as the README says.
func TestStringArgumentsAllocateNothing(t *testing.T) {
	lib := fixtureLib(t, "values")
	strlen := must(jitffi.Bind1[string, uint64](lib, "val_strlen"))
	for _, n := range []int{0, 27, 63, 64, 4095, 4096, 16384, 65535, 65536} {
		s := strings.Repeat("s", n)
		if got := strlen.Call(s); got != uint64(n) {
			t.Fatalf("strlen of a %d-byte string = %d", n, got)
		}
		allocs := testing.AllocsPerRun(100, func() { strlen.Call(s) })
		if n < 65536 && allocs != 0 {
			t.Errorf("a call with a %d-byte string allocates %v times", n, allocs)
		}
		if n >= 65536 && allocs < 1 {
			t.Errorf("a call with a %d-byte string allocates %v times: the README says it gets a buffer of its own", n, allocs)
		}
	}
}

// TestSliceArguments passes Go slices as pointers to their first element, and nil or
// empty ones as NULL.
func TestSliceArguments(t *testing.T) {
	lib := fixtureLib(t, "values")
	sum := must(jitffi.Bind2[[]int32, uint64, int64](lib, "val_sum_i32"))
	fill := must(jitffi.Bind3[[]byte, uint64, uint8, jitffi.Void](lib, "val_fill"))
	identity := must(jitffi.Bind1[[]byte, uintptr](lib, "val_identity"))
	if got := sum.Call([]int32{1, 2, 3, -10}, 4); got != -4 {
		t.Errorf("sum = %d, want -4", got)
	}
	buf := make([]byte, 64)
	fill.Call(buf[8:], 16, 7)
	for i, b := range buf {
		if want := byte(map[bool]byte{true: 7}[i >= 8 && i < 24]); b != want {
			t.Fatalf("buf[%d] = %d after filling [8, 24)", i, b)
		}
	}
	if got := identity.Call(nil); got != 0 {
		t.Errorf("a nil slice passed %#x, want NULL", got)
	}
	if got := identity.Call(buf[:0]); got != 0 {
		t.Errorf("an empty slice passed %#x, want NULL", got)
	}
	if got := identity.Call(buf[3:]); got != uintptr(unsafe.Pointer(&buf[3])) {
		t.Errorf("a slice passed %#x, want its first element %p", got, &buf[3])
	}
}

// TestStringResult reads a char* result as a Go string: copied, "" for NULL.
func TestStringResult(t *testing.T) {
	lib := fixtureLib(t, "values")
	greeting := must(jitffi.Bind1[int32, string](lib, "val_greeting"))
	if got := greeting.Call(1); got != "hello from C" {
		t.Errorf("greeting = %q", got)
	}
	if got := greeting.Call(0); got != "" {
		t.Errorf("NULL greeting = %q, want \"\"", got)
	}
	raw := must(jitffi.Bind1[int32, *byte](lib, "val_greeting"))
	if got := jitffi.GoString(raw.Call(1)); got != "hello from C" {
		t.Errorf("greeting as *byte = %q", got)
	}
}

// TestCallbacksRefuseStrings: a callback gets bare pointers from C.
func TestCallbacksRefuseStrings(t *testing.T) {
	if _, err := jitffi.NewCallback1(func(s string) int32 { return 0 }); !errors.Is(err, jitffi.ErrUnsupportedType) {
		t.Errorf("string parameter: %v", err)
	}
	if _, err := jitffi.NewCallback1(func(s []byte) int32 { return 0 }); !errors.Is(err, jitffi.ErrUnsupportedType) {
		t.Errorf("slice parameter: %v", err)
	}
	if _, err := jitffi.NewCallback1(func(x int32) string { return "" }); !errors.Is(err, jitffi.ErrUnsupportedType) {
		t.Errorf("string result: %v", err)
	}
}

func TestMustCString(t *testing.T) {
	if got := jitffi.GoString(jitffi.MustCString("abc")); got != "abc" {
		t.Errorf("MustCString round trip = %q", got)
	}
	defer func() {
		if r := recover(); r != jitffi.ErrNulInString {
			t.Errorf("MustCString of a string with a NUL: recovered %v, want ErrNulInString", r)
		}
	}()
	jitffi.MustCString("a\x00b")
}

// TestVariadicWithoutVariadicOption binds snprintf with fixed parameters only. On System V
// every call sets al to the number of vector registers used, as libffi does, so the
// double arrives; AAPCS64 on Linux passes variadic arguments as fixed ones. Win64 (whose
// variadic doubles travel in integer registers too) and Apple arm64 (whose variadic
// arguments go on the stack) still need the Variadic option: there the test checks that
// the option is what makes the call right.
func TestVariadicWithoutVariadicOption(t *testing.T) {
	lib := openLib(t, stdioName)
	buf := make([]byte, 64)
	fixed := must(jitffi.Bind5[[]byte, jitffi.SizeT, string, jitffi.Int, float64, jitffi.Int](lib, snprintfName))
	declared := must(jitffi.Bind5[[]byte, jitffi.SizeT, string, jitffi.Int, float64, jitffi.Int](lib, snprintfName, jitffi.Variadic(3)))
	const want = "7 3.142"
	declared.Call(buf, 64, "%d %.3f", 7, 3.14159)
	if got := jitffi.GoString(&buf[0]); got != want {
		t.Fatalf("snprintf with Variadic(3) = %q, want %q", got, want)
	}
	clear(buf)
	fixed.Call(buf, 64, "%d %.3f", 7, 3.14159)
	got := jitffi.GoString(&buf[0])
	if runtime.GOOS == "windows" {
		t.Logf("Win64 without Variadic: %q (Win64 needs the option)", got)
		return
	}
	if got != want {
		t.Fatalf("snprintf bound without Variadic = %q, want %q", got, want)
	}
}

// TestSysVCallsSetAL checks, on System V, that every call sets al to the number of vector
// registers holding arguments, variadic or not: a naked C function returns al as it
// finds it.
func TestSysVCallsSetAL(t *testing.T) {
	if runtime.GOARCH != "amd64" || runtime.GOOS == "windows" {
		t.Skip("al carries the vector-register count on System V x86-64 only")
	}
	lib := fixtureLib(t, "values")
	addr := must(lib.Lookup("val_al"))
	for _, fast := range []bool{false, true} {
		var opts []jitffi.Option
		if fast {
			opts = append(opts, jitffi.Fast())
		}
		none := must(jitffi.Bind2At[int64, int64, int32](addr, opts...))
		one := must(jitffi.Bind2At[int64, float64, int32](addr, opts...))
		three := must(jitffi.Bind4At[float32, int64, float64, float64, int32](addr, opts...))
		if got := none.Call(1, 2); got != 0 {
			t.Errorf("fast %v: al = %d with no float arguments", fast, got)
		}
		if got := one.Call(1, 2); got != 1 {
			t.Errorf("fast %v: al = %d with one float argument", fast, got)
		}
		if got := three.Call(1, 2, 3, 4); got != 3 {
			t.Errorf("fast %v: al = %d with three float arguments", fast, got)
		}
	}
}

// cERANGE is C's ERANGE, 34 in glibc, musl and Microsoft's C runtimes alike (Go's
// syscall.ERANGE on Windows is a value of Go's own).
const cERANGE = 34

// TestErrnoFrom reads the C runtime's errno after strtol overflows: on Windows, where
// CallErrno otherwise returns GetLastError, through the runtime's own _errno, for each C
// runtime a program may call (crtNames); elsewhere the same errno CallErrno reads anyway.
// Before the call the stub clears it, so a success reports 0.
func TestErrnoFrom(t *testing.T) {
	for _, name := range crtNames {
		t.Run(name, func(t *testing.T) {
			crt := openLib(t, name)
			strtol := must(jitffi.Bind3[string, **byte, jitffi.Int, jitffi.Long](crt, "strtol", jitffi.ErrnoFrom(crt)))
			v, errno := strtol.CallErrno("99999999999999999999999", nil, 10)
			if errno != cERANGE || v <= 0 {
				t.Errorf("strtol overflow = %d, errno %d; want the largest long and ERANGE (%d)", v, errno, cERANGE)
			}
			if v, errno := strtol.CallErrno("42", nil, 10); v != 42 || errno != 0 {
				t.Errorf("strtol(42) = %d, errno %d; want 42, 0", v, errno)
			}
		})
	}
	// dlsym finds __errno_location through any library's dependencies; GetProcAddress
	// looks at the library's own exports only.
	if runtime.GOOS == "windows" {
		crt := openLib(t, libcName)
		if _, err := jitffi.Bind1[string, jitffi.Int](crt, "strlen", jitffi.ErrnoFrom(fixtureLib(t, "values"))); !errors.Is(err, jitffi.ErrSymbolNotFound) {
			t.Errorf("ErrnoFrom a library without the C runtime's errno function: %v", err)
		}
	}
}

// TestCallbackArguments passes *Callback arguments in registers and on the stack, in both
// modes: the stub passes the callback's C address, and NULL for a nil *Callback.
func TestCallbackArguments(t *testing.T) {
	lib := fixtureLib(t, "values")
	cb := must(jitffi.NewCallback1(func(x int64) int64 { return x }))
	defer cb.Free()
	for _, opts := range [][]jitffi.Option{nil, {jitffi.Fast()}} {
		identity := must(jitffi.Bind1[*jitffi.Callback, uintptr](lib, "val_identity", opts...))
		if got := identity.Call(cb); got != cb.Addr() {
			t.Errorf("a *Callback passed %#x, want its address %#x", got, cb.Addr())
		}
		if got := identity.Call(nil); got != 0 {
			t.Errorf("a nil *Callback passed %#x, want NULL", got)
		}
		// The ninth argument goes on the stack on every convention.
		last := must(jitffi.Bind9[int64, int64, int64, int64, int64, int64, int64, int64, *jitffi.Callback, uintptr](lib, "val_ninth", opts...))
		if got := last.Call(1, 2, 3, 4, 5, 6, 7, 8, cb); got != cb.Addr() {
			t.Errorf("a *Callback on the stack passed %#x, want %#x", got, cb.Addr())
		}
		if got := last.Call(1, 2, 3, 4, 5, 6, 7, 8, nil); got != 0 {
			t.Errorf("a nil *Callback on the stack passed %#x, want NULL", got)
		}
	}
}

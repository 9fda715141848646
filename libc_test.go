//go:build cgo || windows || (linux && (amd64 || arm64))

package jitffi_test

import (
	"errors"
	"math"
	"syscall"
	"testing"

	"github.com/jitffi/jitffi"
)

func openLib(t testing.TB, name string) *jitffi.Library {
	t.Helper()
	lib, err := jitffi.Open(name)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	t.Cleanup(func() { lib.Close() })
	return lib
}

// must unwraps a (value, error) pair in tests; a failure panics with the error, which the
// test binary reports with the failing test's name.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestLibmCosPow(t *testing.T) {
	libm := openLib(t, libmName)
	cos := must(jitffi.Bind1[float64, float64](libm, "cos"))
	pow := must(jitffi.Bind2[float64, float64, float64](libm, "pow"))
	cosf := must(jitffi.Bind1[float32, float32](libm, "cosf"))
	for _, x := range []float64{0, 0.5, 1, math.Pi, -2.25} {
		if got, want := cos.Call(x), math.Cos(x); math.Abs(got-want) > 1e-15 {
			t.Errorf("cos(%v) = %v, want %v", x, got, want)
		}
		if got, want := cosf.Call(float32(x)), float32(math.Cos(x)); math.Abs(float64(got-want)) > 1e-6 {
			t.Errorf("cosf(%v) = %v, want %v", x, got, want)
		}
	}
	if got := pow.Call(2, 10); got != 1024 {
		t.Errorf("pow(2, 10) = %v", got)
	}
}

func TestLibcStrlenAndStrings(t *testing.T) {
	libc := openLib(t, libcName)
	strlen := must(jitffi.Bind1[*byte, uintptr](libc, "strlen"))
	for _, s := range []string{"", "a", "hello, world", string(make([]byte, 5000))[:0] + "x"} {
		p := must(jitffi.CString(s))
		if got := strlen.Call(p); got != uintptr(len(s)) {
			t.Errorf("strlen(%q) = %d", s, got)
		}
	}
	if _, err := jitffi.CString("a\x00b"); !errors.Is(err, jitffi.ErrNulInString) {
		t.Errorf("CString with NUL: err = %v", err)
	}
}

func TestSnprintfVariadic(t *testing.T) {
	stdio := openLib(t, stdioName)
	snprintf := must(jitffi.Bind6[*byte, uintptr, *byte, int32, float64, float32, int32](stdio, snprintfName, jitffi.Variadic(3)))
	buf := make([]byte, 64)
	format := must(jitffi.CString("%d|%.2f|%.1f"))
	n := snprintf.Call(&buf[0], uintptr(len(buf)), format, -42, 3.14159, 2.5)
	if got, want := string(buf[:n]), "-42|3.14|2.5"; got != want {
		t.Errorf("snprintf = %q (n=%d), want %q", got, n, want)
	}
}

type divT struct{ Quot, Rem int32 }
type ldivT struct{ Quot, Rem int64 }

func TestDivStructResults(t *testing.T) {
	libc := openLib(t, libcName)
	div := must(jitffi.Bind2[int32, int32, divT](libc, "div"))
	ldiv := must(jitffi.Bind2[int64, int64, ldivT](libc, div64Name))
	if got := div.Call(17, 5); got != (divT{3, 2}) {
		t.Errorf("div(17, 5) = %+v", got)
	}
	if got := ldiv.Call(-1<<40-3, 1<<20); got != (ldivT{(-1<<40 - 3) / (1 << 20), (-1<<40 - 3) % (1 << 20)}) {
		t.Errorf("ldiv = %+v", got)
	}
}

func TestBindErrors(t *testing.T) {
	if _, err := jitffi.Open("libjitffi-does-not-exist.so"); !errors.Is(err, jitffi.ErrLibraryNotFound) {
		t.Errorf("missing library: %v", err)
	}
	libc := openLib(t, libcName)
	if _, err := jitffi.Bind0[int32](libc, "jitffi_no_such_symbol"); !errors.Is(err, jitffi.ErrSymbolNotFound) {
		t.Errorf("missing symbol: %v", err)
	}
	if _, err := jitffi.Bind0At[int32](0); !errors.Is(err, jitffi.ErrNilAddress) {
		t.Errorf("nil address: %v", err)
	}
	addr := must(libc.Lookup("abs"))
	if _, err := jitffi.Bind1At[map[int]int, int32](addr); !errors.Is(err, jitffi.ErrUnsupportedType) {
		t.Errorf("map param: %v", err)
	}
	if _, err := jitffi.Bind1At[[]string, int32](addr); !errors.Is(err, jitffi.ErrUnsupportedType) {
		t.Errorf("slice of strings param: %v", err)
	}
	type withSlice struct {
		N    int32
		Data []byte
	}
	_, err := jitffi.Bind1At[withSlice, int32](addr)
	if !errors.Is(err, jitffi.ErrUnsupportedType) || !containsAll(err.Error(), "Data", "[]uint8") {
		t.Errorf("slice field: %v", err)
	}
	if _, err := jitffi.Bind1At[[4]int32, int32](addr); !errors.Is(err, jitffi.ErrUnsupportedType) {
		t.Errorf("array param: %v", err)
	}
	if _, err := jitffi.Bind1At[int32, int32](addr, jitffi.Variadic(2)); !errors.Is(err, jitffi.ErrBadVariadic) {
		t.Errorf("variadic split 2 of 1: %v", err)
	}
	if _, err := jitffi.Bind1At[int32, int32](addr, jitffi.Variadic(-2)); !errors.Is(err, jitffi.ErrBadVariadic) {
		t.Errorf("variadic split -2: %v", err)
	}
	var f func(int32) (int32, int32)
	if err := jitffi.BindFuncAt(addr, &f); !errors.Is(err, jitffi.ErrUnsupportedType) {
		t.Errorf("two non-errno results: %v", err)
	}
	if err := jitffi.BindFuncAt(addr, f); !errors.Is(err, jitffi.ErrNotFunc) {
		t.Errorf("func value instead of pointer: %v", err)
	}
	var nilLib *jitffi.Library
	if _, err := jitffi.Bind0[int32](nilLib, "abs"); !errors.Is(err, jitffi.ErrNilLibrary) {
		t.Errorf("nil library: %v", err)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		found := false
		for i := 0; i+len(sub) <= len(s); i++ {
			if s[i:i+len(sub)] == sub {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func TestBindFuncReflect(t *testing.T) {
	libc := openLib(t, libcName)
	var strtol func(s *byte, end **byte, base int32) (int64, syscall.Errno)
	if err := jitffi.BindFunc(libc, strto64Name, &strtol); err != nil {
		t.Fatal(err)
	}
	s := must(jitffi.CString("-77"))
	if v, errno := strtol(s, nil, 10); v != -77 || errnoCleared && errno != 0 {
		t.Errorf("strtol(-77) = %d, %v", v, errno)
	}
	var abs func(int32) int32
	if err := jitffi.BindFunc(libc, "abs", &abs); err != nil {
		t.Fatal(err)
	}
	if got := abs(-9); got != 9 {
		t.Errorf("abs(-9) = %d", got)
	}
	var srand func(uint32)
	if err := jitffi.BindFunc(libc, "srand", &srand); err != nil {
		t.Fatal(err)
	}
	srand(1)
	// Results and parameters narrower than a frame slot, and structs by value: the frame
	// BindFunc lays out pads every slot to 8 bytes, as the stub expects.
	var div func(int32, int32) divT
	if err := jitffi.BindFunc(libc, "div", &div); err != nil {
		t.Fatal(err)
	}
	if got := div(-17, 5); got != (divT{-3, -2}) {
		t.Errorf("div(-17, 5) = %+v", got)
	}
	var div64 func(int64, int64) ldivT
	if err := jitffi.BindFunc(libc, div64Name, &div64); err != nil {
		t.Fatal(err)
	}
	if got := div64(-1<<40-3, 1<<20); got != (ldivT{(-1<<40 - 3) / (1 << 20), (-1<<40 - 3) % (1 << 20)}) {
		t.Errorf("%s = %+v", div64Name, got)
	}
	var fill func([]byte, jitffi.SizeT, uint8)
	if err := jitffi.BindFunc(fixtureLib(t, "values"), "val_fill", &fill); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	fill(buf, 4, 0xa7)
	if string(buf) != "\xa7\xa7\xa7\xa7\x00" {
		t.Errorf("val_fill(buf, 4, 0xa7) left %x", buf)
	}
}

// TestZeroFuncPanics checks that calling a binding whose Bind failed is a Go panic with a
// clear message, not an abort in the runtime.
func TestZeroFuncPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("calling a zero Func1 did not panic")
		}
	}()
	var f jitffi.Func1[int32, int32]
	f.Call(1)
}

//go:build cgo || windows

package jitffi_test

import (
	"errors"
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

// TestStringArgumentsAllocateNothing checks that a call with a short string argument
// allocates nothing once the buffer pools are warm.
func TestStringArgumentsAllocateNothing(t *testing.T) {
	lib := fixtureLib(t, "values")
	strlen := must(jitffi.Bind1[string, uint64](lib, "val_strlen"))
	s := "a string of moderate length"
	strlen.Call(s)
	if n := testing.AllocsPerRun(1000, func() { strlen.Call(s) }); n != 0 {
		t.Errorf("a call with a %d-byte string allocates %v times", len(s), n)
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

//go:build (linux && (cgo || amd64 || arm64)) || windows

package jitffi_test

import (
	"fmt"
	"syscall"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
)

// stackBig is the fixture's struct cb_big: 24 bytes, returned through a hidden pointer.
type stackBig struct{ A, B, C int64 }

// TestStackMovesDuringCall calls C functions (gcc-built, in every build) that call a
// jitffi callback whose Go side grows the goroutine stack until the runtime moves it, and
// then return. The call's Go frame lives on that stack: the stub must find it at its new
// place to store the result (in a register, and through the hidden result pointer) and,
// for CallErrno, the errno the C function set after the callback. The test checks that
// the stack did move.
func TestStackMovesDuringCall(t *testing.T) {
	lib := fixtureLib(t, "callbacks")
	scalar := must(jitffi.Bind2[*jitffi.Callback, int64, int64](lib, "cb_then_scalar"))
	big := must(jitffi.Bind2[*jitffi.Callback, int64, stackBig](lib, "cb_then_big"))
	withErrno := must(jitffi.Bind3[*jitffi.Callback, int64, int32, int64](lib, "cb_then_errno"))
	bigErrno := must(jitffi.Bind3[*jitffi.Callback, int64, int32, stackBig](lib, "cb_then_big_errno"))
	var depth int // the callback's stack growth, in 1 KiB frames; set before each call
	cb := newCallback(t, func(x int64) int64 { return x + 1 + int64(growStack(depth)) })
	// The fixture's results for a callback result y (see fixtures.CallbacksSource).
	bigOf := func(y int64) stackBig { return stackBig{y, y * 3, -y} }
	const errnoSet = syscall.Errno(34) // ERANGE on Linux; any value on Windows
	calls := []struct {
		name string
		call func(x int64) string // "" when the result is right
	}{
		{"scalar", func(x int64) string {
			if got, want := scalar.Call(cb, x), (x+1)*2+1; got != want {
				return fmt.Sprintf("result %d, want %d", got, want)
			}
			return ""
		}},
		{"struct through the hidden pointer", func(x int64) string {
			if got, want := big.Call(cb, x), bigOf(x+1); got != want {
				return fmt.Sprintf("result %+v, want %+v", got, want)
			}
			return ""
		}},
		{"CallErrno with errno set after the callback", func(x int64) string {
			if got, errno := withErrno.CallErrno(cb, x, int32(errnoSet)); got != x || errno != errnoSet { // (x+1) - 1
				return fmt.Sprintf("result %d, errno %d; want %d, %d", got, errno, x, errnoSet)
			}
			return ""
		}},
		{"CallErrno of a struct with errno set after the callback", func(x int64) string {
			if got, errno := bigErrno.CallErrno(cb, x, int32(errnoSet)); got != bigOf(x+1) || errno != errnoSet {
				return fmt.Sprintf("result %+v, errno %d; want %+v, %d", got, errno, bigOf(x+1), errnoSet)
			}
			return ""
		}},
	}
	for _, d := range []int{0, 64, 256, 1024} {
		depth = d
		for i, c := range calls {
			// Each call on a fresh goroutine, whose small stack must grow during it: on
			// one that an earlier call already grew, the stack would not move.
			type outcome struct {
				msg   string
				moved bool
			}
			done := make(chan outcome)
			go func() {
				var marker byte
				before := uintptr(unsafe.Pointer(&marker))
				msg := c.call(int64(1000*d + i))
				done <- outcome{msg, uintptr(unsafe.Pointer(&marker)) != before}
			}()
			o := <-done
			if o.msg != "" {
				t.Errorf("depth %d KiB: %s: %s", d, c.name, o.msg)
			}
			if d >= 64 && !o.moved { // 64 KiB of frames outgrow a new goroutine's stack
				t.Errorf("depth %d KiB: %s: the goroutine's stack did not move", d, c.name)
			}
		}
	}
}

// growStack pushes n frames of 1 KiB each and returns 0, computed from every frame so that
// none can be left out.
//
//go:noinline
func growStack(n int) int {
	var buf [1024]byte
	buf[n%len(buf)] = byte(n)
	if n <= 0 {
		return int(buf[0])
	}
	return growStack(n-1) + int(buf[n%len(buf)]) - n%256
}

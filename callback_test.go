//go:build cgo && (amd64 || arm64)

package jitffi_test

import (
	"fmt"
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/internal/callbacktest"
)

// TestStackMovesDuringCall calls C functions that call back into Go, where the callback
// grows the goroutine stack until the runtime moves it. The call's frame lives on that
// stack: the stub must find it at its new place to store the result (a register result
// and one returned through a hidden pointer), as cgo's wrappers do.
func TestStackMovesDuringCall(t *testing.T) {
	scalar := must(jitffi.Bind1At[int64, int64](callbacktest.ScalarAddr()))
	big := must(jitffi.Bind1At[int64, callbacktest.Big](callbacktest.BigAddr()))
	calls := []struct {
		name string
		call func() string // "" when the result is right
	}{
		{"scalar", func() string {
			if got := scalar.Call(21); got != 42 {
				return fmt.Sprintf("result %d, want 42", got)
			}
			return ""
		}},
		{"struct", func() string {
			if got := big.Call(7); got != (callbacktest.Big{A: 7, B: 8, C: 9}) {
				return fmt.Sprintf("result %+v, want {7 8 9}", got)
			}
			return ""
		}},
		{"struct with errno", func() string {
			if got, errno := big.CallErrno(5); got != (callbacktest.Big{A: 5, B: 6, C: 7}) || errno != 0 {
				return fmt.Sprintf("result %+v, %v; want {5 6 7} and no error", got, errno)
			}
			return ""
		}},
	}
	for _, depth := range []int64{0, 64, 256, 1024} {
		callbacktest.Depth.Store(depth)
		for _, c := range calls {
			// Each call on a fresh goroutine, whose small stack must grow during it: on
			// one that an earlier call already grew, the stack would not move.
			msg := make(chan string)
			go func() { msg <- c.call() }()
			if m := <-msg; m != "" {
				t.Errorf("depth %d: %s: %s", depth, c.name, m)
			}
		}
	}
}

//go:build cgo && (amd64 || arm64)

package jitffi_test

import (
	"fmt"
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/internal/callbacktest"
)

// TestStackMovesDuringCallThroughCgoExport is TestStackMovesDuringCall with a callback of
// cgo's own instead of jitffi's: C functions compiled by cgo call back into Go through a
// cgo //export function (package internal/callbacktest), which grows the goroutine stack
// until the runtime moves it, during a jitffi call. A program may mix the two, and cgo's
// callback path (crosscall2, cgocallback) must find the jitffi call's frame at its new
// place as jitffi's does. Only a cgo build has //export.
func TestStackMovesDuringCallThroughCgoExport(t *testing.T) {
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

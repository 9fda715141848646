//go:build cgo && amd64

package jitffi_test

import (
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
	for _, depth := range []int64{0, 64, 256, 1024} {
		callbacktest.Depth.Store(depth)
		done := make(chan struct{})
		go func() { // a fresh goroutine starts with a small stack that must grow
			defer close(done)
			if got := scalar.Call(21); got != 42 {
				t.Errorf("depth %d: scalar result %d, want 42", depth, got)
			}
			if got := big.Call(7); got != (callbacktest.Big{A: 7, B: 8, C: 9}) {
				t.Errorf("depth %d: struct result %+v, want {7 8 9}", depth, got)
			}
			if got, errno := big.CallErrno(5); got != (callbacktest.Big{A: 5, B: 6, C: 7}) || errno != 0 {
				t.Errorf("depth %d: errno stub: struct result %+v, errno %v", depth, got, errno)
			}
		}()
		<-done
	}
}

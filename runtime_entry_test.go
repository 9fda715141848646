package jitffi_test

import (
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/asm"
)

// TestTopOfStackEntry pins the behaviour of the runtime's _cgo_topofstack that default-mode
// stubs rely on to follow a goroutine stack that moved during a callback: called as a C
// function during a call from Go, in either mode, it returns the top of the calling
// goroutine's stack, which lies above every local variable of that goroutine. CI runs it on
// every supported Go version.
func TestTopOfStackEntry(t *testing.T) {
	for _, mode := range []struct {
		name string
		opts []jitffi.Option
	}{{"default", nil}, {"fast", []jitffi.Option{jitffi.Fast()}}} {
		t.Run(mode.name, func(t *testing.T) {
			top, err := jitffi.Bind0At[uintptr](asm.TopOfStackFunc(), mode.opts...)
			if err != nil {
				t.Fatal(err)
			}
			var local int
			here := uintptr(unsafe.Pointer(&local))
			hi := top.NoEscape().Call()
			if hi <= here || hi-here > 1<<30 {
				t.Fatalf("_cgo_topofstack = %#x with a local variable at %#x: not the top of this goroutine's stack", hi, here)
			}
		})
	}
}

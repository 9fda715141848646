package jit

import (
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi/asm"
	"github.com/jitffi/jitffi/jit/internal/emit"
)

// TestFrameHeaderMatchesAsm ties the header offsets the stubs use to the Go struct the
// doors and the bindings fill.
func TestFrameHeaderMatchesAsm(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("stubs run on 64-bit hosts only; a 32-bit host's asm.Header is not a frame header")
	}
	var h asm.Header
	got := [3]int{int(unsafe.Offsetof(h.Fn)), int(unsafe.Offsetof(h.Errno)), int(unsafe.Sizeof(h))}
	if want := [3]int{FrameFnOffset, FrameErrnoOffset, FrameHeaderSize}; got != want {
		t.Fatalf("asm.Header (Fn, Errno, size) = %v, stubs use %v", got, want)
	}
	var u asm.UpcallHeader
	got = [3]int{int(unsafe.Offsetof(u.Stub)), int(unsafe.Offsetof(u.Context)), int(unsafe.Sizeof(u))}
	if want := [3]int{emit.UpcallStubOffset, emit.UpcallContextOffset, FrameHeaderSize}; got != want {
		t.Fatalf("asm.UpcallHeader (Stub, Context, size) = %v, upcall stubs use %v", got, want)
	}
}

package asm_test

import (
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi/asm"
)

// TestHeaderOffsetsMatchGoAsmH pins the offsets the assembly reads from go_asm.h to the
// Go struct, so a change to Header cannot silently desynchronise the two.
func TestHeaderOffsetsMatchGoAsmH(t *testing.T) {
	var h asm.Header
	stub, fn, errno, size := asm.HeaderOffsets()
	want := [4]uintptr{unsafe.Offsetof(h.Stub), unsafe.Offsetof(h.Fn), unsafe.Offsetof(h.Errno), unsafe.Sizeof(h)}
	if got := [4]uintptr{stub, fn, errno, size}; got != want {
		t.Fatalf("go_asm.h offsets (stub, fn, errno, size) = %v, Go struct says %v", got, want)
	}
	if want != [4]uintptr{0, 8, 16, 24} {
		t.Fatalf("Header layout changed to %v: update the JIT emitters that read Fn and write Errno", want)
	}
}

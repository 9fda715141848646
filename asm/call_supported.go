//go:build amd64 || arm64

package asm

import "unsafe"

// runtimeCgocall is the runtime's entry into C used by cgo. The runtime pushes it with a
// linkname, so every supported Go version's linker accepts this pull. Declaring it noescape
// keeps call frames on the goroutine stack; without it every call would allocate its frame
// on the heap.
//
//go:linkname runtimeCgocall runtime.cgocall
//go:noescape
func runtimeCgocall(fn uintptr, arg unsafe.Pointer) int32

// CallDefault runs the stub named in the frame's Header through runtime.cgocall, with the
// scheduler semantics of a cgo call. frame must point to a Header followed by the stub's
// argument and result slots, and must stay valid until CallDefault returns.
func CallDefault(frame unsafe.Pointer) {
	runtimeCgocall((*Header)(frame).Stub, frame)
}

// CallFast runs the stub named in the frame's Header on the system stack with no
// scheduler transition, through the runtime's asmcgocall found by CheckFast. Only call it
// after CheckFast returned nil. See the package documentation for its contract.
//
//go:noescape
func CallFast(frame unsafe.Pointer)

// headerOffsets returns Header's field offsets as the assembler sees them in go_asm.h.
func headerOffsets() (stub, fn, errno, size uintptr)

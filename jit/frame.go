// Package jit turns a call plan into machine code and machine code into executable memory.
//
// A stub is a C-ABI function of one argument: a pointer to a call frame. The frame starts
// with asm.Header (the stub's address, the target's address, the errno slot) followed by
// one slot per argument and a slot for the result, placed by LayoutOf. The stub loads the
// arguments into the registers and stack slots the plan names, calls Header.Fn, and
// stores the result (and errno, when asked) back into the frame.
package jit

import "github.com/jitffi/jitffi/abi"

// Offsets of the header fields every stub uses: asm.Header's layout on the 64-bit hosts
// that run stubs (TestFrameHeaderMatchesAsm pins it). They are constants rather than
// unsafe.Offsetof so that a 32-bit host explains the stubs a 64-bit target runs.
const (
	FrameFnOffset     = 8
	FrameErrnoOffset  = 16
	FrameHeaderSize   = 24
	frameSlotAlign    = 8
	frameSlotMultiple = 8
)

// A Layout places a signature's arguments and result in a call frame.
type Layout struct {
	// Args holds the offset of each parameter's slot from the start of the frame.
	Args []int
	// Result is the offset of the result slot.
	Result int
	// Size is the frame's size in bytes, a multiple of 8.
	Size int
}

// LayoutOf returns the frame layout for sig. Each slot starts on an 8-byte boundary and
// takes its type's size rounded up to 8, so a Go struct of the header followed by
// 8-aligned wrappers of the parameter types has exactly these offsets. A variadic float
// argument keeps its own 4-byte slot: the stub promotes it to double.
func LayoutOf(sig *abi.Signature) Layout {
	l := Layout{Args: make([]int, len(sig.Params))}
	off := FrameHeaderSize
	for i, p := range sig.Params {
		off = alignUp(off, frameSlotAlign)
		l.Args[i] = off
		off += alignUp(p.Size(), frameSlotMultiple)
	}
	l.Result = alignUp(off, frameSlotAlign)
	l.Size = l.Result + alignUp(sig.Result.Size(), frameSlotMultiple)
	return l
}

func alignUp(n, a int) int { return (n + a - 1) &^ (a - 1) }

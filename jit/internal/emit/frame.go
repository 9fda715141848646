package emit

import "github.com/jitffi/jitffi/abi"

// Offsets of the header fields every downcall stub uses: asm.Header's layout on the 64-bit
// hosts that run stubs (package jit's TestFrameHeaderMatchesAsm pins it). They are
// constants rather than unsafe.Offsetof so that a 32-bit host explains the stubs a 64-bit
// target runs.
const (
	FrameFnOffset     = 8
	FrameErrnoOffset  = 16
	FrameHeaderSize   = 24
	FrameSlotAlign    = 8
	frameSlotMultiple = 8
)

// Offsets of the upcall frame header's words, which an upcall stub fills from its
// trampoline's data slot: asm.UpcallHeader's layout.
const (
	UpcallStubOffset    = 0
	UpcallContextOffset = 8
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
func LayoutOf(sig *abi.Signature) Layout { return LayoutWith(sig, Options{}) }

// Sizes of the Go headers a frame slot may hold in place of a C pointer.
const (
	goStringHeader = 16
	goSliceHeader  = 24
)

// LayoutWith is LayoutOf for a stub compiled with opts: the slots opts marks as Go string
// or slice headers take the header's size.
func LayoutWith(sig *abi.Signature, opts Options) Layout {
	l := Layout{Args: make([]int, len(sig.Params))}
	off := FrameHeaderSize
	for i, p := range sig.Params {
		size := p.Size()
		switch bit := uint64(1) << i; {
		case i < 64 && opts.GoStringArgs&bit != 0:
			size = goStringHeader
		case i < 64 && opts.GoSliceArgs&bit != 0:
			size = goSliceHeader
		}
		off = AlignUp(off, FrameSlotAlign)
		l.Args[i] = off
		off += AlignUp(size, frameSlotMultiple)
	}
	l.Result = AlignUp(off, FrameSlotAlign)
	size := sig.Result.Size()
	if opts.GoStringResult {
		size = goStringHeader
	}
	l.Size = l.Result + AlignUp(size, frameSlotMultiple)
	return l
}

// AlignUp rounds n up to a multiple of a, a power of two.
func AlignUp(n, a int) int { return (n + a - 1) &^ (a - 1) }

// ResultType returns the type the plan's result is passed as.
func ResultType(p *abi.Plan) *abi.Type {
	if t := p.Result.Type; t != nil {
		return t
	}
	return p.Sig.Result
}

package arm64

// The arm64 upcall stub: AAPCS64 and Apple arm64 plans.
//
// C calls the stub through a trampoline, with the plan's convention and x17 pointing at
// the trampoline's data slot (the stub's own address, then the callback's context). The
// stub stores every argument in an upcall frame on its own stack, calls the callback door
// with the frame's address in x0, and, when the door returns, loads the result the Go side
// left in the frame into the registers the plan names. Its stack frame, from sp upwards:
//
//	upcall frame       header (data slot words), argument slots, result slot
//	padding            to keep sp 16-byte aligned
//	saved x19, x20     x19 holds the frame, x20 an indirect result's address
//	saved x29, x30     the frame record, <- x29
//	the caller's stack arguments
//
// The data slot's words are read first of all, into x12 and x13, since the assembler
// layer may use x17 for out-of-range addresses. Nothing is extended: a narrow argument's
// slot gets the bytes the caller passed, and the Go side reads only its width.

import (
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/jit/internal/emit"
)

// Registers of the upcall stub beyond the downcall stub's.
const (
	dataSlotReg    = abi.X17 // the trampoline's data slot, on entry
	slotStubReg    = abi.X12 // the data slot's first word, until it is stored
	slotContextReg = abi.X13 // the data slot's second word, until it is stored
	resultAddrReg  = abi.X20 // an indirect result's address, across the door call
	pointerReg     = abi.X14 // a ByReference value's address
)

// upcall holds what the emitter needs for one upcall stub.
type upcall struct {
	a      *assembler
	plan   *abi.Plan
	opts   emit.Options
	layout emit.Layout
	alloc  int // bytes subtracted from sp below the save area
}

// Upcall emits and assembles the upcall stub for an AAPCS64 or Apple arm64 plan. The plan
// must have passed package jit's plan check.
func Upcall(plan *abi.Plan, opts emit.Options) ([]byte, error) {
	s := &upcall{plan: plan, opts: opts}
	s.layout = emit.LayoutOf(plan.Sig)
	s.alloc = emit.AlignUp(s.layout.Size, callAlign)

	a := assemblers.Get().(*assembler)
	defer assemblers.Put(a)
	a.reset()
	s.a = a
	a.ldp(slotStubReg, slotContextReg, dataSlotReg, 0, offsetMode)
	s.prologue()
	a.storeInt(slotStubReg, at(frameReg, emit.UpcallStubOffset), qwordSize)
	a.storeInt(slotContextReg, at(frameReg, emit.UpcallContextOffset), qwordSize)
	if s.plan.Result.Indirect {
		a.movReg(resultAddrReg, s.plan.Result.HiddenReg)
	}
	s.args()
	a.movReg(abi.X0, frameReg)
	a.movImm64(scratchReg, s.opts.Door)
	a.blr(scratchReg)
	s.results()
	s.epilogue()
	return a.assemble()
}

// prologue pushes a frame record, saves x19 and x20, allocates the frame and points x19
// at it.
func (s *upcall) prologue() {
	a := s.a
	a.stp(abi.X29, abi.X30, regSP, -saveArea, preIndex)
	a.movReg(abi.X29, regSP)
	a.stp(frameReg, resultAddrReg, regSP, savedPairOff, offsetMode)
	left := s.alloc
	for left > emit.StackProbePage {
		a.subSP(emit.StackProbePage)
		a.loadInt(scratchReg, at(regSP, 0), qwordSize, false)
		left -= emit.StackProbePage
	}
	if left > 0 {
		a.subSP(left)
	}
	a.movReg(frameReg, regSP)
}

func (s *upcall) epilogue() {
	a := s.a
	a.movReg(regSP, abi.X29)
	a.ldp(frameReg, resultAddrReg, regSP, savedPairOff, offsetMode)
	a.ldp(abi.X29, abi.X30, regSP, saveArea, postIndex)
	a.ret()
}

// slot returns the frame operand for byte off of argument i.
func (s *upcall) slot(i, off int) mem { return at(frameReg, s.layout.Args[i]+off) }

// incoming returns the operand for byte off of the caller's stack arguments, which start
// where sp was at entry, above the save area.
func (s *upcall) incoming(off int) mem { return at(abi.X29, saveArea+off) }

// args stores every argument in its slot. No scratch register the stub uses carries an
// argument, so registers and memory can be handled in one pass.
func (s *upcall) args() {
	a := s.a
	for i := range s.plan.Args {
		arg := &s.plan.Args[i]
		size := s.plan.Sig.Params[i].Size()
		switch arg.Passing {
		case abi.InRegisters:
			for _, part := range arg.Parts {
				dst := s.slot(i, part.Offset)
				if part.Reg.IsFloat() {
					a.storeFloat(part.Reg, dst, part.Size)
				} else {
					a.storeExact(part.Reg, dst, part.Size)
				}
			}
		case abi.OnStack:
			// Apple packs narrow stack arguments: read exactly the argument's bytes.
			a.copyBytes(s.slot(i, 0), s.incoming(arg.StackOffset), min(size, arg.StackSize))
		case abi.ByReference:
			src := arg.PointerReg
			if src == abi.NoReg {
				a.loadInt(pointerReg, s.incoming(arg.StackOffset), qwordSize, false)
				src = pointerReg
			}
			a.copyBytes(s.slot(i, 0), at(src, 0), size)
		}
	}
}

// results loads the result from the frame into the registers the plan names, or copies
// it to the caller's buffer for an indirect result. A narrow integer result is extended
// to 64 bits, which covers the 32-bit extension Apple's callers rely on.
func (s *upcall) results() {
	a := s.a
	r := &s.plan.Result
	if r.Indirect {
		a.copyBytes(at(resultAddrReg, 0), at(frameReg, s.layout.Result), emit.ResultType(s.plan).Size())
		if r.ReturnedIn != abi.NoReg {
			a.movReg(r.ReturnedIn, resultAddrReg)
		}
		return
	}
	kind := s.plan.Sig.Result.Kind
	size := s.plan.Sig.Result.Size()
	for _, part := range r.Parts {
		src := at(frameReg, s.layout.Result+part.Offset)
		switch {
		case part.Reg.IsFloat():
			a.loadFloat(part.Reg, src, part.Size)
		case kind.IsInteger() && part.Size < dwordSize:
			signed := r.Extend == abi.SignExtend32 || (r.Extend == abi.NoExtension && kind.IsSigned())
			a.loadInt(part.Reg, src, part.Size, signed)
		case part.Size == qwordSize || part.Size == dwordSize || part.Size == wordSize || part.Size == byteSize:
			a.loadInt(part.Reg, src, part.Size, false)
		case part.Offset+qwordSize <= emit.AlignUp(size, eightbyte):
			// An odd-sized tail of an aggregate: the slot is rounded up to 8 bytes, and
			// the bits beyond the value are unspecified for the caller.
			a.loadInt(part.Reg, src, qwordSize, false)
		default:
			a.failf("result: cannot load a %d-byte part at offset %d", part.Size, part.Offset)
		}
	}
}

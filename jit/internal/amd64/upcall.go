package amd64

// The amd64 upcall stub: System V and Win64 plans, calling the door System V or Win64
// style.
//
// C calls the stub through a trampoline, with the plan's convention and r11 pointing at
// the trampoline's data slot (the stub's own address, then the callback's context). The
// stub stores every argument in an upcall frame on its own stack, calls the callback door
// with the frame's address, and, when the door returns, loads the result the Go side left
// in the frame into the registers the plan names. Its stack frame, from the stack pointer
// at the door call upwards:
//
//	[rsp, +32)          shadow space for the door, when the host is Win64
//	upcall frame        header (data slot words), argument slots, result slot
//	xmm save area       xmm6-xmm15, when a Win64 caller's stub calls a SysV door
//	padding             to keep rsp 16-byte aligned
//	saved rsi, rdi      when a Win64 caller's stub calls a SysV door
//	saved r12           r12 keeps an indirect result's address across the door call
//	saved rbx           rbx holds the frame
//	saved rbp           <- rbp
//	return address
//	the caller's shadow space (Win64), then the stack arguments
//
// The arguments are stored in two phases: first every register (each argument register
// is read once, before anything clobbers it), then what lies in memory (stack arguments,
// and the values ByReference pointers point to), with the argument registers free for
// use as scratch. Nothing is extended: a narrow argument's slot gets the bytes the caller
// passed, and the Go side reads only its width.

import (
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/jit/internal/emit"
)

// Registers of the upcall stub beyond the downcall stub's frameReg and scratch registers.
const (
	dataSlotReg = abi.R11 // the trampoline's data slot, on entry
	hiddenReg   = abi.R12 // an indirect result's address, across the door call
	pointerReg  = abi.RDX // a ByReference value's address, once the registers are stored
)

// upcall holds what the emitter needs for one upcall stub.
type upcall struct {
	a      *assembler
	plan   *abi.Plan
	opts   emit.Options
	host   abi.ABI
	layout emit.Layout

	saveWin64 bool // a Win64 caller, a SysV door: rdi, rsi, xmm6-15 are saved
	pushes    int  // registers pushed after rbp
	frameBase int  // offset of the upcall frame from rsp
	xmmSave   int  // offset of the xmm save area
	alloc     int  // bytes subtracted from rsp after the pushes
}

// Upcall emits and assembles the upcall stub for a SysV or Win64 plan. The plan must have
// passed package jit's plan check.
func Upcall(plan *abi.Plan, opts emit.Options) ([]byte, error) {
	s := &upcall{plan: plan, opts: opts, host: opts.Entry}
	if s.host == 0 {
		s.host = plan.ABI
	}
	s.layout = emit.LayoutOf(plan.Sig)
	s.placeFrame()

	a := assemblers.Get().(*assembler)
	defer assemblers.Put(a)
	a.reset()
	s.a = a
	s.prologue()
	s.header()
	s.registerArgs()
	s.memoryArgs()
	if s.host == abi.Win64 {
		a.movReg(abi.RCX, frameReg)
	} else {
		a.movReg(abi.RDI, frameReg)
	}
	a.movImm64(scratchGPR, s.opts.Door)
	a.callReg(scratchGPR)
	s.results()
	s.epilogue()
	return a.assemble()
}

// placeFrame lays out the stub's own stack frame (see the file comment).
func (s *upcall) placeFrame() {
	s.saveWin64 = s.plan.ABI == abi.Win64 && s.host == abi.SysV
	s.pushes = 2 // rbx, r12
	if s.saveWin64 {
		s.pushes += 2 // rdi, rsi
	}
	if s.host == abi.Win64 {
		s.frameBase = abi.RegistersOf(abi.Win64).Shadow
	}
	end := s.frameBase + emit.AlignUp(s.layout.Size, vecSize)
	s.xmmSave = -1
	if s.saveWin64 {
		s.xmmSave = end
		end += savedXMMCount * vecSize
	}
	// At entry rsp+8 is 16-aligned; rbp and the other pushes move it by 8 each.
	pushed := (1 + 1 + s.pushes) * eightbyte
	s.alloc = emit.AlignUp(end, callAlign) + (callAlign-pushed%callAlign)%callAlign
}

func (s *upcall) prologue() {
	a := s.a
	a.push(abi.RBP)
	a.movReg(abi.RBP, abi.RSP)
	a.push(frameReg)
	a.push(hiddenReg)
	if s.saveWin64 {
		a.push(abi.RDI)
		a.push(abi.RSI)
	}
	left := s.alloc
	for left > emit.StackProbePage {
		a.subRSP(emit.StackProbePage)
		a.loadInt(scratchGPR, bits64, at(abi.RSP, 0), qwordSize, false)
		left -= emit.StackProbePage
	}
	if left > 0 {
		a.subRSP(left)
	}
	if s.saveWin64 {
		for i := range savedXMMCount {
			a.storeVec(savedXMMFirst+abi.Reg(i), at(abi.RSP, s.xmmSave+i*vecSize))
		}
	}
	a.lea(frameReg, at(abi.RSP, s.frameBase))
}

func (s *upcall) epilogue() {
	a := s.a
	if s.saveWin64 {
		for i := range savedXMMCount {
			a.loadVec(savedXMMFirst+abi.Reg(i), at(abi.RSP, s.xmmSave+i*vecSize))
		}
	}
	a.addRSP(s.alloc)
	if s.saveWin64 {
		a.pop(abi.RSI)
		a.pop(abi.RDI)
	}
	a.pop(hiddenReg)
	a.pop(frameReg)
	a.pop(abi.RBP)
	a.ret()
}

// header copies the trampoline's data slot, the stub's address and the callback's
// context, into the frame header, and keeps an indirect result's address.
func (s *upcall) header() {
	a := s.a
	a.loadInt(scratchGPR, bits64, at(dataSlotReg, 0), qwordSize, false)
	a.storeInt(scratchGPR, at(frameReg, emit.UpcallStubOffset), qwordSize)
	a.loadInt(scratchGPR, bits64, at(dataSlotReg, eightbyte), qwordSize, false)
	a.storeInt(scratchGPR, at(frameReg, emit.UpcallContextOffset), qwordSize)
	if r := s.plan.Result; r.Indirect {
		a.movReg(hiddenReg, r.HiddenReg)
	}
}

// slot returns the frame operand for byte off of argument i.
func (s *upcall) slot(i, off int) mem { return at(frameReg, s.layout.Args[i]+off) }

// incoming returns the operand for byte off of the caller's stack arguments.
func (s *upcall) incoming(off int) mem {
	return at(abi.RBP, 2*eightbyte+s.plan.ShadowSize+off) // above rbp and the return address
}

// registerArgs stores the register parts of the arguments in their slots, and a
// ByReference pointer passed in a register in its argument's slot, to be replaced by the
// value it points to once the registers are free.
func (s *upcall) registerArgs() {
	a := s.a
	for i := range s.plan.Args {
		arg := &s.plan.Args[i]
		switch arg.Passing {
		case abi.InRegisters:
			for _, part := range arg.Parts {
				dst := s.slot(i, part.Offset)
				if part.Reg.IsFloat() {
					a.storeFloat(part.Reg, dst, part.Size)
				} else {
					s.a.storeExact(part.Reg, dst, part.Size)
				}
			}
		case abi.ByReference:
			if arg.PointerReg != abi.NoReg {
				a.storeInt(arg.PointerReg, s.slot(i, 0), qwordSize)
			}
		}
	}
}

// memoryArgs copies the stack arguments, and the values ByReference pointers point to,
// into their slots.
func (s *upcall) memoryArgs() {
	a := s.a
	for i := range s.plan.Args {
		arg := &s.plan.Args[i]
		size := s.plan.Sig.Params[i].Size()
		switch arg.Passing {
		case abi.OnStack:
			// Stack arguments take whole eightbytes, so the rounded copy stays within
			// the argument's own stack slot.
			s.copy(s.slot(i, 0), s.incoming(arg.StackOffset), emit.AlignUp(size, eightbyte))
		case abi.ByReference:
			src := s.slot(i, 0)
			if arg.PointerReg == abi.NoReg {
				src = s.incoming(arg.StackOffset)
			}
			a.loadInt(pointerReg, bits64, src, qwordSize, false)
			s.copy(s.slot(i, 0), at(pointerReg, 0), size)
		}
	}
}

// results loads the result from the frame into the registers the plan names, or copies
// it to the caller's buffer for an indirect result, whose address goes back in rax.
// A narrow integer result is extended to 32 bits, as compilers extend what they return.
func (s *upcall) results() {
	a := s.a
	r := &s.plan.Result
	if r.Indirect {
		s.copy(at(hiddenReg, 0), at(frameReg, s.layout.Result), emit.ResultType(s.plan).Size())
		if r.ReturnedIn != abi.NoReg {
			a.movReg(r.ReturnedIn, hiddenReg)
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
			a.loadInt(part.Reg, bits32, src, part.Size, signed)
		case part.Size == qwordSize:
			a.loadInt(part.Reg, bits64, src, qwordSize, false)
		case part.Size == dwordSize || part.Size == wordSize || part.Size == byteSize:
			a.loadInt(part.Reg, bits32, src, part.Size, false)
		case part.Offset+qwordSize <= emit.AlignUp(size, eightbyte):
			// An odd-sized tail of an aggregate: the slot is rounded up to eightbytes,
			// and the bits beyond the value are unspecified for the caller.
			a.loadInt(part.Reg, bits64, src, qwordSize, false)
		default:
			a.failf("result: cannot load a %d-byte part at offset %d", part.Size, part.Offset)
		}
	}
}

// copy copies exactly n bytes from src to dst through rax: eightbytes (in a loop counted
// by r10 when there are many), then a 4-, 2- and 1-byte tail, so that it reads nothing
// beyond a value the caller owns.
func (s *upcall) copy(dst, src mem, n int) {
	a := s.a
	words := n &^ (eightbyte - 1)
	if words > emit.UnrolledCopyMax {
		// The index runs from -words up to 0, so the add that steps it also ends the loop.
		a.movImm64(counterReg, uint64(-int64(words)))
		loop := a.mark()
		a.loadInt(scratchGPR, bits64, atIndex(src.base, counterReg, src.off+words), qwordSize, false)
		a.storeInt(scratchGPR, atIndex(dst.base, counterReg, dst.off+words), qwordSize)
		a.addImm(counterReg, eightbyte)
		a.jnz(loop)
	} else {
		for off := 0; off < words; off += eightbyte {
			a.loadInt(scratchGPR, bits64, at(src.base, src.off+off), qwordSize, false)
			a.storeInt(scratchGPR, at(dst.base, dst.off+off), qwordSize)
		}
	}
	off := words
	for _, w := range []int{dwordSize, wordSize, byteSize} {
		if n-off >= w {
			a.loadInt(scratchGPR, bits32, at(src.base, src.off+off), w, false)
			a.storeInt(scratchGPR, at(dst.base, dst.off+off), w)
			off += w
		}
	}
}

package arm64

// The arm64 stub emitter: AAPCS64 and Apple arm64 plans.
//
// A stub is `void stub(frame*)`, entered with the frame in x0. Its stack frame, from sp
// during the call upwards, is:
//
//	[sp, +StackSize)          outgoing stack arguments, at their StackOffset
//	copy area                 ByReference copies, at their CopyOffset
//	result buffer             an indirect result that is over-aligned or must not be
//	                          written to the frame (see placeFrame)
//	stack top, result save    the goroutine stack's top before the call, and the result
//	                          registers while the stub follows its frame (TopOfStack)
//	padding                   to keep sp 16-byte (or more) aligned
//	saved x19, x20            x19 holds the frame, x20 errno's address, across the call
//	saved x29, x30            the frame record, <- x29
//
// The frame record makes the stub an ordinary frame for debuggers, profilers and the
// unwinder of a crashing C callee. The body first writes everything that goes to memory
// (stack arguments, copies) and then loads the argument registers; no scratch register the
// body uses (x9-x11, x16, x17, v16) ever carries an argument, so the order is free and
// chosen for readability.

import (
	"fmt"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/jit/internal/emit"
)

const (
	// callAlign is the stack alignment AAPCS64 requires at all times, not only at
	// calls: sp-relative accesses fault on some cores when sp is misaligned.
	callAlign = 16
	// saveArea holds the frame record (x29, x30) and the callee-saved registers the
	// stub uses (x19, x20), each pair 16 bytes.
	saveArea     = 2 * vecSize
	savedPairOff = vecSize // offset of the x19, x20 pair above sp after the first push
	bitsPerByte  = 8
)

// Registers the arm64 stub uses; all but x19 and x20 are caller-saved scratch registers
// that no argument uses.
const (
	frameReg   = abi.X19 // the frame, across the call
	errnoReg   = abi.X20 // errno's address, across the call
	scratchReg = abi.X16 // data in flight; x17 belongs to the assembler layer
	copySrc    = abi.X9  // copy loop: source pointer
	copyDst    = abi.X10 // copy loop: destination pointer
	copyLeft   = abi.X11 // copy loop: bytes left
	fpScratch  = abi.V16 // promoted variadic floats bound for the stack
	hiddenReg  = abi.X8  // AAPCS64's indirect result register
)

// ReservedRegisters are the registers stubs keep for themselves: the frame record and
// link registers, the registers that hold the frame and errno's address across the call,
// the scratch registers (x17 among them, which trampolines pass their data slot in) and
// the platform register x18. No plan may pass a value in one; package jit's plan check
// refuses them.
var ReservedRegisters = []abi.Reg{abi.X29, abi.X30, frameReg, errnoReg, scratchReg, abi.X17, copySrc, copyDst, copyLeft, abi.X18, fpScratch}

// downcall holds what the emitter needs for one stub.
type downcall struct {
	a      *assembler
	plan   *abi.Plan
	opts   emit.Options
	layout emit.Layout

	copyBase   int // offset from sp of the ByReference copy area
	resultBuf  int // offset of the indirect-result buffer, or -1 to use the frame slot
	topSave    int // offset of the goroutine stack's top before the call (TopOfStack)
	resultSave int // offset where result registers wait while the stub follows its frame
	alloc      int // bytes subtracted from sp below the save area
	frameAlign int // alignment of sp during the call
}

// Downcall emits and assembles the stub for an AAPCS64 or Apple arm64 plan.
func Downcall(plan *abi.Plan, opts emit.Options) ([]byte, error) {
	s := &downcall{plan: plan, opts: opts}
	s.layout = emit.LayoutWith(plan.Sig, opts)
	if err := s.placeFrame(); err != nil {
		return nil, err
	}

	a := assemblers.Get().(*assembler)
	defer assemblers.Put(a)
	a.reset()
	s.a = a
	s.prologue()
	s.clearErrno()
	s.markStackTop()
	s.memoryArgs()
	s.registerArgs()
	a.loadInt(scratchReg, at(frameReg, emit.FrameFnOffset), qwordSize, false)
	a.blr(scratchReg)
	s.followStack()
	s.results()
	s.errno()
	s.epilogue()
	return a.assemble()
}

// placeFrame lays out the stub's own stack frame (see the file comment).
func (s *downcall) placeFrame() error {
	p := s.plan
	s.frameAlign = max(callAlign, p.StackAlign, p.CopyAlign)
	s.copyBase = emit.AlignUp(p.StackSize, max(eightbyte, p.CopyAlign))
	end := s.copyBase + emit.AlignUp(p.CopySize, eightbyte)
	s.resultBuf = -1
	if r := p.Result; r.Indirect && (s.resultType().Align() > emit.FrameSlotAlign || s.followsStack()) {
		// The frame slot is only 8-aligned, but a callee may rely on the result's own
		// alignment; and the frame may move during the call when the stub follows the
		// goroutine stack. Either way the callee writes to a buffer here, on the system
		// stack, which the stub then copies to the slot.
		align := max(s.resultType().Align(), eightbyte)
		s.resultBuf = emit.AlignUp(end, align)
		s.frameAlign = max(s.frameAlign, align)
		end = s.resultBuf + emit.AlignUp(s.resultType().Size(), eightbyte)
	}
	s.topSave, s.resultSave = -1, -1
	if s.followsStack() {
		s.topSave = emit.AlignUp(end, eightbyte)
		s.resultSave = s.topSave + eightbyte
		end = s.resultSave + len(p.Result.Parts)*eightbyte
	}
	s.alloc = emit.AlignUp(end, callAlign)
	if s.alloc+s.frameAlign >= addImmLimit {
		return fmt.Errorf("jit: a %d-byte stack frame is too large for an arm64 stub", s.alloc)
	}
	return nil
}

// savesErrnoReg reports whether the stub keeps errno's address in x20.
func (s *downcall) savesErrnoReg() bool { return s.opts.Errno == emit.ErrnoLocation }

// prologue pushes a frame record, saves the callee-saved registers the stub uses, keeps
// the frame in x19 and allocates the stack frame.
func (s *downcall) prologue() {
	a := s.a
	a.stp(abi.X29, abi.X30, regSP, -saveArea, preIndex)
	a.movReg(abi.X29, regSP)
	if s.savesErrnoReg() {
		a.stp(frameReg, errnoReg, regSP, savedPairOff, offsetMode)
	} else {
		a.storeInt(frameReg, at(regSP, savedPairOff), qwordSize)
	}
	a.movReg(frameReg, abi.X0)
	// Touch each page of a large frame in order, from the top down, so that no access
	// skips a guard page.
	left := s.alloc
	for left > emit.StackProbePage {
		a.subSP(emit.StackProbePage)
		a.loadInt(scratchReg, at(regSP, 0), qwordSize, false)
		left -= emit.StackProbePage
	}
	if left > 0 {
		a.subSP(left)
	}
	if s.frameAlign > callAlign {
		// and cannot read sp, only write it.
		a.movReg(scratchReg, regSP)
		a.andSPAlign(scratchReg, s.frameAlign)
	}
}

// epilogue undoes the prologue and returns.
func (s *downcall) epilogue() {
	a := s.a
	if s.alloc > 0 || s.frameAlign > callAlign {
		a.movReg(regSP, abi.X29)
	}
	if s.savesErrnoReg() {
		a.ldp(frameReg, errnoReg, regSP, savedPairOff, offsetMode)
	} else {
		a.loadInt(frameReg, at(regSP, savedPairOff), qwordSize, false)
	}
	a.ldp(abi.X29, abi.X30, regSP, saveArea, postIndex)
	a.ret()
}

// slot returns the frame operand for byte off of argument i.
func (s *downcall) slot(i, off int) mem { return at(frameReg, s.layout.Args[i]+off) }

// memoryArgs writes the outgoing stack arguments and the ByReference copies, each with
// exactly the bytes the plan gives it: Apple packs stack arguments at their natural size,
// so a wider store would overwrite the next argument.
func (s *downcall) memoryArgs() {
	a := s.a
	for i := range s.plan.Args {
		arg := &s.plan.Args[i]
		param := s.plan.Sig.Params[i]
		slotSize := emit.AlignUp(param.Size(), eightbyte)
		switch arg.Passing {
		case abi.OnStack:
			dst := at(regSP, arg.StackOffset)
			switch {
			case arg.Promoted && param.Kind == abi.Float32:
				a.loadFloat(fpScratch, s.slot(i, 0), dwordSize)
				a.fcvtSD(fpScratch, fpScratch)
				a.storeFloat(fpScratch, dst, qwordSize)
			case param.Kind.IsScalar() && !param.Kind.IsFloat():
				// Extended in full, so the slot's upper bytes are deterministic too.
				s.loadScalar(scratchReg, i, s.slot(i, 0))
				s.deref(i, scratchReg)
				a.storeExact(scratchReg, dst, min(arg.StackSize, qwordSize))
			default:
				a.copyBytes(dst, s.slot(i, 0), min(arg.StackSize, slotSize))
			}
		case abi.ByReference:
			cp := s.copyBase + arg.CopyOffset
			a.copyBytes(at(regSP, cp), s.slot(i, 0), slotSize)
			if arg.PointerReg == abi.NoReg {
				a.addImm(scratchReg, regSP, cp)
				a.storeInt(scratchReg, at(regSP, arg.StackOffset), qwordSize)
			}
		}
	}
}

// loadScalar loads integer argument i (its whole value) from src into dst, widened to 64
// bits: as the plan's Extend says, or else by the type's signedness. AAPCS64 leaves the
// bits above a narrow argument unspecified, but Apple's callees and clang-compiled code
// rely on the 32-bit extension a C caller performs, and one rule for both is simplest.
func (s *downcall) loadScalar(dst abi.Reg, i int, src mem) {
	arg, param := &s.plan.Args[i], s.plan.Sig.Params[i]
	signed := arg.Extend == abi.SignExtend32 || (arg.Extend == abi.NoExtension && param.Kind.IsSigned())
	s.a.loadInt(dst, src, param.Size(), signed)
}

// registerArgs loads the register arguments, the ByReference pointers and the indirect
// result address.
func (s *downcall) registerArgs() {
	a := s.a
	for i := range s.plan.Args {
		arg := &s.plan.Args[i]
		switch arg.Passing {
		case abi.InRegisters:
			for _, part := range arg.Parts {
				s.loadPart(i, part)
			}
		case abi.ByReference:
			if arg.PointerReg != abi.NoReg {
				a.addImm(arg.PointerReg, regSP, s.copyBase+arg.CopyOffset)
			}
		}
	}
	if r := s.plan.Result; r.Indirect {
		if s.resultBuf >= 0 {
			a.addImm(r.HiddenReg, regSP, s.resultBuf)
		} else {
			a.addImm(r.HiddenReg, frameReg, s.layout.Result)
		}
	}
}

// loadPart loads one register part of argument i.
func (s *downcall) loadPart(i int, part abi.Part) {
	a := s.a
	arg, param := &s.plan.Args[i], s.plan.Sig.Params[i]
	src := s.slot(i, part.Offset)
	switch {
	case part.Reg.IsFloat() && arg.Promoted && param.Kind == abi.Float32:
		a.loadFloat(part.Reg, src, dwordSize)
		a.fcvtSD(part.Reg, part.Reg)
	case part.Reg.IsFloat():
		a.loadFloat(part.Reg, src, part.Size)
	case param.Kind.IsScalar():
		s.loadScalar(part.Reg, i, src)
		s.deref(i, part.Reg)
	case part.Size == qwordSize || part.Size == dwordSize || part.Size == wordSize || part.Size == byteSize:
		a.loadInt(part.Reg, src, part.Size, false)
	case part.Offset+qwordSize <= emit.AlignUp(param.Size(), eightbyte):
		// An odd-sized tail (3, 5, 6, 7 bytes) of an aggregate: the frame slot is
		// rounded up to 8 bytes, so the whole word is readable, and the bits beyond the
		// value are unspecified for the callee.
		a.loadInt(part.Reg, src, qwordSize, false)
	default:
		a.failf("argument %d: cannot load a %d-byte part at offset %d", i, part.Size, part.Offset)
	}
}

// results stores the result registers into the frame's result slot.
func (s *downcall) results() {
	a := s.a
	r := &s.plan.Result
	if r.Indirect {
		if s.resultBuf >= 0 {
			s.a.copyBytes(at(frameReg, s.layout.Result), at(regSP, s.resultBuf), emit.AlignUp(s.resultType().Size(), eightbyte))
		}
		return
	}
	kind := s.plan.Sig.Result.Kind
	for _, part := range r.Parts {
		dst := at(frameReg, s.layout.Result+part.Offset)
		switch {
		case part.Reg.IsFloat():
			a.storeFloat(part.Reg, dst, part.Size)
		case kind.IsInteger() && part.Size < dwordSize:
			// Callees leave narrow results unextended; the whole 8-byte slot gets the
			// widened value so that any reader of the slot sees the same number.
			signed := r.Extend == abi.SignExtend32 || (r.Extend == abi.NoExtension && kind.IsSigned())
			a.extendReg(part.Reg, part.Reg, part.Size, signed)
			a.storeInt(part.Reg, dst, qwordSize)
		default:
			s.a.storeExact(part.Reg, dst, part.Size)
		}
	}
}

// clearErrno, for emit.ErrnoLocation, finds the thread's errno, keeps its address in x20 and
// sets errno to 0, as cgo does (see the amd64 stub).
func (s *downcall) clearErrno() {
	if s.opts.Errno != emit.ErrnoLocation {
		return
	}
	a := s.a
	a.movImm64(scratchReg, uint64(s.opts.ErrnoFunc))
	a.blr(scratchReg)
	a.movReg(errnoReg, abi.X0)
	a.storeInt(regZR, at(errnoReg, 0), dwordSize)
}

// errno stores the C error code in the frame header: errno itself for emit.ErrnoLocation, or
// what ErrnoFunc returns for emit.ErrnoValue.
func (s *downcall) errno() {
	a := s.a
	switch s.opts.Errno {
	case emit.ErrnoLocation:
		a.loadInt(scratchReg, at(errnoReg, 0), dwordSize, false)
		a.storeInt(scratchReg, at(frameReg, emit.FrameErrnoOffset), dwordSize)
	case emit.ErrnoValue:
		a.movImm64(scratchReg, uint64(s.opts.ErrnoFunc))
		a.blr(scratchReg)
		a.storeInt(abi.X0, at(frameReg, emit.FrameErrnoOffset), dwordSize)
	}
}

// deref replaces the pointer in r by the word it points to, for an argument whose slot
// holds a pointer to its value (DerefArgs); a nil pointer stays 0 (NULL).
func (s *downcall) deref(i int, r abi.Reg) {
	if i >= 64 || s.opts.DerefArgs&(1<<i) == 0 {
		return
	}
	a := s.a
	skip := a.cbzForward(r)
	a.loadInt(r, at(r, 0), qwordSize, false)
	a.land(skip)
}

// resultType is the type of the result as the plan passes it.
func (s *downcall) resultType() *abi.Type { return emit.ResultType(s.plan) }

// followsStack reports whether the stub adjusts its frame pointer for goroutine stack
// moves during the call (see Options.TopOfStack).
func (s *downcall) followsStack() bool { return s.opts.TopOfStack != 0 }

// markStackTop keeps the goroutine stack's top, as it is before the call, in the stub's
// own frame: that lives on the system stack, which does not move, and the callee
// preserves sp, so no callee-saved register is needed for it.
func (s *downcall) markStackTop() {
	if !s.followsStack() {
		return
	}
	a := s.a
	a.movImm64(scratchReg, uint64(s.opts.TopOfStack))
	a.blr(scratchReg)
	a.storeInt(abi.X0, at(regSP, s.topSave), qwordSize)
}

// followStack moves x19 by as much as the goroutine stack's top moved during the call, so
// that the frame, which lives on that stack, is found where it is now: a callback into Go
// may have grown the stack, which copies it elsewhere and frees the old one. The result
// registers the plan uses wait in the stub's own frame meanwhile, whole, since
// _cgo_topofstack is an ordinary C function that may clobber any of them.
func (s *downcall) followStack() {
	if !s.followsStack() {
		return
	}
	a := s.a
	parts := s.plan.Result.Parts
	for k, part := range parts {
		save := at(regSP, s.resultSave+k*eightbyte)
		if part.Reg.IsFloat() {
			a.storeFloat(part.Reg, save, qwordSize)
		} else {
			a.storeInt(part.Reg, save, qwordSize)
		}
	}
	a.movImm64(scratchReg, uint64(s.opts.TopOfStack))
	a.blr(scratchReg)
	a.loadInt(scratchReg, at(regSP, s.topSave), qwordSize, false)
	a.subReg(scratchReg, abi.X0, scratchReg)
	a.addReg(frameReg, frameReg, scratchReg)
	for k, part := range parts {
		save := at(regSP, s.resultSave+k*eightbyte)
		if part.Reg.IsFloat() {
			a.loadFloat(part.Reg, save, qwordSize)
		} else {
			a.loadInt(part.Reg, save, qwordSize, false)
		}
	}
}

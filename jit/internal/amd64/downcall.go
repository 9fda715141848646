package amd64

// The amd64 stub emitter: System V and Win64 plans, entered System V or Win64 style.
//
// A stub is `void stub(frame*)`. Its own stack frame, from the stack pointer at the call
// upwards, is:
//
//	[rsp, +ShadowSize)                 the callee's shadow space (Win64 plans)
//	[+ShadowSize, +StackSize)          outgoing stack arguments, at their StackOffset
//	copy area                          ByReference copies, at their CopyOffset
//	result buffer                      an over-aligned indirect result (see resultBuffer)
//	xmm save area                      xmm6-xmm15, when a Win64 caller enters a SysV plan
//	padding                            to keep rsp 16-byte (or StackAlign) aligned
//	saved rsi, rdi                     when a Win64 caller enters a SysV plan
//	saved r12                          r12 holds errno's address across the call
//	saved rbx                          rbx holds the frame pointer across the call
//	saved rbp                          <- rbp
//	return address
//
// The body runs in three phases so that no argument register is written before the last
// use of a scratch register: first everything that goes to memory (stack arguments,
// copies), using only scratch registers no plan passes arguments in; then the register
// arguments; then al for variadic SysV calls, right before the call.

import (
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/jit/internal/emit"
)

const (
	// callAlign is the stack alignment both conventions require at a call.
	callAlign = 16
	// savedXMMFirst and savedXMMCount name xmm6-xmm15, callee-saved under Win64 and
	// clobbered freely by a SysV callee.
	savedXMMFirst = abi.XMM6
	savedXMMCount = 10
	// eightbyte is the unit in which values are copied; every frame slot, stack
	// argument and copy is a whole number of them.
	eightbyte = 8
)

// Scratch registers. None carries an argument in either convention (al is written last),
// and all are caller-saved in both, so the stub may clobber them without saving them.
const (
	scratchGPR   = abi.RAX
	counterReg   = abi.R10 // copy loop index
	frameReg     = abi.RBX
	errnoReg     = abi.R12   // callee-saved in both conventions, like frameReg
	stackTopReg  = abi.R13   // callee-saved in both: the goroutine stack's top before the call
	scratchXMM   = abi.XMM15 // caller-saved under SysV; not an argument register
	scratchXMMMS = abi.XMM5  // caller-saved under Win64, where xmm15 is callee-saved
)

// ReservedRegisters are the registers stubs keep for themselves: the stack and frame
// pointers, the registers that hold the frame, errno's address and the stack top across
// the call, and the scratch registers (r11 among them, which trampolines pass their data
// slot in). No plan may pass a value in one; package jit's plan check refuses them.
var ReservedRegisters = []abi.Reg{abi.RSP, abi.RBP, frameReg, errnoReg, stackTopReg, counterReg, scratchGPR, abi.R11, scratchXMM}

// downcall holds what the emitter needs for one stub.
type downcall struct {
	a      *assembler
	plan   *abi.Plan
	opts   emit.Options
	entry  abi.ABI
	layout emit.Layout

	xmmScratch abi.Reg
	saveGPRs   bool // a Win64 caller enters a SysV plan: rdi, rsi, xmm6-15 are saved
	pushes     int  // registers pushed after rbp

	argBase    int // offset from rsp of the outgoing stack arguments
	copyBase   int // offset of the ByReference copy area
	resultBuf  int // offset of the indirect-result buffer, or -1 to use the frame slot
	resultSave int // offset where result registers wait while the stub follows its frame
	xmmSave    int // offset of the xmm save area
	alloc      int // bytes subtracted from rsp after the pushes
	frameAlign int // alignment of rsp during the call
}

// Downcall emits and assembles the stub for a SysV or Win64 plan.
func Downcall(plan *abi.Plan, opts emit.Options) ([]byte, error) {
	s := &downcall{plan: plan, opts: opts, entry: opts.Entry}
	if s.entry == 0 {
		s.entry = plan.ABI
	}
	s.layout = emit.LayoutWith(plan.Sig, opts)
	s.placeFrame()

	a := assemblers.Get().(*assembler)
	defer assemblers.Put(a)
	a.reset()
	s.a = a
	s.prologue()
	s.clearErrno()
	s.markStackTop()
	s.memoryArgs()
	s.registerArgs()
	a.callMem(at(frameReg, emit.FrameFnOffset))
	s.followStack()
	s.results()
	s.errno()
	s.epilogue()
	// The bytes belong to a symbol made for this stub alone, so the caller may keep them.
	return a.assemble()
}

// placeFrame lays out the stub's own stack frame (see the file comment).
func (s *downcall) placeFrame() {
	p := s.plan
	s.xmmScratch = scratchXMM
	if s.entry == abi.Win64 {
		s.xmmScratch = scratchXMMMS
	}
	s.saveGPRs = s.entry == abi.Win64 && p.ABI == abi.SysV
	s.pushes = 1 // rbx
	if s.opts.Errno == emit.ErrnoLocation {
		s.pushes++ // r12
	}
	if s.saveGPRs {
		s.pushes += 2 // rdi, rsi
	}
	if s.followsStack() {
		s.pushes++ // r13
	}
	s.frameAlign = max(callAlign, p.StackAlign, p.CopyAlign)

	s.argBase = p.ShadowSize
	end := s.argBase + p.StackSize
	s.copyBase = emit.AlignUp(end, max(callAlign, p.CopyAlign))
	end = s.copyBase + emit.AlignUp(p.CopySize, eightbyte)
	s.resultBuf = -1
	if rt := emit.ResultType(p); p.Result.Indirect && (rt.Align() > emit.FrameSlotAlign || s.followsStack()) {
		// The frame slot is only 8-aligned, but a callee may store an over-aligned
		// result with aligned vector stores; and the frame may move during the call
		// when the stub follows the goroutine stack. Either way the callee writes to a
		// buffer here, on the system stack, which the stub then copies to the slot.
		s.resultBuf = emit.AlignUp(end, max(rt.Align(), eightbyte))
		s.frameAlign = max(s.frameAlign, rt.Align())
		end = s.resultBuf + emit.AlignUp(rt.Size(), eightbyte)
	}
	s.resultSave = -1
	if s.followsStack() {
		s.resultSave = emit.AlignUp(end, eightbyte)
		end = s.resultSave + len(p.Result.Parts)*eightbyte
	}
	if s.entry == abi.Win64 && s.opts.Errno != emit.NoErrno {
		// The errno function is called Win64-style too and owns the bottom 32 bytes;
		// whatever must survive that call (the xmm save area) lies above them.
		end = max(end, abi.RegistersOf(abi.Win64).Shadow)
	}
	s.xmmSave = -1
	if s.saveGPRs {
		s.xmmSave = emit.AlignUp(end, vecSize)
		end = s.xmmSave + savedXMMCount*vecSize
	}
	// At entry rsp+8 is 16-aligned; rbp and the other pushes move it by 8 each.
	pushed := (1 + 1 + s.pushes) * eightbyte // return address, rbp, the rest
	s.alloc = emit.AlignUp(end, callAlign) + (callAlign-pushed%callAlign)%callAlign
}

// prologue saves what the stub uses that its caller expects preserved, points rbx at
// the frame and allocates the stub's stack frame.
func (s *downcall) prologue() {
	a := s.a
	a.push(abi.RBP)
	a.movReg(abi.RBP, abi.RSP)
	a.push(frameReg)
	if s.opts.Errno == emit.ErrnoLocation {
		a.push(errnoReg)
	}
	if s.saveGPRs {
		a.push(abi.RDI)
		a.push(abi.RSI)
	}
	if s.followsStack() {
		a.push(stackTopReg)
	}
	if s.entry == abi.Win64 {
		a.movReg(frameReg, abi.RCX)
	} else {
		a.movReg(frameReg, abi.RDI)
	}
	// Touch each page of a large frame in order, from the top down (see emit.StackProbePage).
	left := s.alloc
	for left > emit.StackProbePage {
		a.subRSP(emit.StackProbePage)
		a.loadInt(scratchGPR, bits64, at(abi.RSP, 0), qwordSize, false)
		left -= emit.StackProbePage
	}
	if left > 0 {
		a.subRSP(left)
	}
	if s.frameAlign > callAlign {
		a.alignRSP(s.frameAlign)
	}
	if s.saveGPRs {
		for i := range savedXMMCount {
			a.storeVec(savedXMMFirst+abi.Reg(i), at(abi.RSP, s.xmmSave+i*vecSize))
		}
	}
}

// epilogue undoes the prologue and returns.
func (s *downcall) epilogue() {
	a := s.a
	if s.saveGPRs {
		for i := range savedXMMCount {
			a.loadVec(savedXMMFirst+abi.Reg(i), at(abi.RSP, s.xmmSave+i*vecSize))
		}
	}
	if s.frameAlign > callAlign {
		// The alignment moved rsp by an unknown amount: recompute it from rbp.
		a.lea(abi.RSP, at(abi.RBP, -s.pushes*eightbyte))
	} else if s.alloc > 0 {
		a.addRSP(s.alloc)
	}
	if s.followsStack() {
		a.pop(stackTopReg)
	}
	if s.saveGPRs {
		a.pop(abi.RSI)
		a.pop(abi.RDI)
	}
	if s.opts.Errno == emit.ErrnoLocation {
		a.pop(errnoReg)
	}
	a.pop(frameReg)
	a.pop(abi.RBP)
	a.ret()
}

// slot returns the frame operand for byte off of argument i.
func (s *downcall) slot(i, off int) mem { return at(frameReg, s.layout.Args[i]+off) }

// stackArg returns the operand for byte off of the outgoing stack area.
func (s *downcall) stackArg(off int) mem { return at(abi.RSP, s.argBase+off) }

// copyWords copies n bytes, rounded up to whole eightbytes, through the scratch register.
// Callers guarantee that both the source and the destination extend to that rounding.
func (s *downcall) copyWords(dst, src mem, n int) {
	a := s.a
	n = emit.AlignUp(n, eightbyte)
	if n <= emit.UnrolledCopyMax {
		for off := 0; off < n; off += eightbyte {
			a.loadInt(scratchGPR, bits64, at(src.base, src.off+off), qwordSize, false)
			a.storeInt(scratchGPR, at(dst.base, dst.off+off), qwordSize)
		}
		return
	}
	// The index runs from -n up to 0, so the add that steps it also ends the loop.
	a.movImm64(counterReg, uint64(-int64(n)))
	loop := a.mark()
	a.loadInt(scratchGPR, bits64, atIndex(src.base, counterReg, src.off+n), qwordSize, false)
	a.storeInt(scratchGPR, atIndex(dst.base, counterReg, dst.off+n), qwordSize)
	a.addImm(counterReg, eightbyte)
	a.jnz(loop)
}

// memoryArgs writes the outgoing stack arguments and the ByReference copies. It uses only
// the scratch registers.
func (s *downcall) memoryArgs() {
	a := s.a
	for i := range s.plan.Args {
		arg := &s.plan.Args[i]
		param := s.plan.Sig.Params[i]
		slotSize := emit.AlignUp(param.Size(), eightbyte)
		switch arg.Passing {
		case abi.OnStack:
			dst := s.stackArg(arg.StackOffset)
			switch {
			case arg.Promoted && param.Kind == abi.Float32:
				a.cvtss2sd(s.xmmScratch, s.slot(i, 0))
				a.storeFloat(s.xmmScratch, dst, qwordSize)
			case param.Kind.IsInteger() && param.Size() < dwordSize:
				// Extended in full, so the slot's upper bytes are deterministic too.
				s.loadScalar(scratchGPR, i, s.slot(i, 0))
				a.storeInt(scratchGPR, dst, qwordSize)
			case s.derefs(i):
				a.loadInt(scratchGPR, bits64, s.slot(i, 0), qwordSize, false)
				s.deref(i, scratchGPR)
				a.storeInt(scratchGPR, dst, qwordSize)
			default:
				s.copyWords(dst, s.slot(i, 0), min(emit.AlignUp(arg.StackSize, eightbyte), slotSize))
			}
		case abi.ByReference:
			cp := at(abi.RSP, s.copyBase+arg.CopyOffset)
			s.copyWords(cp, s.slot(i, 0), slotSize)
			if arg.PointerReg == abi.NoReg {
				a.lea(scratchGPR, cp)
				a.storeInt(scratchGPR, s.stackArg(arg.StackOffset), qwordSize)
			}
		}
	}
}

// loadScalar loads integer argument i (its whole value, which fits one register) from src
// into dst, widened as the plan says. A narrow integer without an Extend is
// zero-extended, which any callee accepts since the upper bits are unspecified.
func (s *downcall) loadScalar(dst abi.Reg, i int, src mem) {
	arg, param := &s.plan.Args[i], s.plan.Sig.Params[i]
	size := param.Size()
	signed := arg.Extend == abi.SignExtend32 || (arg.Extend == abi.NoExtension && arg.Promoted && param.Kind.IsSigned())
	bits := bits32
	if size > dwordSize {
		bits = bits64
	}
	s.a.loadInt(dst, bits, src, size, signed)
}

// registerArgs loads the register arguments, the ByReference pointers, the hidden result
// pointer and, last, al.
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
				a.lea(arg.PointerReg, at(abi.RSP, s.copyBase+arg.CopyOffset))
			}
		}
	}
	if r := s.plan.Result; r.Indirect {
		if s.resultBuf >= 0 {
			a.lea(r.HiddenReg, at(abi.RSP, s.resultBuf))
		} else {
			a.lea(r.HiddenReg, at(frameReg, s.layout.Result))
		}
	}
	switch {
	case s.plan.VectorCount >= 0:
		a.movImm32(abi.RAX, uint32(s.plan.VectorCount))
	case s.plan.ABI == abi.SysV:
		// Not declared variadic, al still says how many vector registers carry
		// arguments, as libffi sets it: a variadic function bound without Variadic then
		// still finds its floating-point arguments. Callees that are not variadic
		// ignore al.
		a.movImm32(abi.RAX, uint32(s.vectorRegsUsed()))
	}
}

// derefs reports whether argument i's slot holds a pointer to the value (DerefArgs).
func (s *downcall) derefs(i int) bool { return i < 64 && s.opts.DerefArgs&(1<<i) != 0 }

// deref replaces the pointer in r by the word it points to, for an argument whose slot
// holds a pointer to its value; a nil pointer stays 0 (NULL).
func (s *downcall) deref(i int, r abi.Reg) {
	if !s.derefs(i) {
		return
	}
	a := s.a
	a.testReg(r)
	skip := a.jzForward()
	a.loadInt(r, bits64, at(r, 0), qwordSize, false)
	a.land(skip)
}

// vectorRegsUsed counts the vector registers the plan passes arguments in.
func (s *downcall) vectorRegsUsed() int {
	n := 0
	for i := range s.plan.Args {
		for _, part := range s.plan.Args[i].Parts {
			if part.Reg.IsFloat() {
				n++
			}
		}
	}
	return n
}

// loadPart loads one register part of argument i, and its duplicate.
func (s *downcall) loadPart(i int, part abi.Part) {
	a := s.a
	arg, param := &s.plan.Args[i], s.plan.Sig.Params[i]
	src := s.slot(i, part.Offset)
	switch {
	case part.Reg.IsFloat() && arg.Promoted && param.Kind == abi.Float32:
		a.cvtss2sd(part.Reg, src)
	case part.Reg.IsFloat():
		a.loadFloat(part.Reg, src, part.Size)
	case param.Kind.IsScalar():
		s.loadScalar(part.Reg, i, src)
		s.deref(i, part.Reg)
	case part.Size == qwordSize:
		a.loadInt(part.Reg, bits64, src, qwordSize, false)
	case part.Size == dwordSize || part.Size == wordSize || part.Size == byteSize:
		a.loadInt(part.Reg, bits32, src, part.Size, false)
	case part.Offset+qwordSize <= emit.AlignUp(param.Size(), eightbyte):
		// An odd-sized tail (3, 5, 6, 7 bytes) of an aggregate: the frame slot is
		// rounded up to eightbytes, so the whole eightbyte is readable, and the bits
		// beyond the value are unspecified for the callee.
		a.loadInt(part.Reg, bits64, src, qwordSize, false)
	default:
		a.failf("argument %d: cannot load a %d-byte part at offset %d", i, part.Size, part.Offset)
	}
	switch {
	case part.Dup == abi.NoReg:
	case part.Reg.IsFloat() && !part.Dup.IsFloat():
		a.xmmToGPR(part.Dup, part.Reg)
	case !part.Reg.IsFloat() && part.Dup.IsFloat():
		a.gprToXMM(part.Dup, part.Reg)
	default:
		a.failf("duplicate %v of %v is in the same register file", part.Dup, part.Reg)
	}
}

// results stores the result registers into the frame's result slot.
func (s *downcall) results() {
	a := s.a
	r := &s.plan.Result
	if r.Indirect {
		if s.resultBuf >= 0 {
			s.copyWords(at(frameReg, s.layout.Result), at(abi.RSP, s.resultBuf), emit.AlignUp(emit.ResultType(s.plan).Size(), eightbyte))
		}
		return
	}
	for _, part := range r.Parts {
		dst := at(frameReg, s.layout.Result+part.Offset)
		switch {
		case part.Reg.IsFloat():
			a.storeFloat(part.Reg, dst, part.Size)
		case r.Extend != abi.NoExtension && part.Size < dwordSize:
			// Callees leave narrow results unextended; the whole 8-byte slot gets the
			// widened value so that any reader of the slot sees the same number.
			a.extendReg(part.Reg, bits64, part.Reg, part.Size, r.Extend == abi.SignExtend32)
			a.storeInt(part.Reg, dst, qwordSize)
		default:
			s.a.storeExact(part.Reg, dst, part.Size)
		}
	}
}

// clearErrno, for emit.ErrnoLocation, finds the thread's errno, keeps its address in r12 and
// sets errno to 0, as cgo does: C functions set errno only on failure, so without this
// a successful call would report whatever error an earlier call on the thread left.
// The address stays valid: the call cannot move to another thread while the stub runs.
func (s *downcall) clearErrno() {
	if s.opts.Errno != emit.ErrnoLocation {
		return
	}
	a := s.a
	a.movImm64(abi.RAX, uint64(s.opts.ErrnoFunc))
	a.callReg(abi.RAX)
	a.movReg(errnoReg, abi.RAX)
	a.storeImm32(at(errnoReg, 0), 0)
}

// errno stores the C error code in the frame header: errno itself for emit.ErrnoLocation, or
// what ErrnoFunc returns, called in the entry convention, for emit.ErrnoValue.
func (s *downcall) errno() {
	a := s.a
	switch s.opts.Errno {
	case emit.ErrnoLocation:
		a.loadInt(abi.RAX, bits32, at(errnoReg, 0), dwordSize, false)
	case emit.ErrnoValue:
		a.movImm64(abi.RAX, uint64(s.opts.ErrnoFunc))
		a.callReg(abi.RAX)
	default:
		return
	}
	a.storeInt(abi.RAX, at(frameReg, emit.FrameErrnoOffset), dwordSize)
}

// followsStack reports whether the stub adjusts its frame pointer for goroutine stack
// moves during the call (see Options.TopOfStack).
func (s *downcall) followsStack() bool { return s.opts.TopOfStack != 0 }

// markStackTop keeps the goroutine stack's top, as it is before the call, in r13.
func (s *downcall) markStackTop() {
	if !s.followsStack() {
		return
	}
	s.a.movImm64(abi.RAX, uint64(s.opts.TopOfStack))
	s.a.callReg(abi.RAX)
	s.a.movReg(stackTopReg, abi.RAX)
}

// followStack moves rbx by as much as the goroutine stack's top moved during the call, so
// that the frame, which lives on that stack, is found where it is now: a callback into Go
// may have grown the stack, which copies it elsewhere and frees the old one. The result
// registers wait in the stub's own frame meanwhile.
func (s *downcall) followStack() {
	if !s.followsStack() {
		return
	}
	a := s.a
	parts := s.plan.Result.Parts
	for k, part := range parts {
		save := at(abi.RSP, s.resultSave+k*eightbyte)
		if part.Reg.IsFloat() {
			a.storeFloat(part.Reg, save, qwordSize)
		} else {
			a.storeInt(part.Reg, save, qwordSize)
		}
	}
	a.movImm64(abi.RAX, uint64(s.opts.TopOfStack))
	a.callReg(abi.RAX)
	a.subReg(abi.RAX, stackTopReg)
	a.addReg(frameReg, abi.RAX)
	for k, part := range parts {
		save := at(abi.RSP, s.resultSave+k*eightbyte)
		if part.Reg.IsFloat() {
			a.loadFloat(part.Reg, save, qwordSize)
		} else {
			a.loadInt(part.Reg, bits64, save, qwordSize, false)
		}
	}
}

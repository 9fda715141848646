package amd64

// A narrow, typed layer over golang-asm for amd64.
//
// The stub emitter never touches obj.Prog operand slots (jit/internal/emit/doc.go, trap 6):
// golang-asm mis-encodes some operand placements silently (a PUSHQ with its register in To
// emits a stray byte), and Go mnemonics read differently from the vendor's. Each helper
// below fixes one instruction form, checks its register classes and sizes, and has a golden
// disassembly test, so that replacing the assembler later is a change to this file only.

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/jit/internal/emit"
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
)

// Operand widths in bytes and bits used by the helpers.
const (
	byteSize  = 1
	wordSize  = 2
	dwordSize = 4
	qwordSize = 8
	vecSize   = 16

	bits32 = 32
	bits64 = 64
)

// linkInit guards golang-asm's amd64 table initialisation, which writes package-level
// tables without synchronisation.
var linkInit sync.Once

// assemblers recycles assemblers: an obj.Link is not safe for concurrent use, and making one
// per stub would cost more than assembling the stub.
var assemblers = sync.Pool{New: func() any { return newAssembler() }}

// mem is a memory operand [base + index + off]; index is NoReg when absent.
type mem struct {
	base, index abi.Reg
	off         int
}

// at returns the memory operand [base + off].
func at(base abi.Reg, off int) mem { return mem{base: base, off: off} }

// atIndex returns the memory operand [base + index + off].
func atIndex(base, index abi.Reg, off int) mem { return mem{base: base, index: index, off: off} }

// A label marks a position in the instruction stream that a branch can target.
type label struct {
	// after is the instruction emitted just before the label, or nil at the start: the
	// target is the one emitted next.
	after *obj.Prog
}

// assembler collects the instructions of one stub and assembles them. Misuse of a helper
// (a wrong register class, an unsupported size) is recorded and reported by assemble
// rather than panicking, so a plan the emitter mishandles surfaces as an error.
type assembler struct {
	ctxt        *obj.Link
	progs       *emit.ProgPool
	first, last *obj.Prog
	landing     []*obj.Prog // forward branches to the next instruction emitted
	diags       []string
	err         error
}

func newAssembler() *assembler {
	a := &assembler{}
	a.ctxt = emit.NewLink(&x86.Linkamd64, &linkInit, func(d string) { a.diags = append(a.diags, d) })
	a.progs = emit.NewProgPool(a.ctxt)
	return a
}

// reset prepares a for a new stub.
func (a *assembler) reset() {
	a.progs.Reset()
	a.first, a.last = nil, nil
	a.landing = a.landing[:0]
	a.diags = a.diags[:0]
	a.err = nil
	a.ctxt.Errors = 0
}

// failf records the first misuse of a helper.
func (a *assembler) failf(format string, args ...any) {
	if a.err == nil {
		a.err = fmt.Errorf("jit: amd64: "+format, args...)
	}
}

// emit appends one instruction after golang-asm's per-instruction rewrite (Progedit),
// which its assembler expects to have run; the rewrite may append instructions of its own.
func (a *assembler) emit(as obj.As, from, to obj.Addr) {
	p := a.progs.NewProg()
	p.As, p.From, p.To = as, from, to
	if a.first == nil {
		a.first = p
	} else {
		a.last.Link = p
	}
	for _, b := range a.landing {
		b.To.SetTarget(p)
	}
	a.landing = a.landing[:0]
	x86.Linkamd64.Progedit(a.ctxt, p, a.progs.Alloc)
	for p.Link != nil {
		p = p.Link
	}
	a.last = p
}

// assemble encodes the collected instructions. It refuses the bytes if golang-asm
// reported any diagnostic (its output is not trustworthy then) or left a relocation (there
// is no linker to resolve it).
func (a *assembler) assemble() ([]byte, error) {
	if a.err != nil {
		return nil, a.err
	}
	if a.first == nil {
		return nil, errors.New("jit: amd64: no instructions")
	}
	s := &obj.LSym{Func: &obj.FuncInfo{Text: a.first}}
	x86.Linkamd64.Assemble(a.ctxt, s, a.progs.Alloc)
	if len(a.diags) > 0 || a.ctxt.Errors > 0 {
		return nil, fmt.Errorf("jit: amd64: assembler: %v", a.diags)
	}
	if err := emit.CheckRelocs("amd64", s); err != nil {
		return nil, err
	}
	return s.P, nil
}

// gpr returns golang-asm's name for a general register.
func (a *assembler) gpr(r abi.Reg) int16 {
	if r < abi.RAX || r > abi.R15 {
		a.failf("%v is not a general register", r)
		return x86.REG_AX
	}
	// abi's order rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8... is the encoding order,
	// which golang-asm follows too.
	return x86.REG_AX + int16(r-abi.RAX)
}

// xmm returns golang-asm's name for an SSE register.
func (a *assembler) xmm(r abi.Reg) int16 {
	if r < abi.XMM0 || r > abi.XMM15 {
		a.failf("%v is not an xmm register", r)
		return x86.REG_X0
	}
	return x86.REG_X0 + int16(r-abi.XMM0)
}

func (a *assembler) regGPR(r abi.Reg) obj.Addr {
	return obj.Addr{Type: obj.TYPE_REG, Reg: a.gpr(r)}
}

func (a *assembler) regXMM(r abi.Reg) obj.Addr {
	return obj.Addr{Type: obj.TYPE_REG, Reg: a.xmm(r)}
}

func (a *assembler) memory(m mem) obj.Addr {
	if m.off < math.MinInt32 || m.off > math.MaxInt32 {
		a.failf("offset %d does not fit a 32-bit displacement", m.off)
	}
	addr := obj.Addr{Type: obj.TYPE_MEM, Reg: a.gpr(m.base), Offset: int64(m.off)}
	if m.index != abi.NoReg {
		if m.index == abi.RSP {
			a.failf("rsp cannot be an index register")
		}
		addr.Index, addr.Scale = a.gpr(m.index), 1
	}
	return addr
}

func constant(v int64) obj.Addr { return obj.Addr{Type: obj.TYPE_CONST, Offset: v} }

// extendOp returns the instruction that widens a size-byte integer into a bits-wide
// register, sign- or zero-extending. Writing a 32-bit register clears the upper half, so
// zero extension to 64 bits uses the 32-bit forms.
func (a *assembler) extendOp(bits, size int, signed bool) obj.As {
	op, ok := extendOps[extendKey{bits, size, signed}]
	if !ok {
		a.failf("cannot widen %d bytes into a %d-bit register", size, bits)
		return x86.AMOVQ
	}
	return op
}

type extendKey struct {
	bits, size int
	signed     bool
}

var extendOps = map[extendKey]obj.As{
	{bits32, byteSize, true}: x86.AMOVBLSX, {bits32, byteSize, false}: x86.AMOVBLZX,
	{bits64, byteSize, true}: x86.AMOVBQSX, {bits64, byteSize, false}: x86.AMOVBLZX,
	{bits32, wordSize, true}: x86.AMOVWLSX, {bits32, wordSize, false}: x86.AMOVWLZX,
	{bits64, wordSize, true}: x86.AMOVWQSX, {bits64, wordSize, false}: x86.AMOVWLZX,
	{bits32, dwordSize, true}: x86.AMOVL, {bits32, dwordSize, false}: x86.AMOVL,
	{bits64, dwordSize, true}: x86.AMOVLQSX, {bits64, dwordSize, false}: x86.AMOVL,
	{bits64, qwordSize, true}: x86.AMOVQ, {bits64, qwordSize, false}: x86.AMOVQ,
}

var storeOps = map[int]obj.As{byteSize: x86.AMOVB, wordSize: x86.AMOVW, dwordSize: x86.AMOVL, qwordSize: x86.AMOVQ}

// loadInt loads size (1, 2, 4 or 8) bytes from src into the bits-wide (32 or 64) general
// register dst, sign- or zero-extending them.
func (a *assembler) loadInt(dst abi.Reg, bits int, src mem, size int, signed bool) {
	a.emit(a.extendOp(bits, size, signed), a.memory(src), a.regGPR(dst))
}

// extendReg widens the low size bytes of src into the bits-wide register dst.
func (a *assembler) extendReg(dst abi.Reg, bits int, src abi.Reg, size int, signed bool) {
	a.emit(a.extendOp(bits, size, signed), a.regGPR(src), a.regGPR(dst))
}

// storeInt stores the low size (1, 2, 4 or 8) bytes of src to dst.
func (a *assembler) storeInt(src abi.Reg, dst mem, size int) {
	op, ok := storeOps[size]
	if !ok {
		a.failf("cannot store %d bytes from a general register", size)
	}
	a.emit(op, a.regGPR(src), a.memory(dst))
}

// storeImm32 stores the 32-bit constant v to dst.
func (a *assembler) storeImm32(dst mem, v int32) {
	a.emit(x86.AMOVL, constant(int64(v)), a.memory(dst))
}

// floatOp returns movss for 4 bytes and movsd for 8.
func (a *assembler) floatOp(size int) obj.As {
	switch size {
	case dwordSize:
		return x86.AMOVSS
	case qwordSize:
		return x86.AMOVSD
	}
	a.failf("cannot move %d bytes with movss/movsd", size)
	return x86.AMOVSD
}

// loadFloat loads a float (4 bytes, movss) or double (8 bytes, movsd) into dst, clearing
// the rest of the register.
func (a *assembler) loadFloat(dst abi.Reg, src mem, size int) {
	a.emit(a.floatOp(size), a.memory(src), a.regXMM(dst))
}

// storeFloat stores the low 4 (movss) or 8 (movsd) bytes of src to dst.
func (a *assembler) storeFloat(src abi.Reg, dst mem, size int) {
	a.emit(a.floatOp(size), a.regXMM(src), a.memory(dst))
}

// loadVec loads 16 bytes with no alignment requirement (movups).
func (a *assembler) loadVec(dst abi.Reg, src mem) {
	a.emit(x86.AMOVUPS, a.memory(src), a.regXMM(dst))
}

// storeVec stores 16 bytes with no alignment requirement (movups).
func (a *assembler) storeVec(src abi.Reg, dst mem) {
	a.emit(x86.AMOVUPS, a.regXMM(src), a.memory(dst))
}

// xmmToGPR copies the low 8 bytes of an xmm register to a general register (movq).
func (a *assembler) xmmToGPR(dst, src abi.Reg) {
	a.emit(x86.AMOVQ, a.regXMM(src), a.regGPR(dst))
}

// gprToXMM copies a general register to the low 8 bytes of an xmm register (movq).
func (a *assembler) gprToXMM(dst, src abi.Reg) {
	a.emit(x86.AMOVQ, a.regGPR(src), a.regXMM(dst))
}

// cvtss2sd loads a float from src and converts it to a double in dst.
func (a *assembler) cvtss2sd(dst abi.Reg, src mem) {
	a.emit(x86.ACVTSS2SD, a.memory(src), a.regXMM(dst))
}

// lea loads the address of src into dst.
func (a *assembler) lea(dst abi.Reg, src mem) {
	a.emit(x86.ALEAQ, a.memory(src), a.regGPR(dst))
}

// movReg copies the 64-bit register src to dst.
func (a *assembler) movReg(dst, src abi.Reg) {
	a.emit(x86.AMOVQ, a.regGPR(src), a.regGPR(dst))
}

// movImm64 loads a 64-bit constant into dst. golang-asm picks the shortest encoding that
// yields the same 64-bit value.
func (a *assembler) movImm64(dst abi.Reg, v uint64) {
	a.emit(x86.AMOVQ, constant(int64(v)), a.regGPR(dst))
}

// movImm32 loads a 32-bit constant into the low half of dst, clearing the upper half.
func (a *assembler) movImm32(dst abi.Reg, v uint32) {
	a.emit(x86.AMOVL, constant(int64(int32(v))), a.regGPR(dst))
}

// shrImm shifts the 64-bit register r right by n bits, filling with zeros.
func (a *assembler) shrImm(r abi.Reg, n int) {
	if n <= 0 || n >= bits64 {
		a.failf("shift count %d out of range", n)
	}
	a.emit(x86.ASHRQ, constant(int64(n)), a.regGPR(r))
}

// push pushes a 64-bit register. The register goes in From: in To golang-asm emits a
// stray byte.
func (a *assembler) push(r abi.Reg) {
	a.emit(x86.APUSHQ, a.regGPR(r), obj.Addr{})
}

// pop pops a 64-bit register.
func (a *assembler) pop(r abi.Reg) {
	a.emit(x86.APOPQ, obj.Addr{}, a.regGPR(r))
}

// addRSP adds n to the stack pointer.
func (a *assembler) addRSP(n int) {
	a.emit(x86.AADDQ, constant(int64(n)), a.regGPR(abi.RSP))
}

// addImm adds the constant n to the 64-bit register r, setting the flags.
func (a *assembler) addImm(r abi.Reg, n int32) {
	a.emit(x86.AADDQ, constant(int64(n)), a.regGPR(r))
}

// addReg adds the 64-bit register src to dst.
func (a *assembler) addReg(dst, src abi.Reg) {
	a.emit(x86.AADDQ, a.regGPR(src), a.regGPR(dst))
}

// subReg subtracts the 64-bit register src from dst.
func (a *assembler) subReg(dst, src abi.Reg) {
	a.emit(x86.ASUBQ, a.regGPR(src), a.regGPR(dst))
}

// mark returns a label for the next instruction emitted.
func (a *assembler) mark() label { return label{after: a.last} }

// jzForward jumps, when the zero flag is set, to the instruction emitted next after a
// later land of the branch it returns.
func (a *assembler) jzForward() *obj.Prog {
	a.emit(x86.AJEQ, obj.Addr{}, obj.Addr{Type: obj.TYPE_BRANCH})
	return a.last
}

// land makes the instruction emitted next the target of the forward branch b.
func (a *assembler) land(b *obj.Prog) { a.landing = append(a.landing, b) }

// testReg sets the flags from r AND r: the zero flag says whether r is 0.
func (a *assembler) testReg(r abi.Reg) { a.emit(x86.ATESTQ, a.regGPR(r), a.regGPR(r)) }

// jnz jumps to l, marked earlier, when the zero flag is clear.
func (a *assembler) jnz(l label) {
	to := obj.Addr{Type: obj.TYPE_BRANCH}
	a.emit(x86.AJNE, obj.Addr{}, to)
	// The target is known only now: a label marked just before the branch is the
	// branch itself.
	target := a.first
	if l.after != nil {
		target = l.after.Link
	}
	a.last.To.SetTarget(target)
}

// subRSP subtracts n from the stack pointer.
func (a *assembler) subRSP(n int) {
	a.emit(x86.ASUBQ, constant(int64(n)), a.regGPR(abi.RSP))
}

// alignRSP rounds the stack pointer down to a multiple of align, a power of two.
func (a *assembler) alignRSP(align int) {
	if align <= 0 || align&(align-1) != 0 {
		a.failf("stack alignment %d is not a power of two", align)
	}
	a.emit(x86.AANDQ, constant(int64(-align)), a.regGPR(abi.RSP))
}

// callMem calls the function whose address is stored at m.
func (a *assembler) callMem(m mem) {
	a.emit(obj.ACALL, obj.Addr{}, a.memory(m))
}

// callReg calls the function whose address is in r.
func (a *assembler) callReg(r abi.Reg) {
	a.emit(obj.ACALL, obj.Addr{}, a.regGPR(r))
}

// ret returns to the caller.
func (a *assembler) ret() {
	a.emit(obj.ARET, obj.Addr{}, obj.Addr{})
}

// storeExact stores the low size bytes (1 to 8) of r to dst, consuming r for sizes
// that are not a single store.
func (a *assembler) storeExact(r abi.Reg, dst mem, size int) {
	if _, ok := storeOps[size]; ok {
		a.storeInt(r, dst, size)
		return
	}
	emit.StorePieces(size, func(off, n int) { a.storeInt(r, at(dst.base, dst.off+off), n) }, func(bits int) { a.shrImm(r, bits) })
}

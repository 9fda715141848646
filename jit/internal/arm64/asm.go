package arm64

// A narrow, typed layer over golang-asm for arm64, the twin of jit/internal/amd64/asm.go.
//
// golang-asm's arm64 back end has traps (jit/internal/emit/doc.go, traps 2-4 and 7): it
// drops the first Prog as if it were the TEXT pseudo-instruction, rejects RET without an
// operand, routes large offsets and some immediates through x27 (callee-saved under
// AAPCS64) and can leave literal pools and relocations behind. Each helper below fixes one
// instruction form that is a single machine word, checks its operands, and has a golden
// disassembly test; and assemble refuses any output where a Prog did not become exactly one
// word, so no hidden x27 sequence or literal pool can slip through.
//
// Register use: x17 belongs to this layer, which uses it to form addresses whose offsets
// do not fit an instruction; callers never name it. x16 is the callers' data scratch. x18
// (the platform register) and x27 are never touched.

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/jit/internal/emit"
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/arm64"
)

// Operand widths in bytes.
const (
	byteSize  = 1
	wordSize  = 2
	dwordSize = 4
	qwordSize = 8
	vecSize   = 16
	// eightbyte is the unit in which values are copied and frame slots are rounded.
	eightbyte = 8
)

// bits64 is the width of a general register.
const bits64 = 64

// mem is a memory operand [base + index + off]; index is NoReg when absent. The layer
// refuses index registers (see memory); tests build them to check that.
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

// constant returns an immediate operand.
func constant(v int64) obj.Addr { return obj.Addr{Type: obj.TYPE_CONST, Offset: v} }

// Pseudo-registers for the two encodings of register number 31, which abi does not name
// because neither ever carries an argument.
const (
	regSP = abi.Reg(math.MaxUint8 - iota)
	regZR
)

// Layer-owned and reserved registers.
const (
	addrScratch = abi.X17 // forms out-of-range addresses (see the file comment)
	platformReg = abi.X18 // reserved by the platform (Apple, Windows); never touched
	asmTmpReg   = abi.X27 // golang-asm's REGTMP: callee-saved, so never touched
)

// arm64 encoding limits.
const (
	insnSize      = 4         // every arm64 instruction is one 32-bit word
	imm12Max      = 1<<12 - 1 // unsigned 12-bit immediate (add/sub, scaled load/store offsets)
	imm12Shift    = 12        // add/sub immediates may be shifted left by 12
	unscaledMin   = -256      // ldur/stur signed 9-bit offset
	unscaledMax   = 255
	pairOffMin    = -512 // ldp/stp 7-bit signed offset, scaled by 8
	pairOffMax    = 504
	addImmLimit   = 1 << 24 // an add/sub pair reaches offsets below this
	movChunkBits  = 16      // movz/movk move 16 bits at a time
	movChunkCount = 4
)

// linkInit guards golang-asm's arm64 table initialisation (see amd64InitOnce).
var linkInit sync.Once

// assemblers recycles assemblers, as amd64Pool does.
var assemblers = sync.Pool{New: func() any { return newAssembler() }}

// assembler collects the instructions of one stub and assembles them. Misuse of a helper
// is recorded and reported by assemble rather than panicking.
type assembler struct {
	ctxt        *obj.Link
	progs       *emit.ProgPool
	text        *obj.Prog   // the ATEXT pseudo-instruction golang-asm expects first
	first, last *obj.Prog   // the real instructions
	landing     []*obj.Prog // forward branches to the next instruction emitted
	count       int         // instructions emitted, each one word
	diags       []string
	err         error
}

func newAssembler() *assembler {
	a := &assembler{}
	a.ctxt = emit.NewLink(&arm64.Linkarm64, &linkInit, func(d string) { a.diags = append(a.diags, d) })
	a.progs = emit.NewProgPool(a.ctxt)
	return a
}

// reset prepares a for a new stub.
func (a *assembler) reset() {
	a.progs.Reset()
	a.text = a.progs.NewProg()
	a.text.As = obj.ATEXT
	a.text.To = obj.Addr{Type: obj.TYPE_TEXTSIZE}
	a.first, a.last = nil, nil
	a.landing = a.landing[:0]
	a.count = 0
	a.diags = a.diags[:0]
	a.err = nil
	a.ctxt.Errors = 0
}

// failf records the first misuse of a helper.
func (a *assembler) failf(format string, args ...any) {
	if a.err == nil {
		a.err = fmt.Errorf("jit: arm64: "+format, args...)
	}
}

// emit appends one instruction after golang-asm's per-instruction rewrite (Progedit).
// reg is the Prog's middle operand (the first source of a three-operand form), or 0.
func (a *assembler) emit(as obj.As, from obj.Addr, reg int16, to obj.Addr) *obj.Prog {
	return a.emitScond(as, 0, from, reg, to)
}

// emitScond is emit with a condition suffix: pre- or post-indexing for loads and stores.
func (a *assembler) emitScond(as obj.As, scond uint8, from obj.Addr, reg int16, to obj.Addr) *obj.Prog {
	p := a.progs.NewProg()
	p.As, p.Scond, p.From, p.Reg, p.To = as, scond, from, reg, to
	if a.first == nil {
		a.first = p
		a.text.Link = p
	} else {
		a.last.Link = p
	}
	for _, b := range a.landing {
		b.To.SetTarget(p)
	}
	a.landing = a.landing[:0]
	arm64.Linkarm64.Progedit(a.ctxt, p, a.progs.Alloc)
	if p.Link != nil {
		a.failf("golang-asm expanded %v into several instructions", p)
	}
	a.last = p
	a.count++
	return p
}

// assemble encodes the collected instructions. It refuses the bytes if golang-asm reported
// a diagnostic, left a relocation, or turned any instruction into other than exactly one
// word in place (a literal pool or a sequence through x27 would show up that way).
func (a *assembler) assemble() ([]byte, error) {
	if a.err != nil {
		return nil, a.err
	}
	if a.first == nil {
		return nil, errors.New("jit: arm64: no instructions")
	}
	s := &obj.LSym{Func: &obj.FuncInfo{Text: a.text}}
	arm64.Linkarm64.Assemble(a.ctxt, s, a.progs.Alloc)
	if len(a.diags) > 0 || a.ctxt.Errors > 0 {
		return nil, fmt.Errorf("jit: arm64: assembler: %v", a.diags)
	}
	if err := emit.CheckRelocs("arm64", s); err != nil {
		return nil, err
	}
	n := 0
	for p := a.first; p != nil; p = p.Link {
		if p.Pc != int64(n*insnSize) {
			return nil, fmt.Errorf("jit: arm64: %v at %#x, want %#x: golang-asm inserted code", p, p.Pc, n*insnSize)
		}
		n++
	}
	end := n * insnSize
	if n != a.count || len(s.P) < end {
		return nil, fmt.Errorf("jit: arm64: %d instructions emitted, %d assembled into %d bytes", a.count, n, len(s.P))
	}
	// golang-asm pads a function to 16 bytes with zeros; anything else after the last
	// instruction would be a literal pool.
	for _, b := range s.P[end:] {
		if b != 0 {
			return nil, errors.New("jit: arm64: data after the last instruction (a literal pool)")
		}
	}
	return s.P[:end], nil
}

// isXReg reports whether r is one of x0-x30.
func isXReg(r abi.Reg) bool { return r >= abi.X0 && r <= abi.X30 }

// isVReg reports whether r is one of v0-v31.
func isVReg(r abi.Reg) bool { return r >= abi.V0 && r <= abi.V31 }

// gpr returns golang-asm's name for a general register, sp or xzr. x17 is accepted only
// from this layer (inner), x18 and x27 never.
func (a *assembler) gpr(r abi.Reg) int16 {
	switch {
	case r == regSP:
		return arm64.REGSP
	case r == regZR:
		return arm64.REGZERO
	case r == platformReg || r == asmTmpReg:
		a.failf("%v is reserved", r)
	case isXReg(r):
		return arm64.REG_R0 + int16(r-abi.X0)
	default:
		a.failf("%v is not an arm64 general register", r)
	}
	return arm64.REG_R16
}

// fpr returns golang-asm's name for the scalar view (s or d) of a vector register.
func (a *assembler) fpr(r abi.Reg) int16 {
	if !isVReg(r) {
		a.failf("%v is not an arm64 vector register", r)
		return arm64.REG_F16
	}
	return arm64.REG_F0 + int16(r-abi.V0)
}

func (a *assembler) regGPR(r abi.Reg) obj.Addr { return obj.Addr{Type: obj.TYPE_REG, Reg: a.gpr(r)} }
func (a *assembler) regFPR(r abi.Reg) obj.Addr { return obj.Addr{Type: obj.TYPE_REG, Reg: a.fpr(r)} }

// encodable reports whether [base + off] fits an access of size bytes in one instruction:
// an unsigned offset scaled by the size, or a signed 9-bit unscaled one.
func encodable(off, size int) bool {
	return (off >= 0 && off%size == 0 && off/size <= imm12Max) || (off >= unscaledMin && off <= unscaledMax)
}

// memory returns the operand for an access of size bytes at m. When the offset does not
// fit the instruction, it first computes the address into x17.
func (a *assembler) memory(m mem, size int) obj.Addr {
	if m.index != abi.NoReg {
		a.failf("arm64 memory operands take no index register")
	}
	if m.base == addrScratch {
		a.failf("x17 cannot be a base: the layer uses it for addresses")
	}
	if !encodable(m.off, size) {
		// Move the base by the offset's high part (one instruction) when the low part
		// then fits, else by the whole offset.
		hi := m.off &^ imm12Max
		if m.off < 0 || !encodable(m.off-hi, size) {
			hi = m.off
		}
		a.addImm(addrScratch, m.base, hi)
		m = at(addrScratch, m.off-hi)
	}
	return obj.Addr{Type: obj.TYPE_MEM, Reg: a.gpr(m.base), Offset: int64(m.off)}
}

// loadOps maps (size, signed) to the Go mnemonic: MOVB/MOVH/MOVW load sign-extending
// to 64 bits (ldrsb/ldrsh/ldrsw x), the U forms zero-extending (ldrb/ldrh/ldr w).
var loadOps = map[[2]int]obj.As{
	{byteSize, 1}: arm64.AMOVB, {byteSize, 0}: arm64.AMOVBU,
	{wordSize, 1}: arm64.AMOVH, {wordSize, 0}: arm64.AMOVHU,
	{dwordSize, 1}: arm64.AMOVW, {dwordSize, 0}: arm64.AMOVWU,
	{qwordSize, 1}: arm64.AMOVD, {qwordSize, 0}: arm64.AMOVD,
}

var storeOps = map[int]obj.As{byteSize: arm64.AMOVB, wordSize: arm64.AMOVH, dwordSize: arm64.AMOVW, qwordSize: arm64.AMOVD}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// loadInt loads size (1, 2, 4 or 8) bytes from src into dst, sign-extending them to 64
// bits or zero-extending them.
func (a *assembler) loadInt(dst abi.Reg, src mem, size int, signed bool) {
	op, ok := loadOps[[2]int{size, b2i(signed)}]
	if !ok {
		a.failf("cannot load %d bytes into a general register", size)
		return
	}
	a.emit(op, a.memory(src, size), 0, a.regGPR(dst))
}

// storeInt stores the low size (1, 2, 4 or 8) bytes of src to dst.
func (a *assembler) storeInt(src abi.Reg, dst mem, size int) {
	op, ok := storeOps[size]
	if !ok {
		a.failf("cannot store %d bytes from a general register", size)
		return
	}
	a.emit(op, a.regGPR(src), 0, a.memory(dst, size))
}

// floatOp returns the scalar floating-point move for 4 (s) or 8 (d) bytes.
func (a *assembler) floatOp(size int) obj.As {
	switch size {
	case dwordSize:
		return arm64.AFMOVS
	case qwordSize:
		return arm64.AFMOVD
	}
	a.failf("cannot move %d bytes through a scalar floating-point register", size)
	return arm64.AFMOVD
}

// loadFloat loads a float (4 bytes, ldr s) or double (8 bytes, ldr d) into dst, clearing
// the rest of the vector register.
func (a *assembler) loadFloat(dst abi.Reg, src mem, size int) {
	a.emit(a.floatOp(size), a.memory(src, size), 0, a.regFPR(dst))
}

// storeFloat stores the low 4 (str s) or 8 (str d) bytes of src to dst.
func (a *assembler) storeFloat(src abi.Reg, dst mem, size int) {
	a.emit(a.floatOp(size), a.regFPR(src), 0, a.memory(dst, size))
}

// fcvtSD converts the float in src to a double in dst (fcvt d, s).
func (a *assembler) fcvtSD(dst, src abi.Reg) {
	a.emit(arm64.AFCVTSD, a.regFPR(src), 0, a.regFPR(dst))
}

// pair returns the register-pair operand (r1, r2).
func (a *assembler) pair(r1, r2 abi.Reg) obj.Addr {
	return obj.Addr{Type: obj.TYPE_REGREG, Reg: a.gpr(r1), Offset: int64(a.gpr(r2))}
}

// pairMem checks a pair access's offset and returns [base + off].
func (a *assembler) pairMem(base abi.Reg, off int) obj.Addr {
	if off < pairOffMin || off > pairOffMax || off%qwordSize != 0 {
		a.failf("pair offset %d out of range", off)
	}
	return obj.Addr{Type: obj.TYPE_MEM, Reg: a.gpr(base), Offset: int64(off)}
}

// Indexing modes of the pair helpers.
const (
	offsetMode = 0            // [base, #off]
	preIndex   = arm64.C_XPRE // [base, #off]!: base += off first
	postIndex  = arm64.C_XPOST
)

// stp stores r1 and r2 to [base + off], with the given indexing mode.
func (a *assembler) stp(r1, r2, base abi.Reg, off int, mode uint8) {
	a.emitScond(arm64.ASTP, mode, a.pair(r1, r2), 0, a.pairMem(base, off))
}

// ldp loads r1 and r2 from [base + off], with the given indexing mode; post-indexing
// adds off to base after the load.
func (a *assembler) ldp(r1, r2, base abi.Reg, off int, mode uint8) {
	a.emitScond(arm64.ALDP, mode, a.pairMem(base, off), 0, a.pair(r1, r2))
}

// loadPost loads 8 bytes from [base] into dst and then adds step to base.
func (a *assembler) loadPost(dst, base abi.Reg, step int) {
	if step < unscaledMin || step > unscaledMax {
		a.failf("post-index step %d out of range", step)
	}
	a.emitScond(arm64.AMOVD, postIndex, obj.Addr{Type: obj.TYPE_MEM, Reg: a.gpr(base), Offset: int64(step)}, 0, a.regGPR(dst))
}

// storePost stores the 8 bytes of src to [base] and then adds step to base.
func (a *assembler) storePost(src, base abi.Reg, step int) {
	if step < unscaledMin || step > unscaledMax {
		a.failf("post-index step %d out of range", step)
	}
	a.emitScond(arm64.AMOVD, postIndex, a.regGPR(src), 0, obj.Addr{Type: obj.TYPE_MEM, Reg: a.gpr(base), Offset: int64(step)})
}

// addSub emits dst = src +/- imm for an immediate add/sub can encode: 12 bits, optionally
// shifted left by 12.
func (a *assembler) addSub(op obj.As, dst, src abi.Reg, imm int) {
	if imm < 0 || (imm > imm12Max && (imm&imm12Max != 0 || imm>>imm12Shift > imm12Max)) {
		a.failf("immediate %d does not fit an add/sub", imm)
	}
	a.emit(op, constant(int64(imm)), a.gpr(src), a.regGPR(dst))
}

// addImm sets dst = src + n for any n of magnitude below 2^24, in one or two instructions
// (the high 12 bits shifted, then the low 12). sp may be dst or src.
func (a *assembler) addImm(dst, src abi.Reg, n int) {
	op := arm64.AADD
	if n < 0 {
		op, n = arm64.ASUB, -n
	}
	if n >= addImmLimit {
		a.failf("offset %d too large", n)
		return
	}
	hi, lo := n&^imm12Max, n&imm12Max
	switch {
	case n == 0:
		// golang-asm would turn an immediate 0 into xzr, an extended-register add.
		a.movReg(dst, src)
	case hi == 0:
		a.addSub(op, dst, src, lo)
	case lo == 0:
		a.addSub(op, dst, src, hi)
	default:
		a.addSub(op, dst, src, hi)
		a.addSub(op, dst, dst, lo)
	}
}

// subSP lowers sp by n bytes (n below 2^24).
func (a *assembler) subSP(n int) { a.addImm(regSP, regSP, -n) }

// addReg sets dst = x + y and subReg dst = x - y, all 64-bit general registers: the
// shifted-register forms, where register 31 is xzr, so neither sp nor xzr is accepted.
func (a *assembler) addReg(dst, x, y abi.Reg) { a.addSubReg(arm64.AADD, dst, x, y) }
func (a *assembler) subReg(dst, x, y abi.Reg) { a.addSubReg(arm64.ASUB, dst, x, y) }

func (a *assembler) addSubReg(op obj.As, dst, x, y abi.Reg) {
	for _, r := range []abi.Reg{dst, x, y} {
		if r == regSP || r == regZR {
			a.failf("register add/sub cannot name sp or xzr")
			return
		}
	}
	// golang-asm's ADD y, x, dst is dst = x + y, SUB y, x, dst is dst = x - y.
	a.emit(op, a.regGPR(y), a.gpr(x), a.regGPR(dst))
}

// movReg copies the 64-bit register src to dst; either may be sp.
func (a *assembler) movReg(dst, src abi.Reg) {
	a.emit(arm64.AMOVD, a.regGPR(src), 0, a.regGPR(dst))
}

// movImm64 loads a constant below 2^63 (any user-space address) into dst with movz for its
// lowest non-zero 16-bit chunk and movk for the others: no literal pool. golang-asm cannot
// encode a chunk with bit 63 set.
func (a *assembler) movImm64(dst abi.Reg, v uint64) {
	if v > math.MaxInt64 {
		a.failf("constant %#x has bit 63 set", v)
		return
	}
	if v == 0 {
		a.emit(arm64.AMOVD, a.regGPR(regZR), 0, a.regGPR(dst))
		return
	}
	op := arm64.AMOVZ
	for i := range movChunkCount {
		chunk := v & (uint64(1<<movChunkBits-1) << (i * movChunkBits))
		if chunk == 0 {
			continue
		}
		// golang-asm takes the chunk at its bit position and derives the shift.
		a.emit(op, constant(int64(chunk)), 0, a.regGPR(dst))
		op = arm64.AMOVK
	}
}

// andSPAlign sets sp = src rounded down to a multiple of align, a power of two.
func (a *assembler) andSPAlign(src abi.Reg, align int) {
	if align <= 0 || align&(align-1) != 0 {
		a.failf("stack alignment %d is not a power of two", align)
	}
	a.emit(arm64.AAND, constant(int64(-align)), a.gpr(src), a.regGPR(regSP))
}

// lsrImm shifts the 64-bit register r right by n bits, filling with zeros.
func (a *assembler) lsrImm(r abi.Reg, n int) {
	if n <= 0 || n >= bits64 {
		a.failf("shift count %d out of range", n)
	}
	a.emit(arm64.ALSR, constant(int64(n)), a.gpr(r), a.regGPR(r))
}

// extendOps maps (size, signed) to the register-to-register extension to 64 bits. The
// zero-extending forms write the 32-bit register, which clears the upper half.
var extendOps = map[[2]int]obj.As{
	{byteSize, 1}: arm64.ASXTB, {byteSize, 0}: arm64.AUXTB,
	{wordSize, 1}: arm64.ASXTH, {wordSize, 0}: arm64.AUXTH,
	{dwordSize, 1}: arm64.ASXTW, {dwordSize, 0}: arm64.AUXTW,
}

// extendReg widens the low size bytes of src into all 64 bits of dst.
func (a *assembler) extendReg(dst, src abi.Reg, size int, signed bool) {
	op, ok := extendOps[[2]int{size, b2i(signed)}]
	if !ok {
		a.failf("cannot extend %d bytes", size)
		return
	}
	a.emit(op, a.regGPR(src), 0, a.regGPR(dst))
}

// subsImm sets r -= n (n a 12-bit immediate) and the flags.
func (a *assembler) subsImm(r abi.Reg, n int) {
	if n <= 0 || n > imm12Max {
		a.failf("immediate %d does not fit subs", n)
	}
	a.emit(arm64.ASUBS, constant(int64(n)), a.gpr(r), a.regGPR(r))
}

// mark returns a label for the next instruction emitted.
func (a *assembler) mark() label { return label{after: a.last} }

// bne branches to l, marked earlier, when the zero flag is clear.
func (a *assembler) bne(l label) {
	p := a.emit(arm64.ABNE, obj.Addr{}, 0, obj.Addr{Type: obj.TYPE_BRANCH})
	target := a.first
	if l.after != nil {
		target = l.after.Link
	}
	p.To.SetTarget(target)
}

// cbzForward branches, when r is zero, to the instruction emitted next after a later
// land of the branch it returns.
func (a *assembler) cbzForward(r abi.Reg) *obj.Prog {
	return a.emit(arm64.ACBZ, a.regGPR(r), 0, obj.Addr{Type: obj.TYPE_BRANCH})
}

// land makes the instruction emitted next the target of the forward branch b.
func (a *assembler) land(b *obj.Prog) { a.landing = append(a.landing, b) }

// blr calls the function whose address is in r.
func (a *assembler) blr(r abi.Reg) {
	a.emit(obj.ACALL, obj.Addr{}, 0, obj.Addr{Type: obj.TYPE_MEM, Reg: a.gpr(r)})
}

// ret returns through the link register. golang-asm rejects RET without an operand.
func (a *assembler) ret() {
	a.emit(obj.ARET, obj.Addr{}, 0, obj.Addr{Type: obj.TYPE_REG, Reg: arm64.REGLINK})
}

// storeExact stores the low size bytes (1 to 8) of r to dst, consuming r for sizes that
// are not a single store.
func (a *assembler) storeExact(r abi.Reg, dst mem, size int) {
	if _, ok := storeOps[size]; ok {
		a.storeInt(r, dst, size)
		return
	}
	emit.StorePieces(size, func(off, n int) { a.storeInt(r, at(dst.base, dst.off+off), n) }, func(bits int) { a.lsrImm(r, bits) })
}

// copyBytes copies exactly n bytes from src to dst through x16 (x9-x11 for a loop): 8-byte words, then a 4-, 2- and
// 1-byte tail. Long copies loop, so a stub's size stays bounded whatever the size of a
// by-value struct.
func (a *assembler) copyBytes(dst, src mem, n int) {
	words := n &^ (eightbyte - 1)
	if n > emit.UnrolledCopyMax {
		a.addImm(copySrc, src.base, src.off)
		a.addImm(copyDst, dst.base, dst.off)
		a.movImm64(copyLeft, uint64(words))
		loop := a.mark()
		a.loadPost(scratchReg, copySrc, eightbyte)
		a.storePost(scratchReg, copyDst, eightbyte)
		a.subsImm(copyLeft, eightbyte)
		a.bne(loop)
		src, dst = at(copySrc, -words), at(copyDst, -words)
	} else {
		for off := 0; off < words; off += eightbyte {
			a.loadInt(scratchReg, at(src.base, src.off+off), qwordSize, false)
			a.storeInt(scratchReg, at(dst.base, dst.off+off), qwordSize)
		}
	}
	off := words
	for _, w := range []int{dwordSize, wordSize, byteSize} {
		if n-off >= w {
			a.loadInt(scratchReg, at(src.base, src.off+off), w, false)
			a.storeInt(scratchReg, at(dst.base, dst.off+off), w)
			off += w
		}
	}
}

package abi

// Registers lists the registers a calling convention passes arguments and results in, and
// the space its caller reserves for the callee. The classifiers assign registers from
// these tables, and package jit accepts a plan only if its registers are among them, so
// that no plan can name a register a stub keeps for itself (the stack pointer, the frame
// registers, its scratch registers).
type Registers struct {
	// IntArgs and FloatArgs carry arguments, in the order the convention assigns them.
	IntArgs, FloatArgs []Reg
	// IntResults and FloatResults carry results.
	IntResults, FloatResults []Reg
	// IndirectResult carries the address of the caller's buffer for a result returned in
	// memory; IndirectReturn is where the callee hands the address back (NoReg: it need
	// not).
	IndirectResult, IndirectReturn Reg
	// Shadow is the space the caller reserves for the callee just above the return
	// address (ShadowSize of every plan): 32 bytes on Win64, 0 elsewhere.
	Shadow int
	// Duplicates is set when a value may also be passed in a second register
	// (Part.Dup): Win64 variadic floating-point arguments, copied to integer registers.
	Duplicates bool
}

// IsArg reports whether r carries arguments under the convention.
func (rs *Registers) IsArg(r Reg) bool { return hasReg(rs.IntArgs, r) || hasReg(rs.FloatArgs, r) }

// IsResult reports whether r carries results under the convention.
func (rs *Registers) IsResult(r Reg) bool {
	return hasReg(rs.IntResults, r) || hasReg(rs.FloatResults, r)
}

func hasReg(rs []Reg, r Reg) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

var (
	sysvIntArgRegs    = [...]Reg{RDI, RSI, RDX, RCX, R8, R9}
	sysvSSEArgRegs    = [...]Reg{XMM0, XMM1, XMM2, XMM3, XMM4, XMM5, XMM6, XMM7}
	sysvIntResultRegs = [...]Reg{RAX, RDX}
	sysvSSEResultRegs = [...]Reg{XMM0, XMM1}

	win64IntArgRegs   = [win64Slots]Reg{RCX, RDX, R8, R9}
	win64FloatArgRegs = [win64Slots]Reg{XMM0, XMM1, XMM2, XMM3}

	a64IntArgRegs   = [a64Regs]Reg{X0, X1, X2, X3, X4, X5, X6, X7}
	a64FloatArgRegs = [a64Regs]Reg{V0, V1, V2, V3, V4, V5, V6, V7}
)

var registerTables = map[ABI]*Registers{
	SysV: {
		IntArgs: sysvIntArgRegs[:], FloatArgs: sysvSSEArgRegs[:],
		IntResults: sysvIntResultRegs[:], FloatResults: sysvSSEResultRegs[:],
		// The buffer's address is the hidden first argument.
		IndirectResult: sysvIntArgRegs[0], IndirectReturn: RAX,
	},
	Win64: {
		IntArgs: win64IntArgRegs[:], FloatArgs: win64FloatArgRegs[:],
		IntResults: []Reg{RAX}, FloatResults: []Reg{XMM0},
		IndirectResult: win64IntArgRegs[0], IndirectReturn: RAX,
		Shadow: win64Shadow, Duplicates: true,
	},
	AAPCS64:    &a64Registers,
	AppleARM64: &a64Registers,
}

// a64Registers: results come back where a first argument of their type would go, x0-x1
// for a composite of up to 16 bytes and v0-v3 for an HFA; x8 is the indirect result
// register.
var a64Registers = Registers{
	IntArgs: a64IntArgRegs[:], FloatArgs: a64FloatArgRegs[:],
	IntResults: a64IntArgRegs[:2], FloatResults: a64FloatArgRegs[:4],
	IndirectResult: X8, IndirectReturn: NoReg,
}

// RegistersOf returns the register tables of a calling convention, or nil for an ABI
// package abi does not know. The tables are shared: do not change them.
func RegistersOf(a ABI) *Registers { return registerTables[a] }

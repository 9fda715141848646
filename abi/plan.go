package abi

import "fmt"

// An ABI names a C calling convention.
type ABI uint8

// The calling conventions jitffi knows. Each has its own classifier; the ones not yet
// implemented return ErrUnsupportedABI from Classify.
const (
	SysV       ABI = iota + 1 // x86-64 System V psABI (Linux, macOS, BSD on amd64)
	Win64                     // Microsoft x64 (Windows on amd64)
	AAPCS64                   // Arm 64-bit procedure call standard (Linux on arm64)
	AppleARM64                // Apple's variant of AAPCS64 (macOS, iOS)
)

var abiNames = map[ABI]string{SysV: "sysv", Win64: "win64", AAPCS64: "aapcs64", AppleARM64: "apple-arm64"}

// String returns the ABI's short name, as accepted by ParseABI.
func (a ABI) String() string {
	if n, ok := abiNames[a]; ok {
		return n
	}
	return fmt.Sprintf("ABI(%d)", uint8(a))
}

// ParseABI returns the ABI with the given short name ("sysv", "win64", "aapcs64",
// "apple-arm64").
func ParseABI(name string) (ABI, error) {
	for a, n := range abiNames {
		if n == name {
			return a, nil
		}
	}
	return 0, fmt.Errorf("abi: unknown ABI %q (want sysv, win64, aapcs64 or apple-arm64)", name)
}

// A Reg is a machine register that carries an argument, a result or a hidden pointer.
// The names follow the vendors' manuals.
type Reg uint8

// Registers of amd64 and arm64.
const (
	NoReg Reg = iota
	RAX
	RCX
	RDX
	RBX
	RSP
	RBP
	RSI
	RDI
	R8
	R9
	R10
	R11
	R12
	R13
	R14
	R15
	XMM0
	XMM1
	XMM2
	XMM3
	XMM4
	XMM5
	XMM6
	XMM7
	XMM8
	XMM9
	XMM10
	XMM11
	XMM12
	XMM13
	XMM14
	XMM15
	X0 // arm64 general registers X0..X30
	X1
	X2
	X3
	X4
	X5
	X6
	X7
	X8
	X9
	X10
	X11
	X12
	X13
	X14
	X15
	X16
	X17
	X18
	X19
	X20
	X21
	X22
	X23
	X24
	X25
	X26
	X27
	X28
	X29
	X30
	V0 // arm64 SIMD and floating-point registers V0..V31
	V1
	V2
	V3
	V4
	V5
	V6
	V7
	V8
	V9
	V10
	V11
	V12
	V13
	V14
	V15
	V16
	V17
	V18
	V19
	V20
	V21
	V22
	V23
	V24
	V25
	V26
	V27
	V28
	V29
	V30
	V31
)

var amd64GPNames = [...]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}

// String returns the register's assembler name (rdi, xmm0, x8, v0).
func (r Reg) String() string {
	switch {
	case r == NoReg:
		return "none"
	case r >= RAX && r <= R15:
		return amd64GPNames[r-RAX]
	case r >= XMM0 && r <= XMM15:
		return fmt.Sprintf("xmm%d", r-XMM0)
	case r >= X0 && r <= X30:
		return fmt.Sprintf("x%d", r-X0)
	case r >= V0 && r <= V31:
		return fmt.Sprintf("v%d", r-V0)
	}
	return fmt.Sprintf("Reg(%d)", uint8(r))
}

// IsFloat reports whether r is a floating-point or vector register.
func (r Reg) IsFloat() bool { return (r >= XMM0 && r <= XMM15) || (r >= V0 && r <= V31) }

// Extension says how a narrow integer is widened in a register.
type Extension uint8

// Extensions of narrow integers.
const (
	NoExtension  Extension = iota
	SignExtend32           // sign-extend to 32 bits (int8, int16)
	ZeroExtend32           // zero-extend to 32 bits (bool, uint8, uint16)
)

// A Part is one register-sized piece of a value: Size bytes at Offset within the value,
// carried in the low bytes of Reg. Dup, when set, is a second register that must hold the
// same bits (Win64 variadic floating-point arguments). On arm64 each member of a
// homogeneous floating-point aggregate is a Part of its own, 4 or 8 bytes in its own v
// register. The last Part of a value covers only the value's tail, never bytes past it.
type Part struct {
	Offset int
	Size   int
	Reg    Reg
	Dup    Reg
}

// Passing says how an argument reaches the callee.
type Passing uint8

// The ways an argument can be passed.
const (
	// InRegisters: the value is split into Parts, each in a register.
	InRegisters Passing = iota
	// OnStack: the value's bytes are copied to the outgoing argument area at StackOffset.
	OnStack
	// ByReference: the caller copies the value to its own memory (the copy area, at
	// CopyOffset) and passes the copy's address, in PointerReg or, when that is NoReg, in
	// the stack slot at StackOffset.
	ByReference
	// Ignored: the value takes no register and no stack space (GNU C empty structs).
	Ignored
)

var passingNames = [...]string{"regs", "stack", "byref", "ignored"}

// String returns the passing mode's name as used in plan text.
func (p Passing) String() string { return passingNames[p] }

// ArgPlan says where one argument goes.
type ArgPlan struct {
	// Type is the C type passed, after C's default argument promotions for variadic
	// arguments. Promoted is set when it differs from the signature's parameter type.
	Type     *Type
	Promoted bool
	Passing  Passing
	// Parts lists the registers for InRegisters.
	Parts []Part
	// StackOffset is the offset in the outgoing argument area (from the stack pointer at
	// the call, after any shadow space) for OnStack, and for a ByReference pointer that
	// did not get a register. StackSize is the number of bytes the argument occupies.
	StackOffset int
	StackSize   int
	// PointerReg and CopyOffset locate a ByReference argument's pointer and copy.
	PointerReg Reg
	CopyOffset int
	// Extend widens a narrow integer passed in a register or stack slot.
	Extend Extension
}

// ResultPlan says where the result comes back.
type ResultPlan struct {
	Type *Type
	// Parts lists the result registers; empty for void and for indirect results.
	Parts []Part
	// Indirect is set when the caller passes the result buffer's address: HiddenReg
	// carries it, and ReturnedIn (or NoReg) is where the callee hands it back.
	Indirect   bool
	HiddenReg  Reg
	ReturnedIn Reg
	// Extend widens a narrow integer result, which callees do not extend themselves.
	Extend Extension
}

// A Plan is the complete placement of one call: every argument, the result, the stack.
type Plan struct {
	ABI    ABI
	Sig    *Signature
	Args   []ArgPlan
	Result ResultPlan
	// StackSize is the size of the outgoing argument area, a multiple of StackAlign.
	StackSize  int
	StackAlign int
	// ShadowSize is the space the caller reserves below the stack arguments for the callee
	// (32 bytes on Win64, 0 elsewhere).
	ShadowSize int
	// CopySize and CopyAlign describe the caller's area for ByReference copies.
	CopySize  int
	CopyAlign int
	// VectorCount is the upper bound on vector registers used that a SysV variadic call
	// passes in al; -1 when the ABI or call does not need it.
	VectorCount int
}

// ErrUnsupportedABI is returned by Classify for an ABI whose classifier is not built yet.
var ErrUnsupportedABI = fmt.Errorf("abi: calling convention not supported yet")

// classifiers holds one classifier per ABI; each ABI's file registers its own.
var classifiers = map[ABI]func(*Signature) (*Plan, error){}

// Classify returns the call plan for sig under the given calling convention. It refuses,
// with an error, a signature CheckSignature refuses.
func Classify(sig *Signature, a ABI) (*Plan, error) {
	c, ok := classifiers[a]
	if !ok {
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedABI, a)
	}
	if err := CheckSignature(sig); err != nil {
		return nil, err
	}
	return c(sig)
}

// promoted returns the type parameter i of sig is passed as, after C's default argument
// promotions, and whether that differs from its declared type. Only a variadic float
// changes type; the narrow integers' promotion to int is the 32-bit extension every
// classifier gives narrow arguments anyway.
func promoted(sig *Signature, i int) (*Type, bool) {
	t := sig.Params[i]
	if sig.IsVariadic() && i >= sig.Fixed && t.Kind == Float32 {
		return Scalar(Float64), true
	}
	return t, false
}

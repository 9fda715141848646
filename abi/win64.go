package abi

// This file implements the Microsoft x64 calling convention ("x64 calling convention" in
// Microsoft's documentation) as gcc 12 implements it for __attribute__((ms_abi)) and
// mingw-w64 (gcc is the oracle where Microsoft's page is silent, as for GNU C's empty
// structs). It is portable: Win64 plans can be made and tested on any host, and run on a
// Linux host against ms_abi functions.

func init() { classifiers[Win64] = classifyWin64 }

const (
	// win64Slots is the number of argument positions passed in registers.
	win64Slots = 4
	// win64Shadow is the space the caller reserves above the return address for the
	// callee to spill the four register arguments into.
	win64Shadow = 32
	// win64CopyAlign is the alignment Microsoft requires of the caller's copy of an
	// argument passed by reference.
	win64CopyAlign = 16
)

// win64ByValue reports whether a value of the given size travels as itself, in one
// register or stack slot. Every other size, zero included (gcc passes a GNU C empty
// struct as a pointer to an empty copy), is passed by reference.
func win64ByValue(size int) bool { return size == 1 || size == 2 || size == 4 || size == 8 }

// classifyWin64 places every argument and the result of sig under the Win64 convention.
func classifyWin64(sig *Signature) (*Plan, error) {

	p := &Plan{
		ABI:        Win64,
		Sig:        sig,
		Args:       make([]ArgPlan, len(sig.Params)),
		StackAlign: 16,
		ShadowSize: win64Shadow,
		CopyAlign:  win64CopyAlign,
		// Win64 variadic calls pass no vector-register count: the callee finds every
		// register argument in the home area it spills the four integer registers to,
		// which is why variadic floats are duplicated there.
		VectorCount: -1,
	}

	// slot is the argument position, which picks the register of either kind: an
	// argument in xmm1 leaves rdx unused, and an integer in rdx leaves xmm1 unused.
	slot := 0
	r := sig.Result
	p.Result = ResultPlan{Type: r}
	switch {
	case r.Kind == Void || r.Size() == 0:
		// gcc returns a GNU C empty struct in nothing and passes no hidden pointer for
		// it, although its size is not 1, 2, 4 or 8. (clang passes one: the two
		// compilers disagree, and gcc is the oracle, being mingw-w64's compiler.)
	case r.Kind.IsFloat():
		p.Result.Parts = []Part{{Size: r.Size(), Reg: XMM0}}
	case win64ByValue(r.Size()):
		// Aggregates come back in rax even when they hold only a float or a double.
		p.Result.Parts = []Part{{Size: r.Size(), Reg: RAX}}
		p.Result.Extend = sysvExtension(r.Kind)
	default:
		p.Result.Indirect, p.Result.HiddenReg, p.Result.ReturnedIn = true, win64IntArgRegs[0], RAX
		slot++
	}

	stack := 0
	// nextStack hands out the next 8-byte stack slot, counted from the end of the
	// shadow area. Win64 never needs a wider or more aligned one: anything larger than 8
	// bytes goes by reference.
	nextStack := func(a *ArgPlan) {
		a.StackOffset, a.StackSize = stack, 8
		stack += 8
	}
	for i, t := range sig.Params {
		a := &p.Args[i]
		a.Type, a.Promoted = promoted(sig, i)
		t = a.Type
		// Microsoft leaves the bits above a narrow argument unspecified, but gcc's
		// callers extend to 32 bits as on SysV, and a variadic callee's va_arg(ap, int)
		// needs it: extending always is both harmless and what gcc does.
		a.Extend = sysvExtension(t.Kind)
		inReg := slot < win64Slots
		switch {
		case !win64ByValue(t.Size()):
			// A caller-made copy, so that the callee may write to its argument
			// without touching the caller's value (libffi #305), at 16 bytes or the
			// type's own alignment when that is larger.
			align := max(win64CopyAlign, t.Align())
			a.Passing = ByReference
			a.CopyOffset = alignUp(p.CopySize, align)
			// An empty struct still gets 16 bytes, so its pointer points at memory of
			// its own rather than at a neighbour's copy.
			p.CopySize = a.CopyOffset + alignUp(max(t.Size(), 1), win64CopyAlign)
			p.CopyAlign = max(p.CopyAlign, align)
			if inReg {
				a.PointerReg = win64IntArgRegs[slot]
			} else {
				nextStack(a)
			}
		case !inReg:
			a.Passing = OnStack
			nextStack(a)
		case t.Kind.IsFloat():
			// Only a float or double scalar uses an xmm register; a struct holding
			// one is an integer of its size.
			part := Part{Size: t.Size(), Reg: win64FloatArgRegs[slot]}
			if sig.IsVariadic() {
				// A variadic callee reads its arguments from the home area, which it
				// fills from the integer registers. gcc duplicates only the variadic
				// floats, but clang (as LLVM does for every Win64 varargs call)
				// duplicates the named ones as well, in case a callee homes its named
				// arguments from the integer registers too; doing the same costs one
				// move and is right for every callee.
				part.Dup = win64IntArgRegs[slot]
			}
			a.Passing, a.Parts = InRegisters, []Part{part}
		default:
			a.Passing, a.Parts = InRegisters, []Part{{Size: t.Size(), Reg: win64IntArgRegs[slot]}}
		}
		slot++
	}
	p.StackSize = alignUp(stack, p.StackAlign)
	return p, nil
}

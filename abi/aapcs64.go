package abi

// This file implements the Arm 64-bit procedure call standard (ARM's aapcs64.rst,
// "Parameter passing rules" stages A-C and "Result return") as gcc 12 implements it for
// Linux, and the machinery its Apple variant (aapcs64_apple.go) shares. It is portable:
// nothing here depends on the host, so arm64 plans can be made and tested anywhere.

func init() { classifiers[AAPCS64] = classifyAAPCS64 }

// a64Regs is the number of argument registers of each bank: x0-x7 and v0-v7.
const a64Regs = 8

// a64Variant holds what differs between the Linux and Apple conventions.
type a64Variant struct {
	abi ABI
	// apple selects Apple's rules: stack arguments packed at their own size and natural
	// alignment, no even-register rounding, variadic arguments all on the stack, and the
	// HFA and alignment rules of clang rather than gcc.
	apple bool
}

// classifyAAPCS64 places every argument and the result of sig under AAPCS64 on Linux.
func classifyAAPCS64(sig *Signature) (*Plan, error) {
	return a64Classify(sig, a64Variant{abi: AAPCS64})
}

// a64State is the register and stack allocation of stage C: NGRN and NSRN count the
// general and SIMD registers used so far, NSAA is the next stacked argument address.
type a64State struct {
	v                a64Variant
	ngrn, nsrn, nsaa int
	copy, copyAlign  int
}

// a64Classify places every argument and the result of sig under variant v: stage A
// starts NGRN, NSRN and NSAA at zero, then stages B and C take the arguments in order.
func a64Classify(sig *Signature, v a64Variant) (*Plan, error) {
	p := &Plan{
		ABI:         v.abi,
		Sig:         sig,
		Args:        make([]ArgPlan, len(sig.Params)),
		StackAlign:  16,
		VectorCount: -1,
	}
	p.Result = a64Result(sig.Result, v)
	s := &a64State{v: v, copyAlign: 16}
	for i := range sig.Params {
		a := &p.Args[i]
		a.Type, a.Promoted = promoted(sig, i)
		variadic := sig.IsVariadic() && i >= sig.Fixed
		// Apple callers must extend narrow integers to 32 bits. Linux callees narrow
		// them themselves, so extending is harmless there and keeps the stubs alike.
		a.Extend = sysvExtension(a.Type.Kind)
		if a.Type.Size() == 0 {
			// GNU C empty structs: gcc and clang both pass nothing for them.
			a.Passing, a.Extend = Ignored, NoExtension
			continue
		}
		s.place(a, v.apple && variadic)
	}
	p.StackSize = alignUp(s.nsaa, p.StackAlign)
	p.CopySize, p.CopyAlign = alignUp(s.copy, s.copyAlign), s.copyAlign
	return p, nil
}

// a64Result places the result where a first argument of its type would go ("Result
// return"): integers and pointers in x0, floats in v0, an HFA in v0-v3, any other
// composite of up to 16 bytes in x0 and x1; anything else is written through the address
// the caller passes in x8, which the callee need not hand back.
func a64Result(t *Type, v a64Variant) ResultPlan {
	r := ResultPlan{Type: t}
	switch {
	case t.Kind == Void || t.Size() == 0:
	case t.Kind.IsFloat():
		r.Parts = []Part{{Size: t.Size(), Reg: V0}}
	case t.Kind.IsScalar():
		r.Parts = []Part{{Size: t.Size(), Reg: X0}}
		// Linux callees leave a narrow result's upper bits unspecified (gcc callers
		// re-extend with sxtb); Apple callees extend, so extending again is harmless.
		r.Extend = sysvExtension(t.Kind)
	default:
		if elem, n, ok := a64HFA(t, v); ok {
			r.Parts = a64HFAParts(elem, n, V0)
		} else if t.Size() <= 16 {
			r.Parts = a64WordParts(t.Size(), X0)
		} else {
			r.Indirect, r.HiddenReg = true, a64Registers.IndirectResult
		}
	}
	return r
}

// a64HFAParts returns one part per member of an HFA of n elem values, in consecutive v
// registers from first. The members are packed (an HFA has no padding), so member i is at
// offset i*size.
func a64HFAParts(elem Kind, n int, first Reg) []Part {
	size := Scalar(elem).Size()
	parts := make([]Part, n)
	for i := range parts {
		parts[i] = Part{Offset: i * size, Size: size, Reg: first + Reg(i)}
	}
	return parts
}

// a64WordParts cuts a composite into 8-byte parts in consecutive x registers from first.
// The convention rounds a composite up to whole registers, but the last part covers only
// the value's tail, so that a stub never reads or writes past the end of a 12-byte struct.
func a64WordParts(size int, first Reg) []Part {
	var parts []Part
	for off := 0; off < size; off += 8 {
		parts = append(parts, Part{Offset: off, Size: min(8, size-off), Reg: first + Reg(off/8)})
	}
	return parts
}

// place assigns one argument of non-zero size, following stage C. onStack is set for
// an Apple variadic argument, which never takes a register.
func (s *a64State) place(a *ArgPlan, onStack bool) {
	t := a.Type
	switch {
	case t.Kind.IsFloat():
		if !onStack && s.nsrn < a64Regs { // C.1
			a.Passing, a.Parts = InRegisters, []Part{{Size: t.Size(), Reg: a64FloatArgRegs[s.nsrn]}}
			s.nsrn++
			return
		}
		s.stackScalar(a, onStack) // C.5, C.6
	case t.Kind.IsScalar():
		if !onStack && s.ngrn < a64Regs { // C.7
			a.Passing, a.Parts = InRegisters, []Part{{Size: t.Size(), Reg: a64IntArgRegs[s.ngrn]}}
			s.ngrn++
			return
		}
		s.stackScalar(a, onStack) // C.14, C.15
	default:
		if elem, n, ok := a64HFA(t, s.v); ok {
			s.placeHFA(a, elem, n, onStack)
			return
		}
		if t.Size() > 16 {
			s.placeByReference(a, onStack) // B.4
			return
		}
		s.placeComposite(a, onStack)
	}
}

// placeHFA gives an HFA consecutive v registers, one member each, if all of them are
// free (C.2); otherwise no later argument may take a v register (C.3) and the HFA goes to
// the stack whole (C.4, C.6).
func (s *a64State) placeHFA(a *ArgPlan, elem Kind, n int, onStack bool) {
	if !onStack && s.nsrn+n <= a64Regs {
		a.Passing, a.Parts = InRegisters, a64HFAParts(elem, n, V0+Reg(s.nsrn))
		s.nsrn += n
		return
	}
	if !onStack {
		s.nsrn = a64Regs
	}
	size := a.Type.Size()
	align, slot := s.compositeAlign(a.Type), alignUp(size, 8)
	switch {
	case s.v.apple && onStack:
		// Apple variadic: an 8-byte-aligned block, the next argument in the next
		// 8-byte slot whatever the HFA's own alignment (clang's CC_AArch64_Custom_Stack_Block).
		align = 8
	case s.v.apple:
		// Apple packs an HFA's members at their own size and alignment, even for a
		// 16-aligned HFA and whatever the struct's aligned attribute says.
		align, slot = Scalar(elem).Align(), size
	}
	s.toStack(a, align, slot)
}

// placeComposite passes a composite of up to 16 bytes in consecutive general registers if
// they are all free (C.10), a 16-aligned one from an even register on Linux (C.8);
// otherwise no later argument may take a general register (C.11) and it goes on the
// stack whole (C.12, C.13): never split between x7 and the stack.
func (s *a64State) placeComposite(a *ArgPlan, onStack bool) {
	size, align := a.Type.Size(), s.compositeAlign(a.Type)
	if !onStack {
		ngrn := s.ngrn
		if !s.v.apple && align == 16 {
			ngrn = alignUp(ngrn, 2)
		}
		if words := (size + 7) / 8; ngrn+words <= a64Regs {
			a.Passing, a.Parts = InRegisters, a64WordParts(size, X0+Reg(ngrn))
			s.ngrn = ngrn + words
			return
		}
		s.ngrn = a64Regs
	}
	s.toStack(a, align, alignUp(size, 8))
}

// placeByReference copies a composite of more than 16 bytes that is not an HFA into the
// caller's copy area and passes the copy's address like a pointer argument (B.4).
func (s *a64State) placeByReference(a *ArgPlan, onStack bool) {
	align := max(16, a.Type.Align())
	s.copy = alignUp(s.copy, align)
	a.Passing, a.CopyOffset = ByReference, s.copy
	s.copy += a.Type.Size()
	s.copyAlign = max(s.copyAlign, align)
	if !onStack && s.ngrn < a64Regs {
		a.PointerReg = a64IntArgRegs[s.ngrn]
		s.ngrn++
		return
	}
	s.nsaa = alignUp(s.nsaa, 8)
	a.StackOffset, a.StackSize = s.nsaa, 8
	s.nsaa += 8
}

// stackScalar puts a scalar that found no register on the stack. Linux gives every
// scalar an 8-byte slot (C.5, C.14); Apple gives a named scalar only its own size at its
// natural alignment (char at sp+0, short at sp+2), and a variadic one an 8-byte slot.
func (s *a64State) stackScalar(a *ArgPlan, variadic bool) {
	size := a.Type.Size()
	if !s.v.apple || variadic {
		s.toStack(a, 8, 8)
		return
	}
	s.toStack(a, a.Type.Align(), size)
	if size < 4 {
		// The slot is too small to hold an extended value; the callee reads only
		// the value's own bytes.
		a.Extend = NoExtension
	}
}

// compositeAlign returns the alignment that places a composite argument: 8 or 16. It
// decides the even-register rule (C.8) and the stack slot's alignment (C.4, C.12).
func (s *a64State) compositeAlign(t *Type) int {
	if s.v.apple {
		return appleCompositeAlign(t)
	}
	return min(16, max(8, a64MemberAlign(t)))
}

// a64MemberAlign is gcc's aarch64_function_arg_alignment for an aggregate: the largest
// alignment of its members. An aligned attribute on the aggregate itself does not count
// (struct __attribute__((aligned(16))) {long a;} starts at x1 after an int, while a
// struct holding a 16-aligned member starts at x2), and a packed struct's members all have
// alignment 1. clang for Linux agrees (its "unadjusted alignment").
func a64MemberAlign(t *Type) int {
	a := 1
	for _, f := range t.Fields {
		if !t.Packed {
			a = max(a, f.Type.Align())
		}
	}
	return a
}

// a64HFA reports whether t is a homogeneous floating-point aggregate: 1 to 4 members of
// one floating-point type once nested structs, unions and arrays are flattened, with no
// padding. It returns the member type and count.
func a64HFA(t *Type, v a64Variant) (elem Kind, n int, ok bool) {
	var base Kind // Void until the first floating-point member is seen
	if v.apple {
		n, ok = appleHomogeneous(t, &base)
	} else {
		n, ok = a64Homogeneous(t, &base)
	}
	if !ok || n < 1 || n > 4 {
		return 0, 0, false
	}
	return base, n, true
}

// a64Homogeneous follows gcc's aapcs_vfp_sub_candidate: it returns how many members of
// the base floating-point type t holds, or ok == false if t cannot be part of an HFA.
// Every level must be free of padding, empty structs count zero members, and an array of
// length zero rules the whole aggregate out (gcc sees no bound in its domain), so
// struct{float f; float a[0];} goes in x0. clang differs on the last point (apple).
func a64Homogeneous(t *Type, base *Kind) (n int, ok bool) {
	switch t.Kind {
	case Float32, Float64:
		if *base == Void {
			*base = t.Kind
		}
		return 1, *base == t.Kind
	case Array:
		if t.Len == 0 {
			return 0, false
		}
		m, ok := a64Homogeneous(t.Elem, base)
		if !ok {
			return 0, false
		}
		n = m * t.Len
	case Struct, Union:
		for _, f := range t.Fields {
			m, ok := a64Homogeneous(f.Type, base)
			if !ok {
				return 0, false
			}
			if t.Kind == Union {
				n = max(n, m)
			} else {
				n += m
			}
		}
	default:
		return 0, false
	}
	return n, t.Size() == n*Scalar(*base).Size()
}

// toStack places a at the next stacked argument address aligned to align, taking size
// bytes.
func (s *a64State) toStack(a *ArgPlan, align, size int) {
	s.nsaa = alignUp(s.nsaa, align)
	a.Passing, a.StackOffset, a.StackSize = OnStack, s.nsaa, size
	s.nsaa += size
}

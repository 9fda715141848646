package abi

// This file implements the x86-64 System V psABI, section 3.2.3 "Parameter Passing", as
// gcc 12 implements it (gcc is the oracle where the document is vague). It is portable:
// nothing here depends on the host, so SysV plans can be made and tested anywhere.

func init() { classifiers[SysV] = classifySysV }

// sysvClass is the class of one eightbyte. The order matters: merging two classes keeps
// the greater one, which is the psABI's merge rule for the classes the type model can
// produce (NO_CLASS yields to anything, INTEGER beats SSE). X87 and SSEUP never arise
// because the model has no long double, __int128 or vector types.
type sysvClass uint8

const (
	sysvNone sysvClass = iota
	sysvSSE
	sysvInteger
)

// sysvEightbytes classifies a value of type t. It returns the class of each eightbyte, or
// ok == false when the value belongs to MEMORY: more than 16 bytes, or some scalar inside it
// not at its natural alignment.
func sysvEightbytes(t *Type) (classes []sysvClass, ok bool) {
	if t.Size() > 16 {
		return nil, false
	}
	return sysvClassify(t, 0)
}

// sysvClassify returns the classes of the eightbytes that a value of type t at byte offset
// off within the outermost value overlaps (counted from the eightbyte holding its first
// byte), or ok == false for MEMORY.
//
// It follows gcc's classify_argument step for step rather than the psABI's prose, because
// the two part ways at the edges and gcc is this platform's oracle:
//   - misalignment is checked per scalar leaf, so a packed struct whose members happen to
//     be aligned still travels in registers;
//   - an array is classified by its first element only, whose classes are repeated over
//     the eightbytes the array covers, so later misaligned elements of a packed element
//     type go unnoticed;
//   - a zero-length array that does not start on an eightbyte boundary still contributes
//     its element's class to the eightbyte it sits in ({float f; int a[0];} goes in rdi),
//     and a misaligned one sends the value to MEMORY. (gcc ignores a flexible array
//     member, T a[], but the type model has none: the parser rejects them. clang
//     ignores zero-length arrays too, so here gcc and clang disagree.)
func sysvClassify(t *Type, off int) (classes []sysvClass, ok bool) {
	if t.Kind.IsScalar() {
		size := t.Size()
		if off%size != 0 {
			return nil, false
		}
		if t.Kind.IsFloat() {
			return []sysvClass{sysvSSE}, true
		}
		// An integer ending past the first eightbyte of a 16-byte window reports a
		// second INTEGER eightbyte; callers clip it to the words they have, so it only
		// shows where gcc would show it too.
		if end := (8*(off+size) - 1) & 127; end >= 64 {
			return []sysvClass{sysvInteger, sysvInteger}, true
		}
		return []sysvClass{sysvInteger}, true
	}
	bytes := t.Size()
	words := (bytes + off%8 + 7) / 8
	if bytes > 64 {
		return nil, false
	}
	if words == 0 {
		return []sysvClass{sysvNone}, true
	}
	classes = make([]sysvClass, words)
	switch t.Kind {
	case Struct:
		for _, f := range t.Fields {
			sub, ok := sysvClassify(f.Type, (off+f.Offset)%64)
			if !ok {
				return nil, false
			}
			pos := (f.Offset + off%8) / 8
			for i := 0; i < len(sub) && i+pos < words; i++ {
				classes[i+pos] = max(classes[i+pos], sub[i])
			}
		}
	case Union:
		for _, f := range t.Fields {
			sub, ok := sysvClassify(f.Type, off)
			if !ok {
				return nil, false
			}
			for i := 0; i < len(sub) && i < words; i++ {
				classes[i] = max(classes[i], sub[i])
			}
		}
	case Array:
		sub, ok := sysvClassify(t.Elem, off)
		if !ok {
			return nil, false
		}
		for i := range classes {
			classes[i] = sub[i%len(sub)]
		}
	}
	if words > 2 {
		return nil, false
	}
	return classes, true
}

// sysvExtension returns how a narrow integer is widened: gcc and clang callers extend
// char, short and _Bool arguments to 32 bits and clang callees rely on it, while callees
// leave narrow results unextended, so stubs must widen in both directions.
func sysvExtension(k Kind) Extension {
	switch k {
	case Int8, Int16:
		return SignExtend32
	case Bool, Uint8, Uint16:
		return ZeroExtend32
	}
	return NoExtension
}

// sysvParts assigns registers to the eightbytes of a value in eightbyte order, taking
// integer registers from ints and SSE registers from sses. NO_CLASS eightbytes (padding
// that an aligned attribute adds at the end) take no register, as in gcc.
func sysvParts(size int, classes []sysvClass, ints, sses []Reg) []Part {
	var parts []Part
	for i, c := range classes {
		p := Part{Offset: 8 * i, Size: min(8, size-8*i)}
		switch c {
		case sysvInteger:
			p.Reg, ints = ints[0], ints[1:]
		case sysvSSE:
			p.Reg, sses = sses[0], sses[1:]
		default:
			continue
		}
		parts = append(parts, p)
	}
	return parts
}

// sysvCount returns how many integer and SSE registers the eightbytes need.
func sysvCount(classes []sysvClass) (ints, sses int) {
	for _, c := range classes {
		switch c {
		case sysvInteger:
			ints++
		case sysvSSE:
			sses++
		}
	}
	return ints, sses
}

// classifySysV places every argument and the result of sig under the SysV psABI.
func classifySysV(sig *Signature) (*Plan, error) {

	p := &Plan{
		ABI:         SysV,
		Sig:         sig,
		Args:        make([]ArgPlan, len(sig.Params)),
		StackAlign:  16,
		CopyAlign:   1,
		VectorCount: -1,
	}
	ints, sses := sysvIntArgRegs[:], sysvSSEArgRegs[:]

	p.Result = ResultPlan{Type: sig.Result}
	if r := sig.Result; r.Kind != Void && r.Size() > 0 {
		if classes, ok := sysvEightbytes(r); ok {
			p.Result.Parts = sysvParts(r.Size(), classes, sysvIntResultRegs[:], sysvSSEResultRegs[:])
			p.Result.Extend = sysvExtension(r.Kind)
		} else {
			// The buffer's address is the hidden first argument, so it takes rdi
			// before any declared parameter.
			p.Result.Indirect, p.Result.HiddenReg, p.Result.ReturnedIn = true, ints[0], RAX
			ints = ints[1:]
		}
	}

	stack := 0
	for i, t := range sig.Params {
		a := &p.Args[i]
		a.Type, a.Promoted = promoted(sig, i)
		t = a.Type
		a.Extend = sysvExtension(t.Kind)
		if t.Size() == 0 {
			a.Passing = Ignored
			continue
		}
		if classes, ok := sysvEightbytes(t); ok {
			ni, ns := sysvCount(classes)
			// All or nothing: an argument that does not fit entirely goes to the stack,
			// and the registers it could not use stay free for later arguments.
			if ni <= len(ints) && ns <= len(sses) {
				a.Passing = InRegisters
				a.Parts = sysvParts(t.Size(), classes, ints, sses)
				ints, sses = ints[ni:], sses[ns:]
				continue
			}
		}
		// gcc aligns a stack argument to its own alignment even above 16 bytes, and then
		// realigns the whole outgoing area to match.
		align := max(8, t.Align())
		stack = alignUp(stack, align)
		a.Passing, a.StackOffset, a.StackSize = OnStack, stack, alignUp(t.Size(), 8)
		stack += a.StackSize
		p.StackAlign = max(p.StackAlign, align)
	}
	p.StackSize = alignUp(stack, p.StackAlign)
	if sig.IsVariadic() {
		p.VectorCount = len(sysvSSEArgRegs) - len(sses)
	}
	return p, nil
}

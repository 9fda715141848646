package abi

import (
	"fmt"
	"strings"
)

// String returns the plan as text, one fact per line, for golden files, error messages
// and debugging. The form is stable: tests compare it byte for byte, so a change here is
// a change to every golden file. For example:
//
//	abi sysv
//	sig struct{float x; float y; float z;} (int32_t, double)
//	arg 0 int32_t: rdi
//	arg 1 double: xmm0
//	result struct{...}: xmm0[0:8] xmm1[8:12]
//	stack 0 align 16
//
// Aggregates print as struct{...} or union{...} after the sig line, which spells them out;
// a promoted argument prints as "double (promoted from float)". Placements read:
//
//	rdi                          one register holds the whole value
//	rdi[0:8] xmm0[8:16]          registers holding byte ranges of the value
//	xmm3 dup r9                  a part whose bits are also in a second register
//	stack+8 size 16              bytes in the outgoing argument area
//	byref copy+0 ptr rcx         a pointer to the copy at copy+0, in rcx
//	byref copy+16 ptr stack+8    the same with the pointer in a stack slot
//	ignored                      no register and no stack (empty struct)
//	none                         a void or empty result
//	indirect rdi, returned in rax  a result written through a hidden pointer
//
// followed by " sext32" or " zext32" when a narrow integer must be widened. Lines after
// the stack line appear only when they say something: "shadow N" for a shadow area,
// "copy N align A" for by-reference copies, "al N" for a variadic SysV call.
func (p *Plan) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "abi %v\n", p.ABI)
	if p.Sig != nil {
		fmt.Fprintf(&b, "sig %v\n", p.Sig)
	}
	for i, a := range p.Args {
		name := planTypeName(a.Type)
		if a.Promoted && p.Sig != nil && i < len(p.Sig.Params) {
			name += " (promoted from " + planTypeName(p.Sig.Params[i]) + ")"
		}
		fmt.Fprintf(&b, "arg %d %s: %s\n", i, name, a.placement())
	}
	fmt.Fprintf(&b, "result %s: %s\n", planTypeName(p.Result.Type), p.Result.placement())
	fmt.Fprintf(&b, "stack %d align %d\n", p.StackSize, p.StackAlign)
	if p.ShadowSize != 0 {
		fmt.Fprintf(&b, "shadow %d\n", p.ShadowSize)
	}
	if p.CopySize != 0 {
		fmt.Fprintf(&b, "copy %d align %d\n", p.CopySize, p.CopyAlign)
	}
	if p.VectorCount >= 0 {
		fmt.Fprintf(&b, "al %d\n", p.VectorCount)
	}
	return b.String()
}

// placement describes where an argument goes, without its type.
func (a *ArgPlan) placement() string {
	var s string
	switch a.Passing {
	case InRegisters:
		s = partsText(a.Parts, a.Type)
	case OnStack:
		s = fmt.Sprintf("stack+%d size %d", a.StackOffset, a.StackSize)
	case ByReference:
		ptr := a.PointerReg.String()
		if a.PointerReg == NoReg {
			ptr = fmt.Sprintf("stack+%d", a.StackOffset)
		}
		s = fmt.Sprintf("byref copy+%d ptr %s", a.CopyOffset, ptr)
	case Ignored:
		s = "ignored"
	default:
		s = fmt.Sprintf("Passing(%d)", uint8(a.Passing))
	}
	return s + extensionText(a.Extend)
}

// placement describes where the result comes back, without its type.
func (r *ResultPlan) placement() string {
	var s string
	switch {
	case r.Indirect && r.ReturnedIn != NoReg:
		s = fmt.Sprintf("indirect %v, returned in %v", r.HiddenReg, r.ReturnedIn)
	case r.Indirect:
		s = fmt.Sprintf("indirect %v", r.HiddenReg)
	case len(r.Parts) == 0:
		s = "none"
	default:
		s = partsText(r.Parts, r.Type)
	}
	return s + extensionText(r.Extend)
}

// partsText lists registers in order. The byte range is left out only when one register
// carries the whole value, so a value passed in pieces always shows how it is cut.
func partsText(parts []Part, t *Type) string {
	if len(parts) == 0 {
		return "none"
	}
	whole := len(parts) == 1 && parts[0].Offset == 0 && t != nil && parts[0].Size == t.Size()
	var b strings.Builder
	for i, pt := range parts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(pt.Reg.String())
		if !whole {
			fmt.Fprintf(&b, "[%d:%d]", pt.Offset, pt.Offset+pt.Size)
		}
		if pt.Dup != NoReg {
			fmt.Fprintf(&b, " dup %v", pt.Dup)
		}
	}
	return b.String()
}

func extensionText(e Extension) string {
	switch e {
	case NoExtension:
		return ""
	case SignExtend32:
		return " sext32"
	case ZeroExtend32:
		return " zext32"
	}
	return fmt.Sprintf(" Extension(%d)", uint8(e))
}

// planTypeName names a type on an arg or result line. Aggregates are abbreviated because
// the sig line already spells them out, and a long struct would bury the placement.
func planTypeName(t *Type) string {
	switch {
	case t == nil:
		return "<nil>"
	case t.Kind == Struct && len(t.Fields) == 0:
		return "struct{}"
	case t.Kind == Struct:
		return "struct{...}"
	case t.Kind == Union:
		return "union{...}"
	}
	return t.String()
}

package bindgen

import (
	"fmt"

	"github.com/jitffi/jitffi/abi"
	"modernc.org/cc/v4"
)

// checkAgainstABI lays the record out again with package abi's model of the target's C
// types and compares every member's offset, the size and the alignment with the front
// end's. A disagreement means one of the two misreads the header: the type is skipped
// rather than guessed. A record abi cannot model (bit-fields, a member of a type abi
// lacks) is left to the compiler's check and the layout test, and counted in the summary
// with the reason.
func (g *generator) checkAgainstABI(td *typeDecl, rt recordType) {
	name := pick(td.cName != "", td.cName, td.goName)
	word := pick(rt.Kind() == cc.Union, "union", "struct")
	at, err := g.abiType(rt, 0)
	if err != nil {
		g.counts.ABIUnmodelled = append(g.counts.ABIUnmodelled, Skip{Kind: word, Name: name, Reason: err.Error()})
		return
	}
	if g.c.abiModel != nil {
		at = g.c.abiModel(name, at)
	}
	g.counts.ABIChecked++
	if reason := layoutDisagreement(rt, at); reason != "" {
		td.skipReason = reason
	}
}

// layoutDisagreement says how package abi's layout of a record differs from the front
// end's, or returns "" when they agree.
func layoutDisagreement(rt recordType, at *abi.Type) string {
	if at.Size() != int(rt.Size()) || at.Align() != rt.Align() {
		return fmt.Sprintf("the front end lays it out in %d bytes aligned to %d, package abi in %d aligned to %d", rt.Size(), rt.Align(), at.Size(), at.Align())
	}
	if len(at.Fields) != rt.NumFields() {
		return fmt.Sprintf("the front end reads %d members, package abi %d", rt.NumFields(), len(at.Fields))
	}
	for i, f := range at.Fields {
		if off := rt.FieldByIndex(i).Offset(); int64(f.Offset) != off {
			return fmt.Sprintf("member %s: the front end puts it at %d, package abi at %d", f.Name, off, f.Offset)
		}
	}
	return ""
}

// abiType is a C type in package abi's terms for the target's data model; the error
// says why abi has no such type.
func (g *generator) abiType(t cc.Type, depth int) (*abi.Type, error) {
	if depth > 64 {
		return nil, fmt.Errorf("nested more than 64 deep")
	}
	model := g.c.Target.model()
	switch t.Kind() {
	case cc.Bool:
		return abi.Scalar(abi.Bool), nil
	case cc.Char:
		if model == abi.LP64UnsignedChar {
			return abi.Scalar(abi.Uint8), nil
		}
		return abi.Scalar(abi.Int8), nil
	case cc.SChar:
		return abi.Scalar(abi.Int8), nil
	case cc.UChar:
		return abi.Scalar(abi.Uint8), nil
	case cc.Short:
		return abi.Scalar(abi.Int16), nil
	case cc.UShort:
		return abi.Scalar(abi.Uint16), nil
	case cc.Int:
		return abi.Scalar(abi.Int32), nil
	case cc.UInt:
		return abi.Scalar(abi.Uint32), nil
	case cc.Long:
		if model == abi.LLP64 {
			return abi.Scalar(abi.Int32), nil
		}
		return abi.Scalar(abi.Int64), nil
	case cc.ULong:
		if model == abi.LLP64 {
			return abi.Scalar(abi.Uint32), nil
		}
		return abi.Scalar(abi.Uint64), nil
	case cc.LongLong:
		return abi.Scalar(abi.Int64), nil
	case cc.ULongLong:
		return abi.Scalar(abi.Uint64), nil
	case cc.Float, cc.Float32:
		return abi.Scalar(abi.Float32), nil
	case cc.Double, cc.Float64, cc.Float32x:
		return abi.Scalar(abi.Float64), nil
	case cc.Ptr:
		return abi.Scalar(abi.Pointer), nil
	case cc.Enum:
		et := t.(*cc.EnumType)
		signed := et.Min() < 0
		switch et.Size() {
		case 1:
			return abi.Scalar(pick(signed, abi.Int8, abi.Uint8)), nil
		case 2:
			return abi.Scalar(pick(signed, abi.Int16, abi.Uint16)), nil
		case 4:
			return abi.Scalar(pick(signed, abi.Int32, abi.Uint32)), nil
		case 8:
			return abi.Scalar(pick(signed, abi.Int64, abi.Uint64)), nil
		}
	case cc.Array:
		at := t.(*cc.ArrayType)
		if at.IsVLA() || at.Len() < 0 {
			return nil, fmt.Errorf("an array of unknown length")
		}
		elem, err := g.abiType(at.Elem(), depth+1)
		if err != nil {
			return nil, err
		}
		return abi.ArrayOf(elem, int(at.Len())), nil
	case cc.Struct, cc.Union:
		rt, ok := t.(recordType)
		if !ok || t.IsIncomplete() {
			return nil, fmt.Errorf("an incomplete %s", t.Kind())
		}
		var fields []abi.Field
		for i := 0; i < rt.NumFields(); i++ {
			f := rt.FieldByIndex(i)
			switch {
			case f.IsBitfield():
				return nil, fmt.Errorf("member %s is a bit-field, which package abi does not model", memberName(f, i))
			case f.IsFlexibleArrayMember():
				return nil, fmt.Errorf("member %s is a flexible array member, which package abi does not model", memberName(f, i))
			}
			ft, err := g.abiType(f.Type(), depth+1)
			if err != nil {
				return nil, fmt.Errorf("member %s: %w", memberName(f, i), err)
			}
			fields = append(fields, abi.Field{Name: f.Name(), Type: ft})
		}
		var natural *abi.Type
		if t.Kind() == cc.Union {
			natural = abi.UnionOf(fields...)
		} else {
			natural = abi.StructOf(fields...)
		}
		if natural.Size() == int(t.Size()) && natural.Align() == t.Align() {
			return natural, nil
		}
		// An attribute changed the layout: packed, aligned, or both.
		for _, packed := range []bool{false, true} {
			var a *abi.Type
			if t.Kind() == cc.Union {
				a = abi.AlignedUnionOf(t.Align(), fields...)
			} else {
				a = abi.AlignedStructOf(t.Align(), packed, fields...)
			}
			if a.Size() == int(t.Size()) && a.Align() == t.Align() {
				return a, nil
			}
		}
		return natural, nil
	}
	return nil, fmt.Errorf("package abi has no %s", t.Kind())
}

// memberName is a member's name, or its position when it has none (an anonymous
// member, an unnamed bit-field).
func memberName(f *cc.Field, i int) string {
	if f.Name() != "" {
		return f.Name()
	}
	return fmt.Sprintf("#%d", i+1)
}

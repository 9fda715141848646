package bindgen

import (
	"fmt"

	"github.com/jitffi/jitffi/abi"
	"modernc.org/cc/v4"
)

// checkAgainstABI lays the record out again with package abi's model of the target's C
// types and compares every member's offset, the size and the alignment with the front
// end's. A disagreement means one of the two misreads the header: the type is skipped
// rather than guessed. Records with bit-fields are left to the layout test alone (abi
// has no bit-fields).
func (g *generator) checkAgainstABI(td *typeDecl, rt recordType) {
	at, err := g.abiType(rt, 0)
	if err != nil {
		return
	}
	if at.Size() != int(rt.Size()) || at.Align() != rt.Align() {
		td.skipReason = fmt.Sprintf("the front end lays it out in %d bytes aligned to %d, package abi in %d aligned to %d", rt.Size(), rt.Align(), at.Size(), at.Align())
		return
	}
	for i, f := range at.Fields {
		if off := rt.FieldByIndex(i).Offset(); int64(f.Offset) != off {
			td.skipReason = fmt.Sprintf("member %s: the front end puts it at %d, package abi at %d", f.Name, off, f.Offset)
			return
		}
	}
}

var errNoABIType = fmt.Errorf("no abi type")

// abiType is a C type in package abi's terms for the target's data model.
func (g *generator) abiType(t cc.Type, depth int) (*abi.Type, error) {
	if depth > 64 {
		return nil, errNoABIType
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
			return nil, errNoABIType
		}
		elem, err := g.abiType(at.Elem(), depth+1)
		if err != nil {
			return nil, err
		}
		return abi.ArrayOf(elem, int(at.Len())), nil
	case cc.Struct, cc.Union:
		rt, ok := t.(recordType)
		if !ok || t.IsIncomplete() {
			return nil, errNoABIType
		}
		var fields []abi.Field
		for i := 0; i < rt.NumFields(); i++ {
			f := rt.FieldByIndex(i)
			if f.IsBitfield() || f.IsFlexibleArrayMember() {
				return nil, errNoABIType
			}
			ft, err := g.abiType(f.Type(), depth+1)
			if err != nil {
				return nil, err
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
	return nil, errNoABIType
}

package abi_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/jitffi/jitffi/abi"
)

// Shorthands keep the tables readable as C declarations.
var (
	tVoid = abi.Scalar(abi.Void)
	tBool = abi.Scalar(abi.Bool)
	tI8   = abi.Scalar(abi.Int8)
	tI16  = abi.Scalar(abi.Int16)
	tI32  = abi.Scalar(abi.Int32)
	tI64  = abi.Scalar(abi.Int64)
	tU8   = abi.Scalar(abi.Uint8)
	tU16  = abi.Scalar(abi.Uint16)
	tF32  = abi.Scalar(abi.Float32)
	tF64  = abi.Scalar(abi.Float64)
	tPtr  = abi.Scalar(abi.Pointer)
)

func fld(t *abi.Type) abi.Field { return abi.Field{Type: t} }

func st(ts ...*abi.Type) *abi.Type {
	fs := make([]abi.Field, len(ts))
	for i, t := range ts {
		fs[i] = abi.Field{Name: fmt.Sprintf("f%d", i), Type: t}
	}
	return abi.StructOf(fs...)
}

func un(ts ...*abi.Type) *abi.Type {
	fs := make([]abi.Field, len(ts))
	for i, t := range ts {
		fs[i] = abi.Field{Name: fmt.Sprintf("f%d", i), Type: t}
	}
	return abi.UnionOf(fs...)
}

func fn(result *abi.Type, params ...*abi.Type) *abi.Signature {
	return &abi.Signature{Result: result, Params: params, Fixed: -1}
}

func variadic(fixed int, result *abi.Type, params ...*abi.Type) *abi.Signature {
	return &abi.Signature{Result: result, Params: params, Fixed: fixed}
}

// randomType returns a type biased towards the small aggregates where the rules bite.
func randomType(r *rand.Rand, depth int) *abi.Type {
	scalarKinds := []abi.Kind{abi.Bool, abi.Int8, abi.Int16, abi.Int32, abi.Int64, abi.Uint8,
		abi.Uint16, abi.Uint32, abi.Uint64, abi.Float32, abi.Float64, abi.Pointer,
		abi.Float32, abi.Float64, abi.Float32}
	if depth > 2 || r.IntN(3) > 0 {
		return abi.Scalar(scalarKinds[r.IntN(len(scalarKinds))])
	}
	n := r.IntN(4)
	if depth == 0 {
		n++
	}
	fs := make([]abi.Field, n)
	for i := range fs {
		ft := randomType(r, depth+1)
		if r.IntN(5) == 0 {
			ft = abi.ArrayOf(ft, r.IntN(4))
		}
		fs[i] = abi.Field{Name: fmt.Sprintf("m%d", i), Type: ft}
	}
	switch r.IntN(12) {
	case 0:
		return abi.UnionOf(fs...)
	case 1:
		return abi.AlignedUnionOf(1<<r.IntN(5), fs...)
	case 2, 3:
		return abi.PackedStructOf(fs...)
	case 4:
		return abi.AlignedStructOf(1<<r.IntN(6), r.IntN(2) == 0, fs...)
	}
	return abi.StructOf(fs...)
}

func randomSignature(r *rand.Rand) *abi.Signature {
	sig := &abi.Signature{Result: tVoid, Fixed: -1}
	if r.IntN(5) > 0 {
		sig.Result = randomType(r, 0)
	}
	for range r.IntN(14) {
		sig.Params = append(sig.Params, randomType(r, 0))
	}
	if len(sig.Params) > 0 && r.IntN(3) == 0 {
		sig.Fixed = 1 + r.IntN(len(sig.Params)) // C needs a named parameter before ...
	}
	return sig
}

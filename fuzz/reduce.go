package fuzz

import "github.com/jitffi/jitffi/abi"

// weight measures a signature for the minimizer: every parameter, type node, attribute
// and array element counts. Each reduction makes it strictly smaller, so minimizing ends.
func weight(sig *abi.Signature) int {
	w := typeWeight(sig.Result)
	if sig.IsVariadic() {
		w++
	}
	for _, p := range sig.Params {
		w += 1 + typeWeight(p)
	}
	return w
}

func typeWeight(t *abi.Type) int {
	if t.Kind == abi.Void {
		return 0
	}
	w := 1
	if t.Packed {
		w++
	}
	if t.AlignAttr != 0 {
		w++
	}
	switch t.Kind {
	case abi.Array:
		w += t.Len * typeWeight(t.Elem)
		if t.Len == 0 {
			w += typeWeight(t.Elem)
		}
	case abi.Struct, abi.Union:
		for _, f := range t.Fields {
			w += typeWeight(f.Type)
		}
	case abi.Int8, abi.Uint8, abi.Int16, abi.Uint16, abi.Uint32, abi.Uint64, abi.Bool, abi.Pointer, abi.Float32:
		// A kind other than int32, int64 and double is one step from the plainest.
		w++
	}
	return w
}

// reductions returns signatures one step simpler than sig, the boldest first: fewer
// parameters, a plainer result, no variadic split, then smaller types, each with a weight
// below sig's. Types of zero size are kept out of variadic positions and, under noEmpty,
// out of everything.
func reductions(sig *abi.Signature, noEmpty bool) []*abi.Signature {
	var out []*abi.Signature
	w := weight(sig)
	add := func(s *abi.Signature) {
		if weight(s) >= w || !valid(s, noEmpty) {
			return
		}
		for _, o := range out {
			if abi.EqualSignatures(o, s) {
				return
			}
		}
		out = append(out, s)
	}
	with := func(result *abi.Type, params []*abi.Type, fixed int) *abi.Signature {
		return &abi.Signature{Result: result, Params: params, Fixed: fixed}
	}
	// Drop the second half, then each parameter.
	if n := len(sig.Params); n > 3 && (!sig.IsVariadic() || sig.Fixed <= n/2) {
		add(with(sig.Result, clip(sig.Params[:n/2]), sig.Fixed))
	}
	for i := range sig.Params {
		fixed := sig.Fixed
		if sig.IsVariadic() && i < sig.Fixed {
			if fixed == 1 {
				continue
			}
			fixed--
		}
		ps := append(clip(sig.Params[:i]), sig.Params[i+1:]...)
		add(with(sig.Result, ps, fixed))
	}
	if sig.Result.Kind != abi.Void {
		add(with(abi.Scalar(abi.Void), sig.Params, sig.Fixed))
	}
	if sig.IsVariadic() {
		add(with(sig.Result, sig.Params, -1))
	}
	for _, r := range reduceType(sig.Result) {
		if r.Kind != abi.Array {
			add(with(r, sig.Params, sig.Fixed))
		}
	}
	for i, p := range sig.Params {
		for _, r := range reduceType(p) {
			if r.Kind == abi.Array {
				continue
			}
			ps := clip(sig.Params)
			ps[i] = r
			add(with(sig.Result, ps, sig.Fixed))
		}
	}
	return out
}

func clip(ts []*abi.Type) []*abi.Type { return append([]*abi.Type(nil), ts...) }

func valid(sig *abi.Signature, noEmpty bool) bool {
	if sig.IsVariadic() && sig.Fixed < 1 {
		return false
	}
	for i, p := range sig.Params {
		if p.Kind.IsAggregate() && p.Size() == 0 && (noEmpty || sig.IsVariadic() && i >= sig.Fixed) {
			return false
		}
	}
	return !(noEmpty && sig.Result.Kind.IsAggregate() && sig.Result.Size() == 0)
}

// reduceType returns types one step simpler than t: a member in place of the aggregate,
// a member dropped, a nested struct's members inlined, an attribute removed, an array
// shortened, a scalar made int32, int64 or double.
func reduceType(t *abi.Type) []*abi.Type {
	var out []*abi.Type
	switch t.Kind {
	case abi.Struct, abi.Union:
		rebuild := func(fs []abi.Field) *abi.Type { return remake(t, fs, t.Packed, t.AlignAttr) }
		for _, f := range t.Fields {
			out = append(out, f.Type)
		}
		for i := range t.Fields {
			if len(t.Fields) > 1 {
				out = append(out, rebuild(renamed(append(fieldsClip(t.Fields[:i]), t.Fields[i+1:]...))))
			}
		}
		if t.Kind == abi.Struct {
			for i, f := range t.Fields {
				if f.Type.Kind == abi.Struct && !f.Type.Packed && f.Type.AlignAttr == 0 {
					fs := append(append(fieldsClip(t.Fields[:i]), f.Type.Fields...), t.Fields[i+1:]...)
					out = append(out, rebuild(renamed(fs)))
				}
			}
		}
		if t.Packed {
			out = append(out, remake(t, t.Fields, false, t.AlignAttr))
		}
		if t.AlignAttr != 0 {
			out = append(out, remake(t, t.Fields, t.Packed, 0))
		}
		for i, f := range t.Fields {
			for _, r := range reduceType(f.Type) {
				fs := fieldsClip(t.Fields)
				fs[i].Type = r
				out = append(out, rebuild(fs))
			}
		}
	case abi.Array:
		if t.Len > 1 {
			out = append(out, abi.ArrayOf(t.Elem, 1), abi.ArrayOf(t.Elem, t.Len-1))
		}
		if t.Len == 0 {
			out = append(out, abi.ArrayOf(abi.Scalar(abi.Int32), 0))
		}
		for _, r := range reduceType(t.Elem) {
			out = append(out, abi.ArrayOf(r, t.Len))
		}
	case abi.Float32:
		out = append(out, abi.Scalar(abi.Float64))
	case abi.Int32, abi.Int64, abi.Float64, abi.Void:
	default:
		if t.Size() < 4 {
			out = append(out, abi.Scalar(abi.Int32))
		} else {
			out = append(out, abi.Scalar(abi.Int64))
		}
	}
	return out
}

func fieldsClip(fs []abi.Field) []abi.Field { return append([]abi.Field(nil), fs...) }

// renamed gives members the generator's names m0, m1, ... again after a reshuffle, as C
// rejects two members of one name.
func renamed(fs []abi.Field) []abi.Field {
	for i := range fs {
		fs[i] = field(i, fs[i].Type)
	}
	return fs
}

func remake(t *abi.Type, fs []abi.Field, packed bool, align int) *abi.Type {
	if t.Kind == abi.Union {
		if align != 0 {
			return abi.AlignedUnionOf(align, fs...)
		}
		return abi.UnionOf(fs...)
	}
	return abi.AlignedStructOf(align, packed, fs...)
}

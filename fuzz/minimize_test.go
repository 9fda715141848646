package fuzz

import (
	"testing"

	"github.com/jitffi/jitffi/abi"
)

// TestReductionsShrink checks, on many generated signatures, that every reduction is
// lighter, valid, and reads back from its text.
func TestReductionsShrink(t *testing.T) {
	for _, a := range []abi.ABI{abi.SysV, abi.AAPCS64} {
		p := ProfileOf(a)
		for i := uint64(0); i < 200; i++ {
			sig := Generate(p, 3, i)
			for _, r := range reductions(sig, p.NoEmpty) {
				if weight(r) >= weight(sig) {
					t.Fatalf("reduction of %v is not lighter: %v", sig, r)
				}
				if !valid(r, p.NoEmpty) {
					t.Fatalf("reduction of %v is invalid: %v", sig, r)
				}
				back, err := abi.ParseSignature(r.String())
				if err != nil || !abi.EqualSignatures(back, r) {
					t.Fatalf("reduction %v does not read back: %v", r, err)
				}
			}
		}
	}
}

// TestShrinkFindsCore minimizes against a stand-in for a bug: "fails" when some
// parameter contains a float next to an integer in one struct. The minimum is a single
// two-member struct parameter and a void result.
func TestShrinkFindsCore(t *testing.T) {
	fails := func(sig *abi.Signature) bool {
		for _, p := range sig.Params {
			if hasMixedStruct(p) {
				return true
			}
		}
		return false
	}
	p := ProfileOf(abi.SysV)
	n := 0
	for i := uint64(0); i < 400 && n < 20; i++ {
		sig := Generate(p, 11, i)
		if !fails(sig) {
			continue
		}
		n++
		got, err := shrink(sig, false, func(cs []*abi.Signature) (int, error) {
			for k, c := range cs {
				if fails(c) {
					return k, nil
				}
			}
			return -1, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Params) != 1 || got.Result.Kind != abi.Void || got.IsVariadic() || len(got.Params[0].Fields) != 2 {
			t.Errorf("%v\nshrank to %v, want one two-member struct parameter", sig, got)
		}
	}
	if n == 0 {
		t.Fatal("no generated signature has the stand-in bug")
	}
}

func hasMixedStruct(t *abi.Type) bool {
	switch t.Kind {
	case abi.Array:
		return hasMixedStruct(t.Elem)
	case abi.Struct, abi.Union:
		float, integer := false, false
		for _, f := range t.Fields {
			if hasMixedStruct(f.Type) {
				return true
			}
			float = float || f.Type.Kind.IsFloat()
			integer = integer || f.Type.Kind.IsInteger()
		}
		return t.Kind == abi.Struct && float && integer
	}
	return false
}

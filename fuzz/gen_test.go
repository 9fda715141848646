package fuzz

import (
	"testing"

	"github.com/jitffi/jitffi/abi"
)

func TestGenerateDeterministicAndParsable(t *testing.T) {
	for _, a := range []abi.ABI{abi.SysV, abi.Win64, abi.AAPCS64} {
		p := ProfileOf(a)
		for i := uint64(0); i < 3000; i++ {
			s1, s2 := Generate(p, 7, i), Generate(p, 7, i)
			if !abi.EqualSignatures(s1, s2) {
				t.Fatalf("%v case %d: two generations differ:\n%v\n%v", a, i, s1, s2)
			}
			back, err := abi.ParseSignature(s1.String())
			if err != nil {
				t.Fatalf("%v case %d: %v", a, i, err)
			}
			if !abi.EqualSignatures(s1, back) {
				t.Fatalf("%v case %d: text does not read back:\n%v\n%v", a, i, s1, back)
			}
			if fb := GenerateFromBytes(p, ChoiceBytes(p, 7, i)); !abi.EqualSignatures(s1, fb) {
				t.Fatalf("%v case %d: choice bytes do not replay:\n%v\n%v", a, i, s1, fb)
			}
			if p.NoEmpty {
				for _, x := range append([]*abi.Type{s1.Result}, s1.Params...) {
					if x.Kind.IsAggregate() && x.Size() == 0 {
						t.Fatalf("%v case %d: empty aggregate in %v", a, i, s1)
					}
				}
			}
		}
	}
	if s := GenerateFromBytes(ProfileOf(abi.SysV), nil); s.String() != "void (void)" {
		t.Errorf("empty input gives %v, want void (void)", s)
	}
}

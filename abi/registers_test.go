package abi_test

import (
	"math/rand"
	"testing"

	"github.com/jitffi/jitffi/abi"
)

// TestPlansUseTheirRegisterTables checks that every register a classifier assigns is in
// its ABI's table, argument registers for arguments and result registers for results,
// and that no register is used twice in one plan: package jit refuses any other plan.
// allABIs lists every ABI the package classifies.
var allABIs = []abi.ABI{abi.SysV, abi.Win64, abi.AAPCS64, abi.AppleARM64}

func TestPlansUseTheirRegisterTables(t *testing.T) {
	g := &sigGen{r: rand.New(rand.NewSource(9))}
	for i := 0; i < 2000; i++ {
		sig := g.signature()
		if sig.Fixed == 0 {
			continue // a variadic function needs a fixed parameter
		}
		for _, a := range allABIs {
			p, err := abi.Classify(sig, a)
			if err != nil {
				t.Fatalf("%v under %v: %v", sig, a, err)
			}
			rs := abi.RegistersOf(a)
			used := map[abi.Reg]bool{}
			use := func(r abi.Reg, ok bool, what string) {
				if !ok || used[r] {
					t.Fatalf("%v under %v: %s in %v (in the table: %v, used before: %v)\n%v", sig, a, what, r, ok, used[r], p)
				}
				used[r] = true
			}
			if p.Result.Indirect {
				use(p.Result.HiddenReg, p.Result.HiddenReg == rs.IndirectResult, "hidden result pointer")
			}
			for _, arg := range p.Args {
				for _, part := range arg.Parts {
					use(part.Reg, rs.IsArg(part.Reg), "argument part")
					if part.Dup != abi.NoReg {
						use(part.Dup, rs.Duplicates && rs.IsArg(part.Dup), "duplicate")
					}
				}
				if arg.Passing == abi.ByReference && arg.PointerReg != abi.NoReg {
					use(arg.PointerReg, rs.IsArg(arg.PointerReg), "pointer to a copy")
				}
			}
			used = map[abi.Reg]bool{}
			for _, part := range p.Result.Parts {
				use(part.Reg, rs.IsResult(part.Reg), "result part")
			}
			if p.ShadowSize != rs.Shadow {
				t.Fatalf("%v under %v: shadow %d, table %d", sig, a, p.ShadowSize, rs.Shadow)
			}
		}
	}
	if abi.RegistersOf(0) != nil {
		t.Error("RegistersOf(0) is not nil")
	}
}

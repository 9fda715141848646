package jit_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
)

// manyTypes are the argument and result types manyPlans draws from: every scalar kind and
// aggregates of each SysV class mix and each Win64 size class.
var manyTypes = []string{
	"int8_t", "uint8_t", "int16_t", "uint16_t", "bool", "int32_t", "uint32_t", "int64_t",
	"float", "double", "void*",
	"struct{char a;}", "struct{char a; char b; char c;}", "struct{int16_t a; int16_t b; int16_t c;}",
	"struct{float x;}", "struct{float x; float y;}", "struct{float x; float y; float z;}",
	"struct{double x; double y;}", "struct{char c; double d;}", "struct{double d; int32_t i;}",
	"struct{int32_t a; int32_t b; int32_t c;}", "struct{int64_t a; int64_t b; int64_t c;}",
	"struct{char a[7];}", "struct{char a[13];}", "union{float f; int32_t i;}",
	"struct{} ", "struct{int32_t a; float b;} __attribute__((aligned(16)))",
	"struct{double d[4];} __attribute__((aligned(32)))",
}

// manyPlans returns a few hundred pseudo-random SysV plans (from the real classifier) and
// Win64 plans (from win64Plan, a test-only stand-in for the Win64 classifier).
func manyPlans(t testing.TB) []*abi.Plan {
	rng := rand.New(rand.NewPCG(1, 2))
	types := make([]*abi.Type, len(manyTypes))
	for i, s := range manyTypes {
		types[i] = mustType(t, s)
	}
	var plans []*abi.Plan
	for n := 0; n < 400; n++ {
		sig := &abi.Signature{Result: types[rng.IntN(len(types))], Fixed: -1}
		if rng.IntN(8) == 0 {
			sig.Result = abi.Scalar(abi.Void)
		}
		for range rng.IntN(20) {
			sig.Params = append(sig.Params, types[rng.IntN(len(types))])
		}
		if len(sig.Params) > 0 && rng.IntN(4) == 0 {
			sig.Fixed = 1 + rng.IntN(len(sig.Params)) // C needs a named parameter before ...

		}
		if n%2 == 0 {
			p, err := abi.Classify(sig, abi.SysV)
			if err != nil {
				t.Fatalf("%v: %v", sig, err)
			}
			plans = append(plans, p)
		} else {
			plans = append(plans, win64Plan(sig))
		}
	}
	return plans
}

// win64Plan classifies sig under the Microsoft x64 convention, enough for the emitter's
// tests: four positional slots, 1/2/4/8-byte values by value, others by reference to a
// 16-aligned copy, variadic floats duplicated into the slot's integer register.
func win64Plan(sig *abi.Signature) *abi.Plan {
	const slots, shadow = 4, 32
	intRegs := []abi.Reg{abi.RCX, abi.RDX, abi.R8, abi.R9}
	p := &abi.Plan{ABI: abi.Win64, Sig: sig, Args: make([]abi.ArgPlan, len(sig.Params)),
		StackAlign: 16, ShadowSize: shadow, CopyAlign: 16, VectorCount: -1}
	slot, stack := 0, 0
	p.Result.Type = sig.Result
	r := sig.Result
	switch {
	case r.Kind == abi.Void:
	case r.Kind.IsFloat():
		p.Result.Parts = []abi.Part{{Size: r.Size(), Reg: abi.XMM0}}
	case r.Size() == 1 || r.Size() == 2 || r.Size() == 4 || r.Size() == 8:
		p.Result.Parts = []abi.Part{{Size: r.Size(), Reg: abi.RAX}}
	default:
		p.Result.Indirect, p.Result.HiddenReg, p.Result.ReturnedIn = true, abi.RCX, abi.RAX
		slot++
	}
	for i, t := range sig.Params {
		a := &p.Args[i]
		a.Type = t
		variadic := sig.IsVariadic() && i >= sig.Fixed
		if variadic && t.Kind == abi.Float32 {
			a.Type, a.Promoted = abi.Scalar(abi.Float64), true
		}
		size := a.Type.Size()
		byValue := size == 1 || size == 2 || size == 4 || size == 8
		if !byValue {
			a.Passing, a.CopyOffset = abi.ByReference, p.CopySize
			p.CopySize += (t.Size() + 15) &^ 15
		}
		if slot < slots {
			switch {
			case !byValue:
				a.PointerReg = intRegs[slot]
			case a.Type.Kind.IsFloat():
				part := abi.Part{Size: size, Reg: abi.XMM0 + abi.Reg(slot)}
				if variadic {
					part.Dup = intRegs[slot]
				}
				a.Passing, a.Parts = abi.InRegisters, []abi.Part{part}
			default:
				a.Passing, a.Parts = abi.InRegisters, []abi.Part{{Size: size, Reg: intRegs[slot]}}
			}
		} else {
			if byValue {
				a.Passing = abi.OnStack
			}
			a.StackOffset, a.StackSize = stack, 8
			stack += 8
		}
		slot++
	}
	p.StackSize = (stack + 15) &^ 15
	return p
}

// TestWin64PlanStandIn pins the stand-in classifier to the Win64 rules of abi/RULES.md, so
// the emitter's Win64 tests rest on the documented convention.
func TestWin64PlanStandIn(t *testing.T) {
	sig, err := abi.ParseSignature("void (int64_t, double, int64_t, double, struct{int64_t a; int64_t b;})")
	if err != nil {
		t.Fatal(err)
	}
	got := win64Plan(sig).String()
	for _, want := range []string{"arg 0 int64_t: rcx", "arg 1 double: xmm1", "arg 2 int64_t: r8", "arg 3 double: xmm3", "stack+0"} {
		if !strings.Contains(got, want) {
			t.Errorf("plan lacks %q:\n%s", want, got)
		}
	}
}

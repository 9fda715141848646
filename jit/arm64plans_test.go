package jit_test

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/jit"
)

// AAPCS64 facts the stand-in classifier below uses (abi/RULES.md, AAPCS64 rules 1-6).
const (
	a64ArgRegs     = 8  // x0-x7, v0-v7
	a64HFAMax      = 4  // members of a homogeneous floating-point aggregate
	a64RegsMax     = 16 // the largest non-HFA composite passed in registers
	a64Slot        = 8  // stack slots are at least 8 bytes
	a64StackAlign  = 16 // sp alignment
	a64CopyAlign   = 16 // alignment the stand-in gives by-reference copies
	a64QuadAligned = 16 // arguments this naturally aligned start at an even register
)

// naturalAlign is t's alignment without aligned attributes, which AAPCS64's rules on
// register pairs and stack slots use (gcc 12 ignores the attribute there).
func naturalAlign(t *abi.Type) int {
	switch t.Kind {
	case abi.Struct, abi.Union:
		a := 1
		for _, f := range t.Fields {
			a = max(a, naturalAlign(f.Type))
		}
		if t.Packed {
			return 1
		}
		return a
	case abi.Array:
		return naturalAlign(t.Elem)
	}
	return t.Align()
}

// hfaOf returns the member type and count of t flattened, if t is a homogeneous
// floating-point aggregate (AAPCS64 rule 1: 1 to 4 members of one float type), else nil, 0.
func hfaOf(t *abi.Type) (*abi.Type, int) {
	var member *abi.Type
	n := 0
	ok := true
	var walk func(t *abi.Type)
	walk = func(t *abi.Type) {
		switch {
		case t.Kind.IsFloat():
			if member != nil && member.Kind != t.Kind {
				ok = false
			}
			member = t
			n++
		case t.Kind == abi.Struct:
			for _, f := range t.Fields {
				walk(f.Type)
			}
		case t.Kind == abi.Array:
			for range t.Len {
				walk(t.Elem)
			}
		default:
			ok = false
		}
	}
	if t.Kind != abi.Struct {
		return nil, 0
	}
	walk(t)
	if !ok || n == 0 || n > a64HFAMax || member.Size()*n != t.Size() {
		return nil, 0
	}
	return member, n
}

// gprParts splits a composite or scalar of up to 16 bytes into 8-byte register parts
// starting at register first.
func gprParts(size int, first abi.Reg) []abi.Part {
	var parts []abi.Part
	for off := 0; off < size; off += a64Slot {
		parts = append(parts, abi.Part{Offset: off, Size: min(a64Slot, size-off), Reg: first + abi.Reg(off/a64Slot)})
	}
	return parts
}

// hfaParts places an HFA's members in consecutive vector registers from first.
func hfaParts(member *abi.Type, n int, first abi.Reg) []abi.Part {
	parts := make([]abi.Part, n)
	for i := range parts {
		parts[i] = abi.Part{Offset: i * member.Size(), Size: member.Size(), Reg: first + abi.Reg(i)}
	}
	return parts
}

// narrowExtension is the extension of a narrow integer kind; none for the others.
func narrowExtension(k abi.Kind) abi.Extension {
	switch {
	case !k.IsInteger() || k == abi.Int32 || k == abi.Uint32 || k == abi.Int64 || k == abi.Uint64:
		return abi.NoExtension
	case k.IsSigned():
		return abi.SignExtend32
	}
	return abi.ZeroExtend32
}

// aapcs64Plan classifies sig under Linux AAPCS64, enough for the emitter's tests (the real
// classifier is package abi's): HFAs in v registers, other composites up to 16 bytes in
// x registers, larger ones by reference, no splitting between registers and the stack,
// no back-fill, 8-byte stack slots, large results through x8.
func aapcs64Plan(sig *abi.Signature) *abi.Plan {
	p := &abi.Plan{ABI: abi.AAPCS64, Sig: sig, Args: make([]abi.ArgPlan, len(sig.Params)),
		StackAlign: a64StackAlign, VectorCount: -1}
	r := sig.Result
	p.Result.Type = r
	switch member, n := hfaOf(r); {
	case r.Kind == abi.Void || r.Size() == 0:
	case r.Kind.IsFloat():
		p.Result.Parts = []abi.Part{{Size: r.Size(), Reg: abi.V0}}
	case member != nil:
		p.Result.Parts = hfaParts(member, n, abi.V0)
	case r.Size() <= a64RegsMax:
		p.Result.Parts = gprParts(r.Size(), abi.X0)
		p.Result.Extend = narrowExtension(r.Kind)
	default:
		p.Result.Indirect, p.Result.HiddenReg = true, abi.X8
	}
	ngrn, nsrn, nsaa := 0, 0, 0
	onStack := func(a *abi.ArgPlan, size, align int) {
		nsaa = (nsaa + max(a64Slot, align) - 1) &^ (max(a64Slot, align) - 1)
		a.StackOffset, a.StackSize = nsaa, (size+a64Slot-1)&^(a64Slot-1)
		nsaa += a.StackSize
	}
	for i, t := range sig.Params {
		a := &p.Args[i]
		a.Type = t
		if sig.IsVariadic() && i >= sig.Fixed && t.Kind == abi.Float32 {
			a.Type, a.Promoted = abi.Scalar(abi.Float64), true
		}
		t = a.Type
		a.Extend = narrowExtension(t.Kind)
		member, n := hfaOf(t)
		switch {
		case t.Size() == 0:
			a.Passing = abi.Ignored
		case t.Kind.IsFloat() || member != nil:
			if member == nil {
				member, n = t, 1
			}
			if nsrn+n <= a64ArgRegs {
				a.Passing, a.Parts = abi.InRegisters, hfaParts(member, n, abi.V0+abi.Reg(nsrn))
				nsrn += n
				break
			}
			nsrn = a64ArgRegs
			a.Passing = abi.OnStack
			onStack(a, t.Size(), naturalAlign(t))
		case t.Size() > a64RegsMax:
			a.Passing = abi.ByReference
			a.CopyOffset = (p.CopySize + a64CopyAlign - 1) &^ (a64CopyAlign - 1)
			p.CopySize = a.CopyOffset + (t.Size()+a64CopyAlign-1)&^(a64CopyAlign-1)
			p.CopyAlign = max(a64CopyAlign, t.Align())
			if ngrn < a64ArgRegs {
				a.PointerReg = abi.X0 + abi.Reg(ngrn)
				ngrn++
			} else {
				onStack(a, a64Slot, a64Slot)
			}
		default:
			regs := (t.Size() + a64Slot - 1) / a64Slot
			if naturalAlign(t) >= a64QuadAligned {
				ngrn = (ngrn + 1) &^ 1
			}
			if ngrn+regs <= a64ArgRegs {
				a.Passing, a.Parts = abi.InRegisters, gprParts(t.Size(), abi.X0+abi.Reg(ngrn))
				ngrn += regs
				break
			}
			ngrn = a64ArgRegs
			a.Passing = abi.OnStack
			onStack(a, t.Size(), naturalAlign(t))
		}
	}
	p.StackSize = (nsaa + a64StackAlign - 1) &^ (a64StackAlign - 1)
	return p
}

// armPlan parses a signature and classifies it with the stand-in.
func armPlan(t testing.TB, text string) *abi.Plan {
	t.Helper()
	sig, err := abi.ParseSignature(text)
	if err != nil {
		t.Fatal(err)
	}
	return aapcs64Plan(sig)
}

// manyARM64Plans returns a few hundred pseudo-random AAPCS64 plans from the stand-in.
func manyARM64Plans(t testing.TB) []*abi.Plan {
	rng := rand.New(rand.NewPCG(3, 4))
	types := make([]*abi.Type, 0, len(manyTypes)+len(arm64Types))
	for _, s := range append(append([]string(nil), manyTypes...), arm64Types...) {
		types = append(types, mustType(t, s))
	}
	var plans []*abi.Plan
	for range 400 {
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
		plans = append(plans, aapcs64Plan(sig))
	}
	return plans
}

// arm64Types add the shapes AAPCS64 treats specially to manyTypes: HFAs of every size,
// nested and in arrays, and the near misses that are not HFAs.
var arm64Types = []string{
	"struct{float a; float b; float c; float d;}", "struct{double a[4];}",
	"struct{struct{double x; double y;} p; double z;}", "struct{float f[5];}",
	"struct{float f; double d;}", "struct{int64_t i; double d;}",
	"struct{int32_t a; int32_t b; int32_t c; int32_t d;}", "struct{double d;}",
}

// TestAAPCS64PlanStandIn pins the stand-in classifier to the AAPCS64 rules of
// abi/RULES.md, so the emitter's tests rest on the documented convention.
func TestAAPCS64PlanStandIn(t *testing.T) {
	for _, c := range []struct{ sig, want string }{
		{"void (struct{double a[4];})", "v0[0:8] v1[8:16] v2[16:24] v3[24:32]"},
		{"void (struct{float f[5];})", "byref copy+0 ptr x0"},
		{"void (struct{int64_t i; double d;})", "x0[0:8] x1[8:16]"},
		{"void (struct{double d; float f;})", "x0[0:8] x1[8:16]"},
		{"void (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, struct{int64_t a; int64_t b;}, int32_t)",
			"arg 8 int32_t: stack+16"},
		{"struct{int64_t a; int64_t b; int64_t c;} (void)", "indirect x8"},
		{"void (double, double, double, double, double, double, double, struct{float a; float b;}, float)",
			"arg 8 float: stack+8"},
	} {
		got := armPlan(t, c.sig).String()
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: plan lacks %q:\n%s", c.sig, c.want, got)
		}
	}
}

// classifyOrSkip classifies sig under a with package abi's classifier, skipping the test
// while that ABI has none registered.
func classifyOrSkip(t *testing.T, sig *abi.Signature, a abi.ABI) *abi.Plan {
	t.Helper()
	p, err := abi.Classify(sig, a)
	if errors.Is(err, abi.ErrUnsupportedABI) {
		t.Skipf("package abi has no %v classifier yet", a)
	}
	if err != nil {
		t.Fatalf("%v: %v", sig, err)
	}
	return p
}

// TestStandInMatchesClassifier checks that the stand-in gives exactly package abi's
// AAPCS64 plans for the golden and random signatures, so that the goldens show the stubs
// real bindings get.
func TestStandInMatchesClassifier(t *testing.T) {
	plans := manyARM64Plans(t)
	for _, c := range arm64GoldenCases {
		if p := c.plan(t); p.ABI == abi.AAPCS64 {
			plans = append(plans, p)
		}
	}
	for _, p := range plans {
		if real := classifyOrSkip(t, p.Sig, abi.AAPCS64); real.String() != p.String() {
			t.Errorf("stand-in plan differs from package abi's:\n%v\npackage abi:\n%v", p, real)
		}
	}
}

// TestAssembleClassifiedARM64 assembles package abi's AAPCS64 and Apple arm64 plans for
// the random signatures, with and without errno capture, and checks each stub's shape.
func TestAssembleClassifiedARM64(t *testing.T) {
	for _, a := range []abi.ABI{abi.AAPCS64, abi.AppleARM64} {
		t.Run(a.String(), func(t *testing.T) {
			for i, sp := range manyARM64Plans(t) {
				plan := classifyOrSkip(t, sp.Sig, a)
				opts := jit.Options{}
				if i%2 == 1 {
					opts = jit.Options{Errno: jit.ErrnoLocation, ErrnoFunc: errnoLocationAddr}
				}
				code, err := jit.Assemble(plan, opts)
				if err != nil {
					t.Fatalf("%v: %v", plan, err)
				}
				listing, err := jit.Disassemble(code, a)
				if err != nil {
					t.Fatalf("%v: %v", plan, err)
				}
				checkShapeARM64(t, plan, opts, listing)
			}
		})
	}
}

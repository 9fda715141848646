package abi_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/jitffi/jitffi/abi"
)

// The Win64 tests reuse the type shorthands and random types (signature_helpers_test.go),
// the golden-file reader (golden_helpers_test.go) and the C naming
// (oracle_helpers_test.go) the SysV tests introduced; everything Win64-specific is
// prefixed w64. The compiler checks are in win64_gcc_test.go, their probe in
// win64_probe_test.go.

var (
	w64IntRegs   = []abi.Reg{abi.RCX, abi.RDX, abi.R8, abi.R9}
	w64FloatRegs = []abi.Reg{abi.XMM0, abi.XMM1, abi.XMM2, abi.XMM3}
)

func w64Classify(t *testing.T, sig *abi.Signature) *abi.Plan {
	t.Helper()
	p, err := abi.Classify(sig, abi.Win64)
	if err != nil {
		t.Fatalf("Classify %v: %v", sig, err)
	}
	w64CheckInvariants(t, p)
	return p
}

func w64ByValue(size int) bool { return size == 1 || size == 2 || size == 4 || size == 8 }

// w64CheckInvariants asserts what every Win64 plan must satisfy whatever the signature:
// argument i (one more behind a hidden result pointer) uses its slot's register and
// nothing else, or the stack slot its position gives it; copies are aligned, inside the
// copy area and apart; the fixed parts of the plan are Win64's.
func w64CheckInvariants(t *testing.T, p *abi.Plan) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format+"\n%v", append(args, p)...)
	}
	if p.ABI != abi.Win64 || p.ShadowSize != 32 || p.VectorCount != -1 || p.StackAlign != 16 || p.StackSize%16 != 0 {
		fail("not a Win64 frame: abi %v shadow %d al %d stack %d align %d", p.ABI, p.ShadowSize, p.VectorCount, p.StackSize, p.StackAlign)
	}
	if p.CopyAlign < 16 || p.CopyAlign&(p.CopyAlign-1) != 0 {
		fail("copy alignment %d", p.CopyAlign)
	}
	r, sig := p.Result, p.Sig
	rs := sig.Result.Size()
	wantIndirect := sig.Result.Kind != abi.Void && !sig.Result.Kind.IsFloat() && rs != 0 && !w64ByValue(rs)
	if r.Indirect != wantIndirect || (r.Indirect && (r.HiddenReg != abi.RCX || r.ReturnedIn != abi.RAX || len(r.Parts) > 0)) {
		fail("result: indirect %v (want %v) in %v returned in %v", r.Indirect, wantIndirect, r.HiddenReg, r.ReturnedIn)
	}
	if !r.Indirect && rs > 0 && sig.Result.Kind != abi.Void {
		want := abi.RAX
		if sig.Result.Kind.IsFloat() {
			want = abi.XMM0
		}
		if len(r.Parts) != 1 || r.Parts[0] != (abi.Part{Size: rs, Reg: want}) {
			fail("result parts %v, want all %d bytes in %v", r.Parts, rs, want)
		}
	}
	slot := 0
	if r.Indirect {
		slot = 1
	}
	var copies [][2]int
	stackEnd := 0
	for i, a := range p.Args {
		who := fmt.Sprintf("arg %d (slot %d)", i, slot)
		size := a.Type.Size()
		variadic := sig.IsVariadic() && i >= sig.Fixed
		if a.Promoted != (variadic && sig.Params[i].Kind == abi.Float32) {
			fail("%s: promoted %v", who, a.Promoted)
		}
		if (a.Passing == abi.ByReference) == w64ByValue(size) {
			fail("%s: %d bytes passed %v", who, size, a.Passing)
		}
		if slot < 4 {
			switch a.Passing {
			case abi.InRegisters:
				reg := w64IntRegs[slot]
				var dup abi.Reg
				if a.Type.Kind.IsFloat() {
					reg = w64FloatRegs[slot]
					if sig.IsVariadic() {
						dup = w64IntRegs[slot]
					}
				}
				if len(a.Parts) != 1 || a.Parts[0] != (abi.Part{Size: size, Reg: reg, Dup: dup}) {
					fail("%s: parts %v, want all %d bytes in %v dup %v", who, a.Parts, size, reg, dup)
				}
			case abi.ByReference:
				if a.PointerReg != w64IntRegs[slot] {
					fail("%s: pointer in %v", who, a.PointerReg)
				}
			default:
				fail("%s: passed %v with its slot's registers free", who, a.Passing)
			}
		} else {
			off := 8 * (slot - 4)
			switch {
			case a.Passing != abi.OnStack && a.Passing != abi.ByReference,
				a.Passing == abi.ByReference && a.PointerReg != abi.NoReg,
				a.StackOffset != off || a.StackSize != 8:
				fail("%s: want an 8-byte stack slot at stack+%d", who, off)
			}
			stackEnd = off + 8
		}
		if a.Passing == abi.ByReference {
			align := max(16, a.Type.Align())
			end := a.CopyOffset + max(size, 1)
			if a.CopyOffset%align != 0 || end > p.CopySize || p.CopyAlign < align {
				fail("%s: copy at %d (%d bytes, align %d) outside a %d-byte area aligned %d", who, a.CopyOffset, size, align, p.CopySize, p.CopyAlign)
			}
			for _, c := range copies {
				if a.CopyOffset < c[1] && c[0] < end {
					fail("%s: copy overlaps another", who)
				}
			}
			copies = append(copies, [2]int{a.CopyOffset, end})
		}
		if k := a.Type.Kind; k.IsInteger() && a.Type.Size() < 4 && a.Extend == abi.NoExtension {
			fail("%s: narrow %v not extended", who, k)
		}
		slot++
	}
	if p.StackSize != (stackEnd+15)&^15 {
		fail("stack %d for slots ending at %d", p.StackSize, stackEnd)
	}
}

// TestWin64Args checks where arguments go, one Win64 rule of abi/RULES.md per row.
func TestWin64Args(t *testing.T) {
	s16 := st(tI64, tI64)
	four := []*abi.Type{tI64, tI64, tI64, tI64}
	const stk = abi.NoReg // want: on the stack (or the pointer on the stack) at off
	for _, c := range []struct {
		name string
		sig  *abi.Signature
		arg  int
		want abi.Reg
		off  int
	}{
		{"rule 1: slot 1 double", fn(tVoid, tI64, tF64, tI64, tF64, s16), 1, abi.XMM1, 0},
		{"rule 1: slot 2 integer", fn(tVoid, tI64, tF64, tI64, tF64, s16), 2, abi.R8, 0},
		{"rule 1: slot 3 double", fn(tVoid, tI64, tF64, tI64, tF64, s16), 3, abi.XMM3, 0},
		{"rule 1: fifth on the stack", fn(tVoid, tI64, tF64, tI64, tF64, s16), 4, stk, 0},
		{"rule 1: int after three floats", fn(tVoid, tF32, tF32, tF32, tI32), 3, abi.R9, 0},
		{"rule 2: sixth at stack+8", fn(tVoid, append(four, tI32, tF64)...), 5, stk, 8},
		{"rule 3: {float} by value", fn(tVoid, st(tF32)), 0, abi.RCX, 0},
		{"rule 3: {double} by value", fn(tVoid, tF64, st(tF64)), 1, abi.RDX, 0},
		{"rule 3: {float x3} by reference", fn(tVoid, st(tF32, tF32, tF32)), 0, abi.RCX, 0},
		{"rule 3: 3 bytes by reference on the stack", fn(tVoid, append(four, st(tI8, tI8, tI8))...), 4, stk, 0},
		{"rule 4: hidden pointer shifts", fn(s16, tI32, tF64), 1, abi.XMM2, 0},
		{"rule 4: hidden pointer pushes to the stack", fn(s16, tI32, tF64, tI32, tF64), 3, stk, 0},
		{"rule 5: variadic double", variadic(1, tVoid, tPtr, tF64), 1, abi.XMM1, 0},
		{"empty struct takes its slot", fn(tVoid, st(), tI32), 1, abi.RDX, 0},
	} {
		p := w64Classify(t, c.sig)
		a := p.Args[c.arg]
		var got abi.Reg
		switch a.Passing {
		case abi.InRegisters:
			got = a.Parts[0].Reg
		case abi.ByReference:
			got = a.PointerReg
		}
		if got != c.want || (got == stk && a.StackOffset != c.off) {
			t.Errorf("%s: arg %d not in %v (stack+%d)\n%v", c.name, c.arg, c.want, c.off, p)
		}
	}
}

func TestWin64Results(t *testing.T) {
	for _, c := range []struct {
		name     string
		result   *abi.Type
		want     abi.Reg
		indirect bool
	}{
		{"void", tVoid, abi.NoReg, false},
		{"int", tI32, abi.RAX, false},
		{"pointer", tPtr, abi.RAX, false},
		{"float", tF32, abi.XMM0, false},
		{"double", tF64, abi.XMM0, false},
		{"{float} in eax", st(tF32), abi.RAX, false},
		{"{double} in rax", st(tF64), abi.RAX, false},
		{"{char x3} through rcx", st(tI8, tI8, tI8), abi.NoReg, true},
		{"{long, long} through rcx", st(tI64, tI64), abi.NoReg, true},
		{"empty struct in nothing", st(), abi.NoReg, false},
	} {
		p := w64Classify(t, fn(c.result))
		var got abi.Reg
		if len(p.Result.Parts) == 1 {
			got = p.Result.Parts[0].Reg
		}
		if got != c.want || p.Result.Indirect != c.indirect {
			t.Errorf("%s: result not in %v (indirect %v)\n%v", c.name, c.want, c.indirect, p)
		}
	}
	if p := w64Classify(t, fn(tI8)); p.Result.Extend != abi.SignExtend32 {
		t.Errorf("int8 result: extension %v, want sign", p.Result.Extend)
	}
	if p := w64Classify(t, fn(tBool)); p.Result.Extend != abi.ZeroExtend32 {
		t.Errorf("bool result: extension %v, want zero", p.Result.Extend)
	}
}

// TestWin64Copies checks the copy area: one 16-aligned copy per by-reference argument, an
// over-aligned type's copy at its own alignment, and 16 bytes even for an empty struct.
func TestWin64Copies(t *testing.T) {
	a32 := abi.AlignedStructOf(32, false, fld(tI64))
	p := w64Classify(t, fn(tVoid, st(tI8, tI8, tI8), st(), a32, st(tI64, tI64, tI64)))
	for i, want := range []int{0, 16, 32, 64} {
		if got := p.Args[i].CopyOffset; got != want {
			t.Errorf("arg %d copy+%d, want copy+%d\n%v", i, got, want, p)
		}
	}
	if p.CopySize != 96 || p.CopyAlign != 32 {
		t.Errorf("copy %d align %d, want 96 align 32", p.CopySize, p.CopyAlign)
	}
}

func TestWin64Malformed(t *testing.T) {
	voidMember := &abi.Type{Kind: abi.Struct, Fields: []abi.Field{{Name: "v", Type: tVoid}}}
	for name, sig := range map[string]*abi.Signature{
		"no result":      {Params: []*abi.Type{tI32}, Fixed: -1},
		"void param":     fn(tVoid, tVoid),
		"array result":   fn(abi.ArrayOf(tI32, 2)),
		"void member":    fn(tVoid, voidMember),
		"literal scalar": fn(tVoid, st(&abi.Type{Kind: abi.Int32})),
	} {
		if p, err := abi.Classify(sig, abi.Win64); err == nil {
			t.Errorf("%s: no error, plan\n%v", name, p)
		}
	}
}

// TestWin64RandomInvariants classifies random signatures without a compiler, so that
// every run checks the invariants on shapes no table or golden file names.
func TestWin64RandomInvariants(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		w64Classify(t, randomSignature(r))
	}
}

// TestWin64Golden compares plans with testdata/win64/*.txt, read under the LLP64 data
// model; -update rewrites the expected text, and -gcc also checks every golden signature
// against gcc's ms_abi callers (and clang's, if installed).
func TestWin64Golden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "win64", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	var sigs []*abi.Signature
	for _, path := range files {
		got := map[int]string{}
		for _, c := range readGolden(t, path) {
			where := fmt.Sprintf("%s:%d (%s)", path, c.line, c.name)
			sig, err := abi.ParseSignatureModel(c.call, abi.LLP64)
			if err != nil {
				t.Errorf("%s: %v", where, err)
				continue
			}
			p := w64Classify(t, sig)
			sigs = append(sigs, sig)
			got[c.line] = p.String()
			if !boolFlag("update") && got[c.line] != c.want {
				t.Errorf("%s: plan\n%s\nwant\n%s", where, got[c.line], c.want)
			}
		}
		if boolFlag("update") {
			rewriteGolden(t, path, got)
		}
	}
	t.Run("oracles", func(t *testing.T) { w64CheckAgainstCompilers(t, sigs) })
}

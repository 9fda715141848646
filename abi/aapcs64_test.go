package abi_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/jitffi/jitffi/abi"
)

// The AAPCS64 tests reuse the type shorthands and random types
// (signature_helpers_test.go), the golden-file reader (golden_helpers_test.go) and the C
// naming (oracle_helpers_test.go) the SysV tests introduced; everything AAPCS64-specific
// is prefixed a64, and what apple_test.go shares with this file too. The gcc check is in
// aapcs64_gcc_test.go, its probe in aapcs64_probe_test.go.

func a64Classify(t *testing.T, sig *abi.Signature, a abi.ABI) *abi.Plan {
	t.Helper()
	p, err := abi.Classify(sig, a)
	if err != nil {
		t.Fatalf("Classify %v: %v", sig, err)
	}
	a64CheckInvariants(t, p)
	return p
}

// a64IsX and a64IsV report whether r is an argument register of each bank.
func a64IsX(r abi.Reg) bool { return r >= abi.X0 && r <= abi.X7 }
func a64IsV(r abi.Reg) bool { return r >= abi.V0 && r <= abi.V7 }

// a64CheckInvariants asserts what every AAPCS64 or Apple plan must satisfy whatever the
// rules say, so that a golden case still catches a register handed out twice, a part that
// misses a byte of its value, or overlapping stack slots and copies.
func a64CheckInvariants(t *testing.T, p *abi.Plan) {
	t.Helper()
	apple := p.ABI == abi.AppleARM64
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format+"\n%v", append(args, p)...)
	}
	used := map[abi.Reg]string{}
	use := func(r abi.Reg, who string) {
		t.Helper()
		if prev, ok := used[r]; ok {
			fail("%v used by %s and %s", r, prev, who)
		}
		used[r] = who
	}
	if r := p.Result; r.Indirect {
		if r.HiddenReg != abi.X8 || r.ReturnedIn != abi.NoReg || len(r.Parts) != 0 {
			fail("an indirect result travels in x8 and is not handed back")
		}
	} else {
		a64CheckParts(t, p, r.Parts, r.Type, "the result", abi.X1, abi.V3)
	}
	var slots, copies [][2]int
	overlaps := func(list [][2]int, lo, hi int) bool {
		for _, s := range list {
			if lo < s[1] && s[0] < hi {
				return true
			}
		}
		return false
	}
	for i, a := range p.Args {
		who := fmt.Sprintf("arg %d", i)
		switch a.Passing {
		case abi.InRegisters:
			a64CheckParts(t, p, a.Parts, a.Type, who, abi.X7, abi.V7)
			for _, pt := range a.Parts {
				use(pt.Reg, who)
			}
		case abi.OnStack:
			size := a.Type.Size()
			if !apple {
				size = max(8, (size+7)&^7)
			}
			if a.StackSize < size || a.StackOffset < 0 || (!apple && a.StackOffset%8 != 0) {
				fail("%s: stack+%d size %d for a %d-byte value", who, a.StackOffset, a.StackSize, a.Type.Size())
			}
		case abi.ByReference:
			if a.Type.Size() <= 16 || a.CopyOffset%16 != 0 || overlaps(copies, a.CopyOffset, a.CopyOffset+a.Type.Size()) ||
				a.CopyOffset+a.Type.Size() > p.CopySize {
				fail("%s: bad copy at copy+%d", who, a.CopyOffset)
			}
			copies = append(copies, [2]int{a.CopyOffset, a.CopyOffset + a.Type.Size()})
			if a.PointerReg != abi.NoReg {
				if !a64IsX(a.PointerReg) {
					fail("%s: pointer in %v", who, a.PointerReg)
				}
				use(a.PointerReg, who)
			} else if a.StackSize != 8 || a.StackOffset%8 != 0 {
				fail("%s: pointer slot stack+%d size %d", who, a.StackOffset, a.StackSize)
			}
		case abi.Ignored:
			if a.Type.Size() != 0 {
				fail("%s: a %d-byte value ignored", who, a.Type.Size())
			}
		}
		if a.Passing == abi.OnStack || (a.Passing == abi.ByReference && a.PointerReg == abi.NoReg) {
			if overlaps(slots, a.StackOffset, a.StackOffset+a.StackSize) || a.StackOffset+a.StackSize > p.StackSize {
				fail("%s: stack+%d size %d overlaps another or leaves the area", who, a.StackOffset, a.StackSize)
			}
			slots = append(slots, [2]int{a.StackOffset, a.StackOffset + a.StackSize})
		}
		if k := a.Type.Kind; a.Extend != abi.NoExtension && (!k.IsInteger() || a.Type.Size() >= 4) {
			fail("%s: a %v is not a narrow integer to extend", who, k)
		}
	}
	if p.StackAlign != 16 || p.StackSize%16 != 0 || p.ShadowSize != 0 || p.VectorCount != -1 ||
		p.CopyAlign < 16 || p.CopySize%p.CopyAlign != 0 {
		fail("stack %d align %d, shadow %d, copy %d align %d, al %d", p.StackSize, p.StackAlign,
			p.ShadowSize, p.CopySize, p.CopyAlign, p.VectorCount)
	}
}

// a64CheckParts asserts that parts tile a value of type t exactly, without overlap, each
// in a register no higher than lastX or lastV, and that an HFA's parts (v registers) are
// members of one size in consecutive registers.
func a64CheckParts(t *testing.T, p *abi.Plan, parts []abi.Part, ty *abi.Type, who string, lastX, lastV abi.Reg) {
	t.Helper()
	next := 0
	for i, pt := range parts {
		ok := pt.Offset == next && pt.Size > 0 && pt.Dup == abi.NoReg
		switch {
		case pt.Reg >= abi.X0 && pt.Reg <= lastX:
			ok = ok && pt.Size <= 8 && (i == 0 || parts[i-1].Reg+1 == pt.Reg)
		case pt.Reg >= abi.V0 && pt.Reg <= lastV:
			ok = ok && (pt.Size == 4 || pt.Size == 8) && pt.Size == parts[0].Size && (i == 0 || parts[i-1].Reg+1 == pt.Reg)
		default:
			ok = false
		}
		if !ok {
			t.Errorf("%s: bad part %d %+v\n%v", who, i, pt, p)
		}
		next = pt.Offset + pt.Size
	}
	if len(parts) > 0 && next != ty.Size() {
		t.Errorf("%s: parts cover %d of %d bytes\n%v", who, next, ty.Size(), p)
	}
}

func TestHostIsAAPCS64(t *testing.T) {
	if runtime.GOARCH != "arm64" {
		t.Skip("not an arm64 host")
	}
	want := map[string]abi.ABI{"linux": abi.AAPCS64, "darwin": abi.AppleARM64, "ios": abi.AppleARM64}[runtime.GOOS]
	if want != 0 && abi.Host != want {
		t.Fatalf("Host = %v on %s/%s, want %v", abi.Host, runtime.GOOS, runtime.GOARCH, want)
	}
}

func TestAAPCS64Malformed(t *testing.T) {
	for name, sig := range map[string]*abi.Signature{
		"no result":      {Params: []*abi.Type{tI32}, Fixed: -1},
		"void param":     fn(tVoid, tVoid),
		"array param":    fn(tVoid, abi.ArrayOf(tI32, 2)),
		"literal scalar": fn(tVoid, st(&abi.Type{Kind: abi.Float32})),
		"literal struct": fn(&abi.Type{Kind: abi.Struct}),
	} {
		for _, a := range []abi.ABI{abi.AAPCS64, abi.AppleARM64} {
			if p, err := abi.Classify(sig, a); err == nil {
				t.Errorf("%v %s: no error, plan\n%v", a, name, p)
			}
		}
	}
}

// TestAAPCS64PartSizes checks the byte ranges a stub copies: the last word of a 12-byte
// struct covers only its tail, and each HFA member is its own 4- or 8-byte part.
func TestAAPCS64PartSizes(t *testing.T) {
	for _, a := range []abi.ABI{abi.AAPCS64, abi.AppleARM64} {
		p := a64Classify(t, fn(st(tF32, tF32, tF32), st(tI32, tI32, tI32), st(tI8, tI8, tI8), st(tF64, tF64)), a)
		want := [][]abi.Part{
			{{Offset: 0, Size: 8, Reg: abi.X0}, {Offset: 8, Size: 4, Reg: abi.X1}},
			{{Offset: 0, Size: 3, Reg: abi.X2}},
			{{Offset: 0, Size: 8, Reg: abi.V0}, {Offset: 8, Size: 8, Reg: abi.V1}},
		}
		for i, w := range want {
			if fmt.Sprint(p.Args[i].Parts) != fmt.Sprint(w) {
				t.Errorf("%v arg %d parts %v, want %v", a, i, p.Args[i].Parts, w)
			}
		}
		w := []abi.Part{{Offset: 0, Size: 4, Reg: abi.V0}, {Offset: 4, Size: 4, Reg: abi.V1}, {Offset: 8, Size: 4, Reg: abi.V2}}
		if fmt.Sprint(p.Result.Parts) != fmt.Sprint(w) {
			t.Errorf("%v result parts %v, want %v", a, p.Result.Parts, w)
		}
	}
}

// TestAAPCS64RandomInvariants classifies random signatures without a compiler, so that
// every run checks the invariants on shapes nobody wrote a golden case for.
func TestAAPCS64RandomInvariants(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		sig := randomSignature(r)
		for _, a := range []abi.ABI{abi.AAPCS64, abi.AppleARM64} {
			if p := a64Classify(t, sig, a); p.String() == "" {
				t.Fatal("empty plan text")
			}
		}
	}
}

// a64Golden compares plans with testdata/<dir>/*.txt, read under the given data model,
// rewriting the expected text under -update, and returns the signatures for a compiler check.
func a64Golden(t *testing.T, a abi.ABI, dir string, model abi.DataModel) []*abi.Signature {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	var sigs []*abi.Signature
	for _, path := range files {
		got := map[int]string{}
		for _, c := range readGolden(t, path) {
			where := fmt.Sprintf("%s:%d (%s)", path, c.line, c.name)
			sig, err := abi.ParseSignatureModel(c.call, model)
			if err != nil {
				t.Errorf("%s: %v", where, err)
				continue
			}
			p := a64Classify(t, sig, a)
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
	return sigs
}

// TestAAPCS64Golden compares plans with testdata/aapcs64/*.txt, read under Linux arm64's
// data model (plain char unsigned); -update rewrites the expected text, and -gcc also runs
// every golden signature through gcc-compiled callers under qemu.
func TestAAPCS64Golden(t *testing.T) {
	sigs := a64Golden(t, abi.AAPCS64, "aapcs64", abi.LP64UnsignedChar)
	t.Run("gcc", func(t *testing.T) { a64CheckAgainstGCC(t, sigs) })
}

package abi_test

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
)

// The Win64 tests reuse the SysV tests' type shorthands, golden-file reader, random
// types and C naming (sysv_test.go); everything Win64-specific is prefixed w64.

var (
	w64Random = flag.Int("win64.random", 600, "number of random signatures the -gcc check of Win64 adds")
	w64Seed   = flag.Uint64("win64.seed", 1, "seed of the random signatures of the -gcc check of Win64")
)

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

// TestWin64AgainstGCC runs the table signatures and random ones through gcc's ms_abi
// callers (and clang's, if installed) and compares.
func TestWin64AgainstGCC(t *testing.T) {
	sigs := w64TableSignatures()
	r := rand.New(rand.NewPCG(*w64Seed, 3))
	for range *w64Random {
		sigs = append(sigs, randomSignature(r))
	}
	w64CheckAgainstCompilers(t, sigs)
}

func w64TableSignatures() []*abi.Signature {
	s16 := st(tI64, tI64)
	four := []*abi.Type{tI64, tI64, tI64, tI64}
	return []*abi.Signature{
		fn(tVoid, tI64, tF64, tI64, tF64, s16),
		fn(tVoid, tF32, tF32, tF32, tI32),
		fn(tVoid, append(four, tI32, tF64)...),
		fn(tVoid, st(tF32), tF64, st(tF64), st(tF32, tF32, tF32)),
		fn(tVoid, append(four, st(tI8, tI8, tI8), tF32, st(tF32), tBool, tI8)...),
		fn(s16, tI32, tF64, tI32, tF64),
		variadic(1, tVoid, tPtr, tF64, tF32, tI8, tF64, tF64, tF32),
		variadic(2, s16, tF64, tF32, tF64, st(tF32, tF32), s16),
		fn(tVoid, st(), tI32, st(), tF64, st()),
		fn(st(), tF64), fn(st(tF32)), fn(st(tF64)), fn(st(tF32, tF32, tF32)), fn(tI8), fn(tBool),
		fn(tVoid, abi.AlignedStructOf(32, false, fld(tI64)), abi.AlignedStructOf(16, false, fld(tI8))),
	}
}

// A w64Oracle is a C compiler whose ms_abi callers the plans are checked against, with
// the ways its callers may differ from the plan and still be right.
type w64Oracle struct {
	cc string
	// dupNamed: the compiler duplicates named floats of a variadic call too, as the
	// plan does (clang, like MSVC-compatible LLVM); gcc duplicates only variadic ones.
	dupNamed bool
	// extends: the compiler extends narrow integer arguments to 32 bits, as the plan
	// does; clang leaves the upper bits unspecified, as Microsoft allows.
	extends bool
	// emptyResultIndirect: the compiler passes a hidden pointer for a GNU C empty
	// struct result (clang); gcc, the plan's oracle, passes none.
	emptyResultIndirect bool
}

// w64Oracles are gcc, the oracle the plans follow, and clang, a second opinion whose
// known differences are listed in w64Oracle.
var w64Oracles = []w64Oracle{
	{cc: "gcc", extends: true},
	{cc: "clang", dupNamed: true, emptyResultIndirect: true},
}

// w64CheckAgainstCompilers runs w64CheckAgainst for each oracle installed; gcc must be.
func w64CheckAgainstCompilers(t *testing.T, sigs []*abi.Signature) {
	t.Helper()
	if !boolFlag("gcc") {
		t.Skip("run with -gcc to check against gcc")
	}
	if runtime.GOARCH != "amd64" || runtime.GOOS == "windows" {
		t.Skip("the gcc check runs the probe under ms_abi, so it needs a SysV amd64 host")
	}
	for _, o := range w64Oracles {
		t.Run(o.cc, func(t *testing.T) {
			if _, err := exec.LookPath(o.cc); err != nil {
				if o.cc == "gcc" {
					t.Fatal("no gcc")
				}
				t.Skipf("no %s", o.cc)
			}
			w64CheckAgainst(t, o, sigs)
		})
	}
}

// w64CheckAgainst compiles, for every signature, a caller that calls an ms_abi
// assembly probe through a pointer of that function type. The probe records rcx, rdx, r8,
// r9, xmm0-xmm3 and the stack above its return address, and copies the memory behind the
// pointers the plan says are by-reference arguments (while the caller's copies still
// exist). Each argument's bytes must be where the plan says, and the result must be read
// from where the plan says: the probe stands in for the callee, so what is checked is
// exactly what the compiler's ms_abi callers do.
func w64CheckAgainst(t *testing.T, o w64Oracle, sigs []*abi.Signature) {
	t.Helper()
	var cases []*w64Case
	for _, sig := range sigs {
		p, err := abi.Classify(sig, abi.Win64)
		if err != nil {
			t.Errorf("Classify: %v", err)
			continue
		}
		if r := sig.Result; o.emptyResultIndirect && r.Kind != abi.Void && r.Size() == 0 {
			continue // the hidden pointer shifts every argument: a known disagreement
		}
		c := &w64Case{sig: sig, plan: p}
		if p.StackSize > w64StackDump-w64Shadow || sig.Result.Size() > probeSpan || c.derefSize() > w64DerefMax {
			continue
		}
		cases = append(cases, c)
	}
	dir := t.TempDir()
	cfile, exe := filepath.Join(dir, "probe.c"), filepath.Join(dir, "probe")
	if err := os.WriteFile(cfile, []byte(w64Source(cases)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(o.cc, "-O1", "-std=gnu11", "-w", "-o", exe, cfile).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", o.cc, err, out)
	}
	out, err := exec.Command(exe).Output()
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	obs := w64ParseOutput(t, string(out))
	if len(obs) != len(cases) {
		t.Fatalf("probe reported %d cases of %d", len(obs), len(cases))
	}
	for k, c := range cases {
		if msg := c.check(o, obs[k]); msg != "" {
			t.Errorf("%s disagrees: %s\n%v%s", o.cc, msg, c.plan, cDecls(c.sig))
		}
	}
	t.Logf("%d signatures checked against %s's ms_abi callers", len(cases), o.cc)
}

const (
	w64Shadow    = 32
	w64StackDump = 1024    // bytes of the stack above the probe's return address it saves
	w64DerefMax  = 1 << 16 // bytes of by-reference copies it saves per call
	w64RegsSize  = 4*8 + 4*16 + 8
	w64FrameSpan = 1 << 16 // by-reference pointers must point this close above the probe's frame
)

type w64Case struct {
	sig  *abi.Signature
	plan *abi.Plan
	args [][]byte // the bytes the caller passes
}

// derefSize is the number of bytes the probe copies from behind by-reference pointers.
func (c *w64Case) derefSize() int {
	n := 0
	for _, a := range c.plan.Args {
		if a.Passing == abi.ByReference {
			n += a.Type.Size()
		}
	}
	return n
}

// w64Obs is what the probe saw for one case.
type w64Obs struct {
	regs  []byte // rcx rdx r8 r9, xmm0-xmm3 (16 bytes each), rsp at entry
	stack []byte // from the return address up: shadow space, then stack arguments
	deref []byte // the by-reference copies, in argument order
	// retIndirect says whether the result probe got a hidden pointer, and retArg what
	// rdx held then (its only argument, shifted from rcx).
	retIndirect bool
	retArg      uint64
	ret         []byte
}

// pointerSlot returns the offset, in the probe's saved registers followed by its stack
// dump, of the word holding by-reference argument a's pointer.
func w64PointerSlot(a abi.ArgPlan) int {
	if a.PointerReg != abi.NoReg {
		return w64RegOffset(a.PointerReg)
	}
	return w64RegsSize + w64Shadow + a.StackOffset
}

func w64RegOffset(r abi.Reg) int {
	for i, g := range w64IntRegs {
		if r == g {
			return 8 * i
		}
	}
	return 32 + 16*int(r-abi.XMM0)
}

func (o *w64Obs) reg(r abi.Reg) []byte {
	off := w64RegOffset(r)
	if r.IsFloat() {
		return o.regs[off : off+16]
	}
	return o.regs[off : off+8]
}

// check compares the plan with what the oracle's caller did and returns a description of
// the first difference, or "".
func (c *w64Case) check(oracle w64Oracle, o w64Obs) string {
	if o.regs == nil {
		return "the probe reported nothing"
	}
	p := c.plan
	entry := leUint(o.regs[w64RegsSize-8:])
	deref := 0
	for i, a := range p.Args {
		want := c.args[i]
		if a.Promoted {
			want = make([]byte, 8)
			putLE(want, math.Float64bits(float64(math.Float32frombits(uint32(leUint(c.args[i]))))))
		}
		mask := meaningful(a.Type)
		var where []byte // the bytes at the argument's location, laid out as the value
		switch a.Passing {
		case abi.InRegisters:
			part := a.Parts[0]
			where = o.reg(part.Reg)[:part.Size]
			// gcc duplicates only the variadic arguments of a prototyped call, and
			// nothing in an unprototyped one (Fixed 0); clang duplicates named floats
			// of a variadic call too, as the plan does.
			if part.Dup != abi.NoReg && p.Sig.Fixed > 0 && (i >= p.Sig.Fixed || oracle.dupNamed) {
				if got := o.reg(part.Dup); string(got[:part.Size]) != string(where) {
					return fmt.Sprintf("arg %d: %x duplicated into %v as %x, plan says the same bits", i, where, part.Dup, got)
				}
			}
		case abi.OnStack:
			off := w64Shadow + a.StackOffset
			where = o.stack[off : off+len(want)]
		case abi.ByReference:
			slot := w64PointerSlot(a)
			all := append(append([]byte(nil), o.regs...), o.stack...)
			ptr := leUint(all[slot : slot+8])
			if ptr < entry+8 || ptr >= entry+8+w64FrameSpan {
				return fmt.Sprintf("arg %d: plan's pointer location holds %#x, not an address in the caller's frame (rsp %#x)", i, ptr, entry)
			}
			where = o.deref[deref : deref+len(want)]
			deref += len(want)
		default:
			return fmt.Sprintf("arg %d: passing %v is not Win64", i, a.Passing)
		}
		for j := range want {
			if mask[j] && where[j] != want[j] {
				return fmt.Sprintf("arg %d byte %d: caller passed %x, plan location holds %x", i, j, want, where)
			}
		}
		if !oracle.extends {
			continue
		}
		if k := a.Type.Kind; k.IsInteger() && a.Type.Size() < 4 && a.Extend == abi.NoExtension {
			return fmt.Sprintf("arg %d: caller extends a %v to 32 bits, plan does not", i, k)
		}
		if a.Extend != abi.NoExtension {
			var at []byte
			if a.Passing == abi.InRegisters {
				at = o.reg(a.Parts[0].Reg)[:4]
			} else {
				off := w64Shadow + a.StackOffset
				at = o.stack[off : off+4]
			}
			v := leUint(want)
			if a.Extend == abi.SignExtend32 {
				v = uint64(int64(v<<(64-8*len(want))) >> (64 - 8*len(want)))
			}
			ext := make([]byte, 4)
			putLE(ext, v)
			if string(at) != string(ext) {
				return fmt.Sprintf("arg %d: caller extended %x to %x, plan says %v", i, want, at, a.Extend)
			}
		}
	}
	r := p.Result
	if r.Type.Kind == abi.Void {
		return ""
	}
	if o.retIndirect != r.Indirect {
		return fmt.Sprintf("caller passes a hidden result pointer: %v, plan: %v", o.retIndirect, r.Indirect)
	}
	if r.Indirect && o.retArg != 0x1234 {
		return fmt.Sprintf("with a hidden pointer in rcx the first argument should be in rdx, which holds %#x", o.retArg)
	}
	mask := meaningful(r.Type)
	want := make([]byte, len(o.ret))
	covered := make([]bool, len(o.ret))
	if r.Indirect {
		copy(want, retPattern(abi.NoReg))
		for j := range covered {
			covered[j] = true
		}
	}
	for _, pt := range r.Parts {
		copy(want[pt.Offset:pt.Offset+pt.Size], retPattern(pt.Reg))
		for j := pt.Offset; j < pt.Offset+pt.Size; j++ {
			covered[j] = true
		}
	}
	for j := range want {
		if mask[j] && (!covered[j] || want[j] != o.ret[j]) {
			return fmt.Sprintf("result byte %d: caller read %x, plan's registers give %x", j, o.ret, want)
		}
	}
	return ""
}

func w64ParseOutput(t *testing.T, out string) []w64Obs {
	unhex := func(s string) []byte {
		b := make([]byte, len(s)/2)
		for i := range b {
			v, err := strconv.ParseUint(s[2*i:2*i+2], 16, 8)
			if err != nil {
				t.Fatalf("probe output %q: %v", s, err)
			}
			b[i] = byte(v)
		}
		return b
	}
	var obs []w64Obs
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if f[0] == "case" {
			obs = append(obs, w64Obs{})
			continue
		}
		o := &obs[len(obs)-1]
		switch f[0] {
		case "regs":
			o.regs = unhex(f[1])
		case "stack":
			o.stack = unhex(f[1])
		case "deref":
			if len(f) > 1 {
				o.deref = unhex(f[1])
			}
		case "ret":
			o.retIndirect = f[1] == "1"
			v, err := strconv.ParseUint(f[2], 16, 64)
			if err != nil {
				t.Fatalf("probe output %q: %v", line, err)
			}
			o.retArg = v
			if len(f) > 3 {
				o.ret = unhex(f[3])
			}
		}
	}
	return obs
}

// w64ProbeAsm is the ms_abi probe. w64_probe_args saves the argument registers, rsp and
// the stack above its return address, then, for each (offset, size) pair in w64_chase,
// reads a pointer at that offset of what it saved and copies size bytes from it into
// w64_deref, if it points into the caller's frame (otherwise it skips them, and the Go
// side reports the bad pointer). w64_probe_ret is called with one argument, 0x1234: if
// rcx holds something else it is a hidden result pointer, filled from w64_ret_mem and
// returned in rax; otherwise rax and xmm0 get recognisable patterns. Both preserve what
// Win64 callees must (rsi, rdi, xmm6-xmm15 among them).
const w64ProbeAsm = `
__asm__(
".data\n"
".globl w64_saved\n"
"w64_saved: .zero REGSSIZE+STACKDUMP\n"
".globl w64_chase_n\n"
"w64_chase_n: .quad 0\n"
".globl w64_chase\n"
"w64_chase: .zero 16*64\n"
".globl w64_deref\n"
"w64_deref: .zero DEREFMAX\n"
".globl w64_ret_indirect\n"
"w64_ret_indirect: .quad 0\n"
".globl w64_ret_arg\n"
"w64_ret_arg: .quad 0\n"
".globl w64_ret_size\n"
"w64_ret_size: .quad 0\n"
"w64_ret_mem: RETMEM\n"
"w64_ret_rax: .byte 0x10,0x11,0x12,0x13,0x14,0x15,0x16,0x17\n"
"w64_ret_xmm0: .byte 0x30,0x31,0x32,0x33,0x34,0x35,0x36,0x37,0x38,0x39,0x3a,0x3b,0x3c,0x3d,0x3e,0x3f\n"
".text\n"
".globl w64_probe_args\n"
"w64_probe_args:\n"
"  movq %rcx, w64_saved+0(%rip)\n"
"  movq %rdx, w64_saved+8(%rip)\n"
"  movq %r8, w64_saved+16(%rip)\n"
"  movq %r9, w64_saved+24(%rip)\n"
"  movdqu %xmm0, w64_saved+32(%rip)\n"
"  movdqu %xmm1, w64_saved+48(%rip)\n"
"  movdqu %xmm2, w64_saved+64(%rip)\n"
"  movdqu %xmm3, w64_saved+80(%rip)\n"
"  movq %rsp, w64_saved+96(%rip)\n"
"  pushq %rsi\n"
"  pushq %rdi\n"
"  leaq 24(%rsp), %rsi\n" /* the entry rsp + 8: just above the return address */
"  leaq w64_saved+REGSSIZE(%rip), %rdi\n"
"  movl $STACKDUMP, %ecx\n"
"  rep movsb\n"
"  leaq w64_chase(%rip), %r10\n"
"  leaq w64_deref(%rip), %rdi\n"
"  movq w64_chase_n(%rip), %r11\n"
"1:\n"
"  testq %r11, %r11\n"
"  jz 3f\n"
"  movq (%r10), %rax\n"
"  leaq w64_saved(%rip), %rsi\n"
"  movq (%rsi,%rax), %rsi\n"
"  movq 8(%r10), %rcx\n"
"  leaq 24(%rsp), %rax\n"
"  cmpq %rax, %rsi\n"
"  jb 2f\n"
"  addq $FRAMESPAN, %rax\n"
"  cmpq %rax, %rsi\n"
"  jae 2f\n"
"  rep movsb\n"
"  jmp 4f\n"
"2:\n"
"  addq %rcx, %rdi\n"
"4:\n"
"  addq $16, %r10\n"
"  decq %r11\n"
"  jmp 1b\n"
"3:\n"
"  popq %rdi\n"
"  popq %rsi\n"
"  movq w64_saved+0(%rip), %rax\n"
"  ret\n"
".globl w64_probe_ret\n"
"w64_probe_ret:\n"
"  movq %rdx, w64_ret_arg(%rip)\n"
"  movq $0, w64_ret_indirect(%rip)\n"
"  cmpq $0x1234, %rcx\n"
"  je 1f\n"
"  movq $1, w64_ret_indirect(%rip)\n"
"  pushq %rsi\n"
"  pushq %rdi\n"
"  movq %rcx, %rdi\n"
"  movq %rcx, %rax\n"
"  leaq w64_ret_mem(%rip), %rsi\n"
"  movq w64_ret_size(%rip), %rcx\n"
"  rep movsb\n"
"  popq %rdi\n"
"  popq %rsi\n"
"  ret\n"
"1:\n"
"  movq w64_ret_rax(%rip), %rax\n"
"  movdqu w64_ret_xmm0(%rip), %xmm0\n"
"  ret\n"
);
extern unsigned char w64_saved[], w64_deref[];
extern long w64_chase_n, w64_chase[];
extern long w64_ret_indirect, w64_ret_arg, w64_ret_size;
void w64_probe_args(void);
void w64_probe_ret(void);
/* Calls go through these, so that gcc cannot see which function they reach: a cast of
   the probe itself would be folded into a direct call with the probe's declared (SysV)
   convention. */
static void *volatile w64_args_fn = (void *)w64_probe_args, *volatile w64_ret_fn = (void *)w64_probe_ret;
static void w64_hex(const char *tag, const void *p, int n) {
	const unsigned char *b = p;
	printf("%s ", tag);
	for (int i = 0; i < n; i++) printf("%02x", b[i]);
	printf("\n");
}
static void w64_dump_args(int k, int nderef) {
	printf("case %d\n", k);
	w64_hex("regs", w64_saved, REGSSIZE);
	w64_hex("stack", w64_saved + REGSSIZE, STACKDUMP);
	w64_hex("deref", w64_deref, nderef);
}
static void w64_dump_ret(const void *r, int n) {
	printf("ret %ld %lx ", w64_ret_indirect, w64_ret_arg);
	w64_hex("", r, n);
}
`

func w64ProbeSource() string {
	mem := retPattern(abi.NoReg)
	lit := make([]string, len(mem))
	for i, b := range mem {
		lit[i] = strconv.Itoa(int(b))
	}
	return strings.NewReplacer(
		"REGSSIZE", strconv.Itoa(w64RegsSize),
		"STACKDUMP", strconv.Itoa(w64StackDump),
		"DEREFMAX", strconv.Itoa(w64DerefMax),
		"FRAMESPAN", strconv.Itoa(w64FrameSpan),
		"RETMEM", ".byte "+strings.Join(lit, ","),
	).Replace(w64ProbeAsm)
}

// w64Source writes the C program: per case, a function that fills the arguments with
// argBytes values, tells the probe which words are by-reference pointers, and calls the
// probes through ms_abi function pointers of the case's types.
func w64Source(cases []*w64Case) string {
	ct := &cTypes{names: map[*abi.Type]string{}}
	var body strings.Builder
	r := rand.New(rand.NewPCG(5, 6))
	for k, c := range cases {
		sig := c.sig
		res := ct.name(sig.Result)
		proto := probePrototype(ct, sig)
		fmt.Fprintf(&body, "typedef %s (__attribute__((ms_abi)) *w64_fn%d)(%s);\n", res, k, proto)
		fmt.Fprintf(&body, "typedef %s (__attribute__((ms_abi)) *w64_rfn%d)(long);\n", res, k)
		fmt.Fprintf(&body, "void w64_case%d(void) {\n", k)
		args, names := declareArgs(&body, ct, r, sig)
		c.args = append(c.args, args...)
		var chase []string
		for i, t := range sig.Params {
			if a := c.plan.Args[i]; a.Passing == abi.ByReference {
				chase = append(chase, fmt.Sprintf("%d, %d", w64PointerSlot(a), t.Size()))
			}
		}
		fmt.Fprintf(&body, "\tstatic const long chase[] = {%s};\n", strings.Join(append(chase, "0"), ", "))
		fmt.Fprintf(&body, "\tw64_chase_n = %d; memcpy(w64_chase, chase, sizeof chase);\n", len(chase))
		fmt.Fprintf(&body, "\tmemset(w64_deref, 0, %d);\n", c.derefSize())
		fmt.Fprintf(&body, "\t((w64_fn%d)w64_args_fn)(%s);\n\tw64_dump_args(%d, %d);\n", k, strings.Join(names, ", "), k, c.derefSize())
		if sig.Result.Kind != abi.Void {
			fmt.Fprintf(&body, "\tw64_ret_size = sizeof(%s);\n\t%s r = ((w64_rfn%d)w64_ret_fn)(0x1234);\n\tw64_dump_ret(&r, sizeof r);\n", res, res, k)
		} else {
			body.WriteString("\tprintf(\"ret 0 0\\n\");\n")
		}
		body.WriteString("}\n")
	}
	var src strings.Builder
	src.WriteString("#include <stdio.h>\n#include <string.h>\n")
	src.WriteString(w64ProbeSource())
	src.WriteString(ct.b.String())
	src.WriteString(body.String())
	src.WriteString("int main(void) {\n")
	for k := range cases {
		fmt.Fprintf(&src, "\tw64_case%d();\n", k)
	}
	src.WriteString("\treturn 0;\n}\n")
	return src.String()
}

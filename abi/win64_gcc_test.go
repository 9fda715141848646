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

var (
	w64Random = flag.Int("win64.random", 600, "number of random signatures the -gcc check of Win64 adds")
	w64Seed   = flag.Uint64("win64.seed", 1, "seed of the random signatures of the -gcc check of Win64")
)

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

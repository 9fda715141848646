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

// The AAPCS64 tests reuse the SysV tests' type shorthands, golden-file reader, random
// types and C naming (sysv_test.go); everything AAPCS64-specific is prefixed a64, and
// what apple_test.go shares with this file too.

var (
	a64Random = flag.Int("aapcs64.random", 400, "number of random signatures the -gcc check of AAPCS64 adds")
	a64Seed   = flag.Uint64("aapcs64.seed", 1, "seed of the random signatures of the -gcc check of AAPCS64")
)

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

// TestAAPCS64AgainstGCC runs random signatures through gcc-compiled callers and compares.
func TestAAPCS64AgainstGCC(t *testing.T) {
	r := rand.New(rand.NewPCG(*a64Seed, 4))
	var sigs []*abi.Signature
	for range *a64Random {
		sigs = append(sigs, randomSignature(r))
	}
	a64CheckAgainstGCC(t, sigs)
}

// The flags are shared with the other ABIs' tests and registered by whichever file's init
// runs first.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files with the current output")
	}
	if flag.Lookup("gcc") == nil {
		flag.Bool("gcc", false, "check plans against compiler-generated callers")
	}
}

// a64Span bounds the stack bytes the argument probe saves and the size of an indirect
// result the result probe fills; larger random cases are skipped.
const a64Span = 2048

// a64Toolchain returns the compiler and the command prefix that runs its output: an
// arm64 gcc natively on a linux/arm64 host, else the cross compiler under qemu user mode.
// A test binary that is itself emulated by qemu finds the host's gcc, which -dumpmachine
// tells apart.
func a64Toolchain(t *testing.T) (cc string, run []string) {
	if runtime.GOOS == "linux" && runtime.GOARCH == "arm64" {
		if out, err := exec.Command("gcc", "-dumpmachine").Output(); err == nil && strings.HasPrefix(string(out), "aarch64") {
			return "gcc", nil
		}
	}
	for _, tool := range []string{"aarch64-linux-gnu-gcc", "qemu-aarch64"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user)", tool)
		}
	}
	return "aarch64-linux-gnu-gcc", []string{"qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"}
}

// a64CheckAgainstGCC compiles, for every signature, a C caller that calls an assembly
// probe through a pointer of that function type, runs it, and checks that every byte of
// every argument is where the plan says (following a by-reference pointer to its copy),
// that an indirect result's address comes in x8, and that the result is read from where
// the plan says. The probe stands in for the callee, so what is checked is exactly what a
// gcc-compiled caller does.
func a64CheckAgainstGCC(t *testing.T, sigs []*abi.Signature) {
	t.Helper()
	if !boolFlag("gcc") {
		t.Skip("run with -gcc to check against gcc")
	}
	cc, run := a64Toolchain(t)
	var cases []*a64Case
	for _, sig := range sigs {
		p, err := abi.Classify(sig, abi.AAPCS64)
		if err != nil {
			t.Errorf("Classify: %v", err)
			continue
		}
		if p.StackSize > a64Span || sig.Result.Size() > a64Span {
			continue
		}
		cases = append(cases, &a64Case{sig: sig, plan: p})
	}
	dir := t.TempDir()
	cfile, exe := filepath.Join(dir, "probe.c"), filepath.Join(dir, "probe")
	if err := os.WriteFile(cfile, []byte(a64Source(cases)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(cc, "-O1", "-std=gnu11", "-w", "-o", exe, cfile).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cc, err, out)
	}
	argv := append(run, exe)
	out, err := exec.Command(argv[0], argv[1:]...).Output()
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	obs := a64ParseOutput(t, string(out))
	if len(obs) != len(cases) {
		t.Fatalf("the probe reported %d cases of %d", len(obs), len(cases))
	}
	for k, c := range cases {
		if msg := c.check(obs[k]); msg != "" {
			t.Errorf("gcc disagrees: %s\n%v%s", msg, c.plan, cDecls(c.sig))
		}
	}
	t.Logf("%d signatures checked against %s", len(cases), cc)
}

type a64Case struct {
	sig  *abi.Signature
	plan *abi.Plan
	args [][]byte // the bytes the caller passes
}

// a64Obs is what the probe saw for one case.
type a64Obs struct {
	gp, v, sp, stack []byte // x0-x8; q0-q7, 16 bytes each; sp at entry; the bytes above it
	refs             map[int][]byte
	retIndirect      bool
	ret              []byte
}

// Offsets in the probe's save area.
const (
	a64SavedV     = 80
	a64SavedSP    = 208
	a64SavedStack = 216
)

// a64RetPattern returns the bytes the result probe leaves in a result register.
func a64RetPattern(r abi.Reg) []byte {
	base := map[abi.Reg]byte{abi.X0: 0x10, abi.X1: 0x20, abi.V0: 0x30, abi.V1: 0x40, abi.V2: 0x50, abi.V3: 0x60}[r]
	b := make([]byte, 16)
	for i := range b {
		b[i] = base + byte(i)
	}
	return b
}

func a64RegBytes(o a64Obs, r abi.Reg) []byte {
	if a64IsV(r) {
		i := int(r - abi.V0)
		return o.v[16*i : 16*i+16]
	}
	i := int(r - abi.X0)
	return o.gp[8*i : 8*i+8]
}

// check compares the plan with what gcc's caller did and returns a description of the
// first difference, or "".
func (c *a64Case) check(o a64Obs) string {
	if o.gp == nil {
		return "the probe reported nothing"
	}
	p := c.plan
	for i, a := range p.Args {
		want := c.args[i]
		if a.Promoted {
			want = make([]byte, 8)
			putLE(want, math.Float64bits(float64(math.Float32frombits(uint32(leUint(c.args[i]))))))
		}
		mask := meaningful(a.Type)
		covered := make([]bool, len(want))
		var where []byte // the bytes at the argument's location, laid out as the value
		switch a.Passing {
		case abi.Ignored:
			continue
		case abi.OnStack:
			where = o.stack[a.StackOffset : a.StackOffset+a.StackSize]
			for j := range covered {
				covered[j] = j < len(where)
			}
		case abi.InRegisters:
			where = make([]byte, len(want))
			for _, pt := range a.Parts {
				copy(where[pt.Offset:pt.Offset+pt.Size], a64RegBytes(o, pt.Reg))
				for j := pt.Offset; j < pt.Offset+pt.Size; j++ {
					covered[j] = true
				}
			}
		case abi.ByReference:
			ref, ok := o.refs[i]
			if !ok {
				return fmt.Sprintf("arg %d: no pointer into the caller's frame at the plan's location", i)
			}
			where = ref
			for j := range covered {
				covered[j] = true
			}
		}
		for j := range want {
			if mask[j] && (!covered[j] || where[j] != want[j]) {
				return fmt.Sprintf("arg %d byte %d: gcc passed %x, plan location holds %x", i, j, want, where[:min(len(where), len(want))])
			}
		}
	}
	sp := leUint(o.sp)
	if r := p.Result; r.Indirect {
		if x8 := leUint(o.gp[64:72]); x8 < sp || x8 >= sp+65536 {
			return fmt.Sprintf("the plan passes the result buffer in x8, but x8 = %#x is not in the caller's frame (sp %#x)", x8, sp)
		}
	}
	r := p.Result
	if r.Type.Kind == abi.Void {
		return ""
	}
	if o.retIndirect != r.Indirect {
		return fmt.Sprintf("gcc passes a result buffer in x8: %v, plan: %v", o.retIndirect, r.Indirect)
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
		copy(want[pt.Offset:pt.Offset+pt.Size], a64RetPattern(pt.Reg))
		for j := pt.Offset; j < pt.Offset+pt.Size; j++ {
			covered[j] = true
		}
	}
	for j := range want {
		if mask[j] && (!covered[j] || want[j] != o.ret[j]) {
			return fmt.Sprintf("result byte %d: gcc read %x, plan's registers give %x", j, o.ret, want)
		}
	}
	return ""
}

func a64ParseOutput(t *testing.T, out string) []a64Obs {
	var obs []a64Obs
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
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if f[0] == "case" {
			obs = append(obs, a64Obs{refs: map[int][]byte{}})
			continue
		}
		if len(obs) == 0 {
			t.Fatalf("probe output before the first case: %q", line)
		}
		o := &obs[len(obs)-1]
		switch f[0] {
		case "gp":
			o.gp = unhex(f[1])
		case "v":
			o.v = unhex(f[1])
		case "sp":
			o.sp = unhex(f[1])
		case "stack":
			o.stack = unhex(f[1])
		case "ref":
			// "ref I bad" leaves argument I without bytes, which check reports.
			if i, err := strconv.Atoi(f[1]); err == nil && len(f) > 2 && f[2] != "bad" {
				o.refs[i] = unhex(f[2])
			}
		case "ret":
			o.retIndirect = f[1] == "1"
			if len(f) > 2 {
				o.ret = unhex(f[2])
			}
		}
	}
	return obs
}

// a64Source writes the C program: the probe, the types, one function per case and main.
func a64Source(cases []*a64Case) string {
	ct := &cTypes{names: map[*abi.Type]string{}}
	var body strings.Builder
	r := rand.New(rand.NewPCG(5, 6))
	for k, c := range cases {
		sig := c.sig
		res := ct.name(sig.Result)
		proto := probePrototype(ct, sig)
		fmt.Fprintf(&body, "void case%d(void) {\n", k)
		args, names := declareArgs(&body, ct, r, sig)
		c.args = append(c.args, args...)
		fmt.Fprintf(&body, "\t((%s (*)(%s))probe_args)(%s);\n\tdump_args(%d);\n", res, proto, strings.Join(names, ", "), k)
		for i, a := range c.plan.Args {
			if a.Passing != abi.ByReference {
				continue
			}
			loc := a64SavedStack + a.StackOffset
			if a.PointerReg != abi.NoReg {
				loc = 8 * int(a.PointerReg-abi.X0)
			}
			fmt.Fprintf(&body, "\tdump_ref(%d, %d, %d);\n", i, loc, a.Type.Size())
		}
		if sig.Result.Kind != abi.Void {
			fmt.Fprintf(&body, "\tret_size = sizeof(%s);\n\tprobe_clear_x8();\n\t%s r = ((%s (*)(long))probe_ret)(0x1234);\n\tdump_ret(&r, sizeof r);\n", res, res, res)
		} else {
			body.WriteString("\tprintf(\"ret 0 \\n\");\n")
		}
		body.WriteString("}\n")
	}
	var src strings.Builder
	src.WriteString("#include <stdio.h>\n#include <string.h>\n")
	mem := retPattern(abi.NoReg)
	lit := make([]string, len(mem))
	for i, b := range mem {
		lit[i] = strconv.Itoa(int(b))
	}
	regs := func(rs ...abi.Reg) string {
		var s []string
		for _, r := range rs {
			for _, b := range a64RetPattern(r) {
				s = append(s, strconv.Itoa(int(b)))
			}
		}
		return ".byte " + strings.Join(s, ",")
	}
	src.WriteString(strings.NewReplacer("STACKDUMP", strconv.Itoa(a64Span), "RETMEM", ".byte "+strings.Join(lit, ","),
		"RETX", regs(abi.X0, abi.X1), "RETV", regs(abi.V0, abi.V1, abi.V2, abi.V3)).Replace(a64ProbeC))
	src.WriteString(ct.b.String())
	src.WriteString(body.String())
	src.WriteString("int main(void) {\n")
	for k := range cases {
		fmt.Fprintf(&src, "\tcase%d();\n", k)
	}
	src.WriteString("\treturn 0;\n}\n")
	return src.String()
}

// a64ProbeC is the probe: probe_args saves x0-x8, q0-q7, sp and the stack above sp and
// returns; probe_ret takes the address in x8 for a result buffer, and fills it, when it
// points into the caller's frame, and otherwise loads patterns into x0, x1 and v0-v3.
// probe_clear_x8 runs just before probe_ret so that a stale frame address left in x8 by
// earlier code cannot pass for a result buffer. RETV holds v0-v3's patterns and RETX
// x0's then x1's, 16 bytes each.
const a64ProbeC = `
__asm__(
".data\n"
".balign 16\n"
".globl saved\n"
"saved: .zero 216+STACKDUMP\n"
".balign 16\n"
"ret_v: RETV\n"
"ret_x: RETX\n"
".balign 8\n"
".globl ret_indirect\n"
"ret_indirect: .quad 0\n"
".globl ret_size\n"
"ret_size: .quad 0\n"
"ret_mem: RETMEM\n"
".text\n"
".globl probe_args\n"
"probe_args:\n"
"  adrp x16, saved\n"
"  add x16, x16, :lo12:saved\n"
"  stp x0, x1, [x16, #0]\n"
"  stp x2, x3, [x16, #16]\n"
"  stp x4, x5, [x16, #32]\n"
"  stp x6, x7, [x16, #48]\n"
"  str x8, [x16, #64]\n"
"  stp q0, q1, [x16, #80]\n"
"  stp q2, q3, [x16, #112]\n"
"  stp q4, q5, [x16, #144]\n"
"  stp q6, q7, [x16, #176]\n"
"  mov x17, sp\n"
"  str x17, [x16, #208]\n"
"  add x9, x16, #216\n"
"  mov x10, #STACKDUMP\n"
"1:ldrb w11, [x17], #1\n"
"  strb w11, [x9], #1\n"
"  subs x10, x10, #1\n"
"  b.ne 1b\n"
"  mov x8, #1\n"
"  ret\n"
".globl probe_clear_x8\n"
"probe_clear_x8:\n"
"  mov x8, #1\n"
"  ret\n"
".globl probe_ret\n"
"probe_ret:\n"
"  adrp x16, ret_indirect\n"
"  add x16, x16, :lo12:ret_indirect\n"
"  mov x17, sp\n"
"  cmp x8, x17\n"
"  b.lo 2f\n"
"  add x9, x17, #16, lsl #12\n"
"  cmp x8, x9\n"
"  b.hs 2f\n"
"  mov x10, #1\n"
"  str x10, [x16]\n"
"  adrp x11, ret_size\n"
"  add x11, x11, :lo12:ret_size\n"
"  ldr x10, [x11]\n"
"  adrp x11, ret_mem\n"
"  add x11, x11, :lo12:ret_mem\n"
"  mov x9, x8\n"
"3:cbz x10, 4f\n"
"  ldrb w12, [x11], #1\n"
"  strb w12, [x9], #1\n"
"  sub x10, x10, #1\n"
"  b 3b\n"
"4:ret\n"
"2:str xzr, [x16]\n"
"  adrp x11, ret_v\n"
"  add x11, x11, :lo12:ret_v\n"
"  ldp q0, q1, [x11, #0]\n"
"  ldp q2, q3, [x11, #32]\n"
"  ldr x0, [x11, #64]\n"
"  ldr x1, [x11, #80]\n"
"  ret\n"
);
extern unsigned char saved[];
extern long ret_indirect, ret_size;
void probe_args(void);
void probe_ret(void);
void probe_clear_x8(void);
static void hex(const char *tag, const void *p, int n) {
	const unsigned char *b = p;
	printf("%s ", tag);
	for (int i = 0; i < n; i++) printf("%02x", b[i]);
	printf("\n");
}
static void dump_args(int k) {
	printf("case %d\n", k);
	hex("gp", saved, 72);
	hex("v", saved+80, 128);
	hex("sp", saved+208, 8);
	hex("stack", saved+216, STACKDUMP);
}
/* dump_ref prints the n bytes a by-reference argument's pointer, saved at saved+loc,
   points to, if it points into the caller's frame. */
static void dump_ref(int i, int loc, int n) {
	unsigned char *p, *sp;
	memcpy(&p, saved+loc, 8);
	memcpy(&sp, saved+208, 8);
	if (p < sp || p + n > sp + 65536) { printf("ref %d bad\n", i); return; }
	char tag[32];
	snprintf(tag, sizeof tag, "ref %d", i);
	hex(tag, p, n);
}
static void dump_ret(const void *r, int n) {
	printf("ret %ld ", ret_indirect);
	hex("", r, n);
}
`

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
	a64Random = flag.Int("aapcs64.random", 400, "number of random signatures the -gcc check of AAPCS64 adds")
	a64Seed   = flag.Uint64("aapcs64.seed", 1, "seed of the random signatures of the -gcc check of AAPCS64")
)

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

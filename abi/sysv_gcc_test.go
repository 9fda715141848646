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

// The random part of the -gcc check; the check takes a few seconds, so it is opt-in.
var (
	gccRandom = flag.Int("sysv.random", 600, "number of random signatures the -gcc check of SysV adds")
	gccSeed   = flag.Uint64("sysv.seed", 1, "seed of the random signatures of the -gcc check of SysV")
)

// TestSysVAgainstGCC runs the table signatures and random ones through gcc and compares.
func TestSysVAgainstGCC(t *testing.T) {
	sigs := tableSignatures()
	r := rand.New(rand.NewPCG(*gccSeed, 2))
	for range *gccRandom {
		sigs = append(sigs, randomSignature(r))
	}
	checkAgainstGCC(t, sigs)
}

// tableSignatures collects signatures from the table tests (sysv_test.go) for the gcc check.
func tableSignatures() []*abi.Signature {
	five := []*abi.Type{tI64, tI64, tI64, tI64, tI64}
	return []*abi.Signature{
		fn(tVoid, tI32, tI64, tPtr, tBool, tU16, tI8, tI32),
		fn(tVoid, tF32, tF64, tF32, tF64, tF32, tF64, tF32, tF64, tF64),
		fn(tVoid, st(tI32, tF32), un(tF32, tI32), st(tI8, tF64), st(tF32, tF32, tF32)),
		fn(tVoid, st(abi.ArrayOf(tF32, 2), tF64), st(abi.ArrayOf(tI32, 3), tF32)),
		fn(tVoid, append(five, st(tI64, tI64), tI64)...),
		fn(tVoid, tF64, tF64, tF64, tF64, tF64, tF64, tF64, st(tF64, tF64), tF64),
		fn(st(tI64, tI64, tI64), tI32),
		fn(tVoid, st(), tI32),
		fn(tVoid, abi.AlignedStructOf(16, false, fld(tI8)), tI32),
		fn(tI8, tBool, tI8, tU8, tI16, tU16, tI32, tI64, tI8, tU16, tBool),
		variadic(1, tI32, tPtr, tF32, tI8, tF64, st(tF32, tF32), tU16),
		fn(tVoid, tI32, abi.AlignedStructOf(32, false, fld(tI64)), tI32),
		fn(st(tF64, tI64)), fn(st(tI64, tF64)), fn(st(tF32, tF32, tF32)),
		fn(abi.PackedStructOf(fld(tI8), fld(tF32))), fn(abi.PackedStructOf(fld(tI32), fld(tI8))),
	}
}

// checkAgainstGCC compiles, for every signature, a C caller that calls an assembly probe
// through a pointer of that function type, and checks that each argument's bytes are where
// the plan says and that the result is read from where the plan says. The probe stands in
// for the callee, so what is checked is exactly what a gcc-compiled caller does.
func checkAgainstGCC(t *testing.T, sigs []*abi.Signature) {
	t.Helper()
	if !boolFlag("gcc") {
		t.Skip("run with -gcc to check against gcc")
	}
	if runtime.GOARCH != "amd64" || runtime.GOOS == "windows" {
		t.Skip("the gcc check runs the probe, so it needs a SysV amd64 host")
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no gcc")
	}
	var cases []*gccCase
	for _, sig := range sigs {
		p, err := abi.Classify(sig, abi.SysV)
		if err != nil {
			t.Errorf("Classify: %v", err)
			continue
		}
		if p.StackSize > probeSpan || sig.Result.Size() > probeSpan {
			continue
		}
		cases = append(cases, &gccCase{sig: sig, plan: p})
	}
	src := gccSource(cases)
	dir := t.TempDir()
	cfile, exe := filepath.Join(dir, "probe.c"), filepath.Join(dir, "probe")
	if err := os.WriteFile(cfile, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("gcc", "-O1", "-std=gnu11", "-w", "-o", exe, cfile).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	out, err := exec.Command(exe).Output()
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	obs := parseProbeOutput(t, string(out))
	for k, c := range cases {
		if msg := c.check(obs[k]); msg != "" {
			t.Errorf("gcc disagrees: %s\n%v%s", msg, c.plan, cDecls(c.sig))
		}
	}
	t.Logf("%d signatures checked against gcc", len(cases))
}

type gccCase struct {
	sig  *abi.Signature
	plan *abi.Plan
	args [][]byte // the bytes the caller passes
}

// probeObs is what the probe saw for one case.
type probeObs struct {
	gp, xmm, stack []byte // rdi rsi rdx rcx r8 r9 rax; xmm0-7, 16 bytes each; the bytes above the return address
	retIndirect    bool
	ret            []byte
}

func parseProbeOutput(t *testing.T, out string) []probeObs {
	var obs []probeObs
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
		switch f[0] {
		case "case":
			obs = append(obs, probeObs{})
		case "gp":
			obs[len(obs)-1].gp = unhex(f[1])
		case "xmm":
			obs[len(obs)-1].xmm = unhex(f[1])
		case "stack":
			obs[len(obs)-1].stack = unhex(f[1])
		case "ret":
			o := &obs[len(obs)-1]
			o.retIndirect = f[1] == "1"
			if len(f) > 2 {
				o.ret = unhex(f[2])
			}
		}
	}
	return obs
}

// regBytes returns the bytes the probe saw in an argument register.
func (o *probeObs) regBytes(r abi.Reg) []byte {
	gp := map[abi.Reg]int{abi.RDI: 0, abi.RSI: 1, abi.RDX: 2, abi.RCX: 3, abi.R8: 4, abi.R9: 5}
	if i, ok := gp[r]; ok {
		return o.gp[8*i : 8*i+8]
	}
	i := int(r - abi.XMM0)
	return o.xmm[16*i : 16*i+16]
}

// check compares the plan with what gcc's caller did and returns a description of the
// first difference, or "".
func (c *gccCase) check(o probeObs) string {
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
				covered[j] = true
			}
		case abi.InRegisters:
			where = make([]byte, len(want))
			for _, pt := range a.Parts {
				copy(where[pt.Offset:pt.Offset+pt.Size], o.regBytes(pt.Reg))
				for j := pt.Offset; j < pt.Offset+pt.Size; j++ {
					covered[j] = true
				}
			}
		default:
			return fmt.Sprintf("arg %d: passing %v is not SysV", i, a.Passing)
		}
		for j := range want {
			if mask[j] && (!covered[j] || where[j] != want[j]) {
				return fmt.Sprintf("arg %d byte %d: gcc passed %x, plan location holds %x", i, j, want, where[:len(want)])
			}
		}
		if k := a.Type.Kind; k.IsInteger() && a.Type.Size() < 4 && a.Extend == abi.NoExtension {
			return fmt.Sprintf("arg %d: gcc extends a %v to 32 bits, plan does not", i, k)
		}
		if a.Extend != abi.NoExtension {
			full := a.Parts != nil
			var at []byte
			if full {
				at = o.regBytes(a.Parts[0].Reg)[:4]
			} else {
				at = where[:4]
			}
			v := leUint(want)
			if a.Extend == abi.SignExtend32 {
				v = uint64(int64(v<<(64-8*len(want))) >> (64 - 8*len(want)))
			}
			ext := make([]byte, 4)
			putLE(ext, v)
			if string(at) != string(ext) {
				return fmt.Sprintf("arg %d: gcc extended %x to %x, plan says %v", i, want, at, a.Extend)
			}
		}
	}
	if p.VectorCount >= 0 && int(o.gp[48]) != p.VectorCount {
		return fmt.Sprintf("gcc set al to %d, plan says %d", o.gp[48], p.VectorCount)
	}
	r := p.Result
	if r.Type.Kind == abi.Void {
		return ""
	}
	if o.retIndirect != r.Indirect {
		return fmt.Sprintf("gcc passes a hidden result pointer: %v, plan: %v", o.retIndirect, r.Indirect)
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
			return fmt.Sprintf("result byte %d: gcc read %x, plan's registers give %x", j, o.ret, want)
		}
	}
	return ""
}

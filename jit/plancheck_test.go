package jit

import (
	"testing"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/jit/internal/amd64"
	"github.com/jitffi/jitffi/jit/internal/arm64"
)

// classified parses and classifies a signature under a.
func classified(t *testing.T, text string, a abi.ABI) *abi.Plan {
	t.Helper()
	sig, err := abi.ParseSignature(text)
	if err != nil {
		t.Fatal(err)
	}
	p, err := abi.Classify(sig, a)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// stubRegisters are the registers each emitter keeps for itself.
var stubRegisters = map[string][]abi.Reg{
	"amd64": amd64.ReservedRegisters,
	"arm64": arm64.ReservedRegisters,
}

// TestCompileAcceptsOnlyArgumentRegisters edits classified plans by hand so that an
// argument, a copy's address, the hidden result pointer or a result part names a register
// the stub uses itself, or one register twice. jit.Compile accepted such plans and built
// stubs that loaded an argument into rsp (or x29, x30, sp, ...) before the call.
func TestCompileAcceptsOnlyArgumentRegisters(t *testing.T) {
	for _, c := range []struct {
		abi    abi.ABI
		arch   string
		first  abi.Reg // the first argument register, which the edits replace
		result abi.Reg // the first result register
	}{
		{abi.SysV, "amd64", abi.RDI, abi.RAX},
		{abi.Win64, "amd64", abi.RCX, abi.RAX},
		{abi.AAPCS64, "arm64", abi.X0, abi.X0},
		{abi.AppleARM64, "arm64", abi.X0, abi.X0},
	} {
		t.Run(c.abi.String(), func(t *testing.T) {
			base := func() *abi.Plan { return classified(t, "int64_t (int64_t, int64_t)", c.abi) }
			if _, err := Compile(base(), Options{}); err != nil {
				t.Fatalf("the unedited plan: %v", err)
			}
			bad := append([]abi.Reg{abi.NoReg, abi.XMM15, abi.V31, abi.Reg(255)}, stubRegisters[c.arch]...)
			if c.arch == "amd64" {
				bad = append(bad, abi.X0, abi.V0)
			} else {
				bad = append(bad, abi.RDI, abi.XMM0, abi.X8)
			}
			for _, r := range bad {
				p := base()
				p.Args[0].Parts[0].Reg = r
				if _, err := Compile(p, Options{}); err == nil {
					t.Errorf("argument in %v accepted", r)
				}
				if abi.RegistersOf(c.abi).IsResult(r) {
					continue // rax is the amd64 stubs' scratch register and a result register
				}
				p = base()
				p.Result.Parts[0].Reg = r
				if _, err := Compile(p, Options{}); err == nil {
					t.Errorf("result in %v accepted", r)
				}
			}
			twice := base()
			twice.Args[1].Parts[0].Reg = twice.Args[0].Parts[0].Reg
			if _, err := Compile(twice, Options{}); err == nil {
				t.Errorf("two arguments in %v accepted", twice.Args[0].Parts[0].Reg)
			}

			copied := classified(t, "void (int32_t, struct{int64_t a; int64_t b; int64_t c;})", c.abi)
			if _, err := Compile(copied, Options{}); err != nil {
				t.Fatalf("the unedited plan: %v", err)
			}
			for _, r := range append(bad, c.first) {
				p := classified(t, "void (int32_t, struct{int64_t a; int64_t b; int64_t c;})", c.abi)
				switch a := &p.Args[1]; a.Passing {
				case abi.ByReference:
					a.PointerReg = r
				case abi.OnStack:
					// SysV copies it to the stack: pass it by reference to r instead.
					*a = abi.ArgPlan{Type: a.Type, Passing: abi.ByReference, PointerReg: r}
					p.CopySize, p.CopyAlign = 24, 8
				}
				if r == abi.NoReg {
					continue // a pointer in the stack slot at offset 0 is fine
				}
				if _, err := Compile(p, Options{}); err == nil {
					t.Errorf("copy's address in %v accepted", r)
				}
			}

			for _, r := range append(bad, c.result, c.first+1) {
				p := classified(t, "struct{int64_t a; int64_t b; int64_t c;} (int32_t)", c.abi)
				if !p.Result.Indirect || r == abi.RegistersOf(c.abi).IndirectResult {
					continue
				}
				p.Result.HiddenReg = r
				if _, err := Compile(p, Options{}); err == nil {
					t.Errorf("result's address in %v accepted", r)
				}
			}
		})
	}
}

// TestStubRegistersCarryNothing ties the registers each emitter keeps for itself to the
// conventions' tables in package abi: none may carry an argument, a result's address or,
// among those that live across the call, a result.
func TestStubRegistersCarryNothing(t *testing.T) {
	for _, rules := range []*emitterRules{&amd64Rules, &arm64Rules} {
		for _, a := range rules.abis {
			rs := abi.RegistersOf(a)
			for _, r := range stubRegisters[rules.arch] {
				if rs.IsArg(r) || r == rs.IndirectResult {
					t.Errorf("%v: the %s stub's own %v carries %v arguments", a, rules.arch, r, a)
				}
				if rs.IsResult(r) && r != abi.RAX { // rax: scratch until the result arrives
					t.Errorf("%v: the %s stub's own %v carries %v results", a, rules.arch, r, a)
				}
			}
		}
	}
}

// TestOptionsCheckedAlike checks that both emitters refuse the same bad options.
func TestOptionsCheckedAlike(t *testing.T) {
	for _, a := range []abi.ABI{abi.SysV, abi.Win64, abi.AAPCS64, abi.AppleARM64} {
		p := classified(t, "void (void)", a)
		for name, opts := range map[string]Options{
			"errno without func": {Errno: ErrnoLocation},
			"unknown errno kind": {Errno: ErrnoValue + 1, ErrnoFunc: 1},
			"foreign entry":      {Entry: map[bool]abi.ABI{true: abi.AAPCS64, false: abi.SysV}[a == abi.SysV || a == abi.Win64]},
		} {
			if _, err := Assemble(p, opts); err == nil {
				t.Errorf("%v: %s accepted", a, name)
			}
		}
	}
}

// TestCompileRefusesHugeFrames edits a plan so that its stub would move the stack
// pointer by more than MaxFrame: a gigabyte alignment or stack area.
func TestCompileRefusesHugeFrames(t *testing.T) {
	for name, edit := range map[string]func(p *abi.Plan){
		"stack alignment 2^30": func(p *abi.Plan) { p.StackAlign = 1 << 30 },
		"copy alignment 2^21":  func(p *abi.Plan) { p.CopyAlign = MaxFrame * 2 },
		"2 MiB stack area":     func(p *abi.Plan) { p.StackSize = 2 * MaxFrame },
		"2 MiB copy area":      func(p *abi.Plan) { p.CopySize = 2 * MaxFrame },
	} {
		p := classified(t, "void (struct{int64_t a; int64_t b; int64_t c;}, int32_t)", abi.Win64)
		edit(p)
		if _, err := Compile(p, Options{}); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	sig, err := abi.ParseSignature("void (struct __attribute__((aligned(268435456))) {})")
	if err != nil {
		t.Fatal(err)
	}
	p, err := abi.Classify(sig, abi.Win64) // an empty struct's copy, 2^28-aligned
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(p, Options{}); err == nil {
		t.Errorf("a copy aligned to 2^28 accepted:\n%v", p)
	}
}

package jit

import (
	"testing"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/typefuzz"
)

// FuzzCompile builds signatures through package abi's constructors (package typefuzz),
// classifies them under every ABI and compiles each plan with Compile; then it edits the
// plan as a caller building plans by hand could (registers, offsets, sizes, passing
// modes, areas, from the input's last bytes) and compiles that too. Nothing may panic; a
// plan Classify made must compile unless it needs more than MaxFrame of stack; an edited
// plan that compiles must keep to its ABI's registers, once each, and to its areas.
func FuzzCompile(f *testing.F) {
	for _, seed := range typefuzz.Seeds() {
		f.Add(seed, []byte{})
		f.Add(seed, []byte{0, 0, 5, 0})            // the first argument's register: rsp or x4
		f.Add(seed, []byte{1, 0, 1, 0, 0, 0, 200}) // a duplicate register
		f.Add(seed, []byte{4, 9, 0, 0, 0, 0, 255}) // a stack slot past the area
	}
	f.Fuzz(func(t *testing.T, data, edits []byte) {
		sig := typefuzz.Signature(data)
		for _, a := range []abi.ABI{abi.SysV, abi.Win64, abi.AAPCS64, abi.AppleARM64} {
			p, err := abi.Classify(sig, a)
			if err != nil {
				continue
			}
			if _, err := Compile(p, Options{}); err != nil && !tooLarge(p) {
				t.Fatalf("%v: Compile of the classified plan: %v\n%v", a, err, p)
			}
			if len(edits) == 0 {
				continue
			}
			edited := edit(p, edits)
			if _, err := Compile(edited, Options{}); err == nil {
				checkCompiled(t, edited)
			}
		}
	})
}

// tooLarge reports whether a plan needs more stack, or a larger alignment of it, than a
// stub may have.
func tooLarge(p *abi.Plan) bool {
	return p.ShadowSize+p.StackSize+p.CopySize+p.Sig.Result.Size() > MaxFrame || max(p.StackAlign, p.CopyAlign) > MaxFrame
}

// edit returns a copy of p changed by the edits: each group of bytes picks an argument
// (or the result), a field and a value.
func edit(p *abi.Plan, edits []byte) *abi.Plan {
	c := *p
	c.Args = make([]abi.ArgPlan, len(p.Args))
	for i, a := range p.Args {
		a.Parts = append([]abi.Part(nil), a.Parts...)
		c.Args[i] = a
	}
	c.Result.Parts = append([]abi.Part(nil), p.Result.Parts...)
	at := func(i int) int {
		if i < len(edits) {
			return int(edits[i])
		}
		return 0
	}
	signed := func(i int) int { return int(int8(at(i))) * (1 + at(i+1)) }
	for i := 0; i+2 < len(edits); i += 3 {
		field, target, v := at(i)%12, at(i+1), at(i+2)
		reg := abi.Reg(v)
		part := func(parts []abi.Part) *abi.Part {
			if len(parts) == 0 {
				return nil
			}
			return &parts[target%len(parts)]
		}
		var arg *abi.ArgPlan
		if len(c.Args) > 0 {
			arg = &c.Args[target%len(c.Args)]
		}
		switch field {
		case 0, 1, 2:
			if arg != nil {
				if pt := part(arg.Parts); pt != nil {
					switch field {
					case 0:
						pt.Reg = reg
					case 1:
						pt.Dup = reg
					case 2:
						pt.Offset, pt.Size = signed(i+2), v%10
					}
				}
			}
		case 3:
			if arg != nil {
				arg.Passing = abi.Passing(v % 5)
			}
		case 4:
			if arg != nil {
				arg.StackOffset, arg.StackSize = signed(i+2), v
			}
		case 5:
			if arg != nil {
				arg.PointerReg, arg.CopyOffset = reg, signed(i+1)
			}
		case 6:
			if arg != nil {
				arg.Promoted = !arg.Promoted
			}
		case 7:
			if pt := part(c.Result.Parts); pt != nil {
				pt.Reg = reg
			}
		case 8:
			c.Result.Indirect, c.Result.HiddenReg = !c.Result.Indirect, reg
		case 9:
			c.StackSize, c.CopySize = signed(i+1), signed(i+2)
		case 10:
			c.ShadowSize, c.VectorCount = signed(i+2), signed(i+1)
		case 11:
			c.StackAlign, c.CopyAlign = 1<<(v%24), 1<<(target%24)
		}
	}
	return &c
}

// checkCompiled checks an edited plan Compile accepted against the ABI's register tables
// and its own areas, independently of CheckPlan.
func checkCompiled(t *testing.T, p *abi.Plan) {
	t.Helper()
	rs := abi.RegistersOf(p.ABI)
	used := map[abi.Reg]bool{}
	take := func(r abi.Reg, ok bool) {
		if !ok || used[r] {
			t.Fatalf("%v: Compile accepted register %v (allowed %v, used before %v)\n%v", p.ABI, r, ok, used[r], p)
		}
		used[r] = true
	}
	if p.Result.Indirect {
		take(p.Result.HiddenReg, p.Result.HiddenReg == rs.IndirectResult)
	}
	for i, a := range p.Args {
		for _, part := range a.Parts {
			if a.Passing == abi.InRegisters {
				take(part.Reg, rs.IsArg(part.Reg))
				if part.Dup != abi.NoReg {
					take(part.Dup, rs.IsArg(part.Dup))
				}
			}
		}
		switch a.Passing {
		case abi.OnStack:
			if a.StackOffset < 0 || a.StackSize <= 0 || a.StackOffset+a.StackSize > p.StackSize {
				t.Fatalf("%v: Compile accepted arg %d's stack slot [%d,+%d) in %d bytes\n%v", p.ABI, i, a.StackOffset, a.StackSize, p.StackSize, p)
			}
		case abi.ByReference:
			if a.CopyOffset < 0 || a.CopyOffset+p.Sig.Params[i].Size() > (p.CopySize+7)&^7 {
				t.Fatalf("%v: Compile accepted arg %d's copy at %d in %d bytes\n%v", p.ABI, i, a.CopyOffset, p.CopySize, p)
			}
			if a.PointerReg != abi.NoReg {
				take(a.PointerReg, rs.IsArg(a.PointerReg))
			}
		}
	}
	if p.ShadowSize != rs.Shadow || p.StackSize < 0 || p.CopySize < 0 {
		t.Fatalf("%v: Compile accepted areas shadow %d stack %d copy %d", p.ABI, p.ShadowSize, p.StackSize, p.CopySize)
	}
	used = map[abi.Reg]bool{}
	for _, part := range p.Result.Parts {
		take(part.Reg, rs.IsResult(part.Reg))
	}
}

package abi_test

import (
	"errors"
	"testing"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/typefuzz"
)

// FuzzTypes builds types through the constructors (package typefuzz turns the input into
// calls of them: arrays of any length, structs, unions, packed and aligned ones, shared
// members) and feeds every signature to CheckSignature, Classify under every ABI,
// LayoutKey, Clone, String and the parser. Nothing may panic or run away; a signature
// CheckSignature accepts must classify everywhere into a plan that keeps to its ABI's
// registers and its own stack area, and survive Clone and a print-parse round trip with
// its layout; one it refuses must be refused by every classifier with a sentinel.
func FuzzTypes(f *testing.F) {
	for _, seed := range typefuzz.Seeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sig := typefuzz.Signature(data)
		text := sig.String()
		key := abi.LayoutKey(sig)
		if len(text) > 1<<24 || len(key) > 1<<26 {
			t.Fatalf("String %d bytes, LayoutKey %d bytes", len(text), len(key))
		}
		clone := sig.Clone()
		if abi.LayoutKey(clone) != key || clone.String() != text {
			t.Fatalf("the clone differs from %s", text)
		}
		checkErr := abi.CheckSignature(sig)
		for _, a := range allABIs {
			p, err := abi.Classify(sig, a)
			if checkErr != nil {
				if err == nil {
					t.Fatalf("%v: CheckSignature refuses (%v), Classify under %v does not", text, checkErr, a)
				}
				if !errors.Is(err, abi.ErrTooLarge) && !errors.Is(err, abi.ErrTooDeep) && !errors.Is(err, abi.ErrMalformed) {
					t.Fatalf("%v: %v: %v wraps no sentinel", text, a, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%v: CheckSignature accepts, Classify under %v: %v", text, a, err)
			}
			checkPlanShape(t, p)
		}
		if checkErr != nil {
			return
		}
		if !abi.EqualSignatures(sig, clone) {
			t.Fatalf("%v: not equal to its clone", text)
		}
		if back, err := abi.ParseSignature(text); err == nil && abi.LayoutKey(back) != key {
			t.Fatalf("%v reads back with another layout: %v", text, back)
		}
	})
}

// checkPlanShape checks what package jit relies on in a plan: registers from the ABI's
// tables, each used once, stack slots and copies inside their areas.
func checkPlanShape(t *testing.T, p *abi.Plan) {
	t.Helper()
	rs := abi.RegistersOf(p.ABI)
	used := map[abi.Reg]bool{}
	take := func(r abi.Reg, ok bool) {
		if !ok || used[r] {
			t.Fatalf("%v: register %v (allowed %v, used before %v)\n%v", p.ABI, r, ok, used[r], p)
		}
		used[r] = true
	}
	if p.Result.Indirect {
		take(p.Result.HiddenReg, p.Result.HiddenReg == rs.IndirectResult)
	}
	if p.StackSize < 0 || p.CopySize < 0 || p.ShadowSize != rs.Shadow {
		t.Fatalf("%v: areas stack %d copy %d shadow %d\n%v", p.ABI, p.StackSize, p.CopySize, p.ShadowSize, p)
	}
	for _, a := range p.Args {
		for _, part := range a.Parts {
			take(part.Reg, rs.IsArg(part.Reg))
			if part.Dup != abi.NoReg {
				take(part.Dup, rs.Duplicates && rs.IsArg(part.Dup))
			}
		}
		switch a.Passing {
		case abi.OnStack:
			if a.StackOffset < 0 || a.StackSize <= 0 || a.StackOffset+a.StackSize > p.StackSize {
				t.Fatalf("%v: stack slot [%d,+%d) outside %d\n%v", p.ABI, a.StackOffset, a.StackSize, p.StackSize, p)
			}
		case abi.ByReference:
			if a.CopyOffset < 0 || a.CopyOffset+a.Type.Size() > p.CopySize {
				t.Fatalf("%v: copy [%d,+%d) outside %d\n%v", p.ABI, a.CopyOffset, a.Type.Size(), p.CopySize, p)
			}
			if a.PointerReg != abi.NoReg {
				take(a.PointerReg, rs.IsArg(a.PointerReg))
			}
		}
	}
	used = map[abi.Reg]bool{}
	for _, part := range p.Result.Parts {
		take(part.Reg, rs.IsResult(part.Reg))
	}
}

//go:build amd64 || arm64 || riscv64 || ppc64 || ppc64le || s390x || loong64 || mips64 || mips64le

// The limits are about sizes that 64-bit int arithmetic must not wrap; a 32-bit host's int
// cannot even hold them, so these tests build on 64-bit hosts only.

package abi_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
)

// classifyRefuses checks that every classifier refuses sig with an error wrapping want
// whose text contains each of mention, and that it neither panics nor returns a plan.
func classifyRefuses(t *testing.T, name string, sig *abi.Signature, want error, mention ...string) {
	t.Helper()
	for _, a := range allABIs {
		p, err := classifyNoPanic(sig, a)
		switch {
		case err == nil:
			t.Errorf("%s under %v: no error, plan\n%v", name, a, p)
		case !errors.Is(err, want):
			t.Errorf("%s under %v: %v, want an error wrapping %q", name, a, err, want)
		default:
			for _, m := range mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("%s under %v: %q does not mention %q", name, a, err, m)
				}
			}
		}
	}
}

func classifyNoPanic(sig *abi.Signature, a abi.ABI) (p *abi.Plan, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, nil
			panic(r)
		}
	}()
	return abi.Classify(sig, a)
}

// TestSizesNeverWrap covers sizes that overflowed int: the multiplication in ArrayOf
// wrapped to a negative size, which cancelled a by-value argument in the bind-time stack
// check and made the SysV classifier panic (makeslice: len out of range).
func TestSizesNeverWrap(t *testing.T) {
	const s = 16
	wrapped := abi.ArrayOf(tI64, 1<<61-s/8) // 8 * that is 2^64 - 16
	if n := wrapped.Size(); n < 0 || n > abi.MaxTypeSize {
		t.Errorf("ArrayOf(int64, 2^61-2).Size() = %d, want 0..MaxTypeSize", n)
	}
	if err := abi.CheckType(wrapped); !errors.Is(err, abi.ErrTooLarge) || !strings.Contains(err.Error(), "int64_t[2305843009213693950]") {
		t.Errorf("CheckType(int64_t[2^61-2]) = %v, want ErrTooLarge naming the array", err)
	}
	big := abi.ArrayOf(tU8, 1<<30)
	for name, typ := range map[string]*abi.Type{
		"wrapped array":           st(wrapped),
		"negative-size parameter": st(tI32, wrapped),
		"3 GiB struct":            st(big, big, big),
		"3 GiB union member":      un(st(big, big, big)),
		"array of 2^40 bytes":     st(abi.ArrayOf(tU8, 1<<40)),
		"array of 2^31 elements":  st(abi.ArrayOf(st(), abi.MaxTypeSize+1)),
		"2^31 arrays of 2^31":     st(abi.ArrayOf(abi.ArrayOf(tU8, abi.MaxTypeSize), abi.MaxTypeSize)),
		"aligned(2^40)":           abi.AlignedStructOf(1<<40, false, fld(tI32)),
		"aligned(2^62)":           abi.AlignedStructOf(1<<62, false, fld(tI32)),
		"aligned(2^40) union":     abi.AlignedUnionOf(1<<40, fld(tI32)),
	} {
		if n := typ.Size(); n < 0 || n > abi.MaxTypeSize {
			t.Errorf("%s: Size() = %d", name, n)
		}
		classifyRefuses(t, name+" parameter", fn(tI32, typ), abi.ErrTooLarge)
		classifyRefuses(t, name+" result", fn(typ, tI32), abi.ErrTooLarge)
	}
	for name, typ := range map[string]*abi.Type{
		"negative length":    st(abi.ArrayOf(tI32, -1)),
		"aligned(3)":         abi.AlignedStructOf(3, false, fld(tI32)),
		"aligned(-8)":        abi.AlignedStructOf(-8, false, fld(tI32)),
		"nil member":         abi.StructOf(abi.Field{Name: "x"}),
		"array of nil":       st(abi.ArrayOf(nil, 2)),
		"literal member":     st(&abi.Type{Kind: abi.Struct}),
		"array of a literal": st(abi.ArrayOf(&abi.Type{Kind: abi.Int32}, 2)),
		"union of a literal": un(&abi.Type{Kind: abi.Int64}),
		"array of void":      st(abi.ArrayOf(tVoid, 2)),
		"aligned(-1) union":  abi.AlignedUnionOf(-1, fld(tI32)),
	} {
		classifyRefuses(t, name, fn(tI32, typ), abi.ErrMalformed)
	}

	// Types changed by hand after construction: the walk checks what the constructors
	// computed against the members, with arithmetic that cannot wrap.
	farOffset := *st(tI32)
	farOffset.Fields = []abi.Field{{Name: "x", Type: tI32, Offset: math.MaxInt - 2}}
	classifyRefuses(t, "member at offset MaxInt-2", fn(tI32, &farOffset), abi.ErrMalformed, `"x"`)
	negOffset := *st(tI32)
	negOffset.Fields = []abi.Field{{Name: "x", Type: tI32, Offset: -4}}
	classifyRefuses(t, "member at offset -4", fn(tI32, &negOffset), abi.ErrMalformed)
	longer := *abi.ArrayOf(tF32, 4)
	longer.Len = 1 << 62 // HFA counting multiplies by Len
	classifyRefuses(t, "array whose Len outgrew its size", fn(tI32, st(&longer)), abi.ErrTooLarge)
	longer.Len = 1 << 20
	classifyRefuses(t, "array whose Len disagrees with its size", fn(tI32, st(&longer)), abi.ErrMalformed)
	negLen := *abi.ArrayOf(tF32, 4)
	negLen.Len = -4
	classifyRefuses(t, "array of negative Len", fn(tI32, st(&negLen)), abi.ErrMalformed)
	aligned := *abi.AlignedStructOf(16, false, fld(tI32))
	aligned.AlignAttr = 1 << 40
	classifyRefuses(t, "aligned attribute above the alignment", fn(tI32, &aligned), abi.ErrMalformed)

	// What C allows up to the limit stays allowed.
	if err := abi.CheckType(abi.ArrayOf(tU8, abi.MaxTypeSize)); err != nil {
		t.Errorf("uint8_t[MaxTypeSize]: %v", err)
	}
	if _, err := abi.Classify(fn(tI32, st(abi.ArrayOf(tU8, abi.MaxTypeSize))), abi.SysV); err != nil {
		t.Errorf("a struct of MaxTypeSize bytes: %v", err)
	}
	if _, err := abi.Classify(fn(tI32, st(abi.ArrayOf(st(), abi.MaxTypeSize))), abi.SysV); err != nil {
		t.Errorf("an array of MaxTypeSize empty structs: %v", err)
	}
}

// TestWalksAreBounded builds types beyond the limits by hand, so that the constructors'
// own bookkeeping cannot help: every walk (Classify, CheckType, String, LayoutKey,
// Clone, Equal) must stop at the limit instead of overflowing the stack or running for
// ever.
func TestWalksAreBounded(t *testing.T) {
	// Three million array dimensions: the well-formedness check recursed once per
	// dimension and died with "fatal error: stack overflow".
	deep := tI32
	for range 1000 {
		deep = abi.ArrayOf(deep, 1)
	}
	classifyRefuses(t, "1000 dimensions", fn(tI32, st(deep)), abi.ErrTooDeep)
	handDeep := tI32
	for range 3_000_000 {
		a := *abi.ArrayOf(tI32, 1) // a copy carries no depth of its new element
		a.Elem = handDeep
		handDeep = &a
	}
	classifyRefuses(t, "3 million hand-linked dimensions", fn(tI32, st(handDeep)), abi.ErrTooDeep)

	// A type that contains itself.
	loop := *abi.ArrayOf(st(), 1)
	loop.Elem = &loop
	cyclic := fn(tI32, st(&loop))
	classifyRefuses(t, "an array of itself", cyclic, abi.ErrTooDeep)
	node := *st(tI32)
	node.Fields = []abi.Field{{Name: "self", Type: &node}}
	classifyRefuses(t, "a struct holding itself", fn(tI32, &node), abi.ErrTooDeep)

	// Each level holds the one below twice, empty so that no size grows: 2^22 members
	// in 22 levels, and 2^200 in 200.
	shared := st()
	for range 22 {
		level := *st()
		level.Fields = []abi.Field{{Name: "a", Type: shared}, {Name: "b", Type: shared}}
		shared = &level
	}
	classifyRefuses(t, "2^22 shared members", fn(tI32, shared), abi.ErrTooDeep, "members")
	for range 178 {
		level := *st()
		level.Fields = []abi.Field{{Name: "a", Type: shared}, {Name: "b", Type: shared}}
		shared = &level
	}
	classifyRefuses(t, "2^200 shared members", fn(tI32, shared), abi.ErrTooDeep, "members")
	built := st()
	for range 30 {
		built = abi.StructOf(abi.Field{Name: "a", Type: built}, abi.Field{Name: "b", Type: built})
	}
	if err := abi.CheckType(built); !errors.Is(err, abi.ErrTooDeep) {
		t.Errorf("2^30 members built with StructOf: %v, want ErrTooDeep", err)
	}

	// The limit counts for the whole signature: 64 parameters sharing one type of 2^15
	// members made Clone build 2^21 types from 20 kilobytes of text.
	wide := st()
	for range 15 {
		wide = abi.StructOf(abi.Field{Name: "a", Type: wide}, abi.Field{Name: "b", Type: wide})
	}
	if err := abi.CheckType(wide); err != nil {
		t.Fatalf("2^15 members: %v", err)
	}
	many := fn(tVoid)
	for range 64 {
		many.Params = append(many.Params, wide)
	}
	classifyRefuses(t, "64 parameters of 2^15 members each", many, abi.ErrTooDeep, "in all")
	if c := many.Clone(); c.Params[63] != wide {
		t.Error("Clone copied more members than the signature may hold")
	}

	for name, sig := range map[string]*abi.Signature{
		"hand-linked dimensions": fn(tI32, st(handDeep)),
		"cycle":                  cyclic,
		"shared members":         fn(tI32, shared),
	} {
		if n := len(sig.String()); n > 1<<22 {
			t.Errorf("%s: String() is %d bytes", name, n)
		}
		if n := len(abi.LayoutKey(sig)); n > 1<<24 {
			t.Errorf("%s: LayoutKey is %d bytes", name, n)
		}
		c := sig.Clone()
		if !abi.EqualSignatures(c, c) || abi.EqualSignatures(c, fn(tI32, tI32)) {
			t.Errorf("%s: EqualSignatures of the clone is wrong", name)
		}
		abi.EqualSignatures(sig, c) // must return, either way
		if _, err := abi.Classify(c, abi.SysV); err == nil {
			t.Errorf("%s: the clone classifies", name)
		}
	}
	if abi.LayoutKey(nil) == abi.LayoutKey(fn(tVoid)) || (*abi.Signature)(nil).Clone() != nil {
		t.Error("LayoutKey or Clone of a nil signature")
	}
	if _, err := abi.Classify(nil, abi.SysV); !errors.Is(err, abi.ErrMalformed) {
		t.Errorf("Classify(nil) = %v, want ErrMalformed", err)
	}
}

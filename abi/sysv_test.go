package abi_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/jitffi/jitffi/abi"
)

func regs(rs ...abi.Reg) []abi.Reg { return rs }

func mustClassify(t *testing.T, sig *abi.Signature) *abi.Plan {
	t.Helper()
	p, err := abi.Classify(sig, abi.SysV)
	if err != nil {
		t.Fatalf("Classify: %v", err)
	}
	checkInvariants(t, p)
	return p
}

// checkInvariants asserts what must hold for every SysV plan whatever the rules say, so
// that a table or golden case that checks only one argument still catches a register
// handed out twice or overlapping stack slots.
func checkInvariants(t *testing.T, p *abi.Plan) {
	t.Helper()
	used := map[abi.Reg]string{}
	use := func(r abi.Reg, who string) {
		if prev, ok := used[r]; ok {
			t.Errorf("%v used by %s and %s\n%v", r, prev, who, p)
		}
		used[r] = who
	}
	if p.Result.Indirect {
		use(p.Result.HiddenReg, "hidden result pointer")
	}
	var slots [][2]int
	for i, a := range p.Args {
		who := fmt.Sprintf("arg %d", i)
		switch a.Passing {
		case abi.InRegisters:
			for _, pt := range a.Parts {
				use(pt.Reg, who)
			}
		case abi.OnStack:
			if a.StackOffset%8 != 0 || a.StackOffset%max(8, a.Type.Align()) != 0 {
				t.Errorf("%s at misaligned stack+%d\n%v", who, a.StackOffset, p)
			}
			for _, s := range slots {
				if a.StackOffset < s[1] && s[0] < a.StackOffset+a.StackSize {
					t.Errorf("%s overlaps another stack argument\n%v", who, p)
				}
			}
			slots = append(slots, [2]int{a.StackOffset, a.StackOffset + a.StackSize})
			if a.StackOffset+a.StackSize > p.StackSize {
				t.Errorf("%s beyond the stack area\n%v", who, p)
			}
		}
	}
	if p.StackSize%p.StackAlign != 0 || p.StackAlign < 16 {
		t.Errorf("stack %d align %d", p.StackSize, p.StackAlign)
	}
	if p.ShadowSize != 0 || p.CopySize != 0 || p.CopyAlign != 1 {
		t.Errorf("SysV has no shadow or copy area: %+v", p)
	}
}

// argRegs returns the registers of argument i, in part order.
func argRegs(p *abi.Plan, i int) []abi.Reg {
	var rs []abi.Reg
	for _, pt := range p.Args[i].Parts {
		rs = append(rs, pt.Reg)
	}
	return rs
}

func resultRegs(p *abi.Plan) []abi.Reg {
	var rs []abi.Reg
	for _, pt := range p.Result.Parts {
		rs = append(rs, pt.Reg)
	}
	return rs
}

func sameRegs(a, b []abi.Reg) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func TestClassifyUnregisteredABI(t *testing.T) {
	// ABI 0 is no calling convention at all, so no file can ever register it.
	_, err := abi.Classify(fn(tVoid), abi.ABI(0))
	if !errors.Is(err, abi.ErrUnsupportedABI) {
		t.Fatalf("Classify with an unregistered ABI: err = %v, want ErrUnsupportedABI", err)
	}
}

func TestHostIsSysV(t *testing.T) {
	if runtime.GOOS != "windows" && runtime.GOARCH == "amd64" && abi.Host != abi.SysV {
		t.Fatalf("Host = %v on %s/%s, want sysv", abi.Host, runtime.GOOS, runtime.GOARCH)
	}
}

func TestSysVMalformed(t *testing.T) {
	voidMember := &abi.Type{Kind: abi.Struct, Fields: []abi.Field{{Name: "v", Type: tVoid}}}
	nilMember := &abi.Type{Kind: abi.Struct, Fields: []abi.Field{{Name: "n"}}}
	for name, sig := range map[string]*abi.Signature{
		"no result":          {Params: []*abi.Type{tI32}, Fixed: -1},
		"void param":         fn(tVoid, tVoid),
		"array param":        fn(tVoid, abi.ArrayOf(tI32, 2)),
		"array result":       fn(abi.ArrayOf(tI32, 2)),
		"fixed out of range": variadic(3, tVoid, tI32),
		"void member":        fn(tVoid, voidMember),
		"nil member":         fn(nilMember),
		"literal scalar":     fn(tVoid, st(&abi.Type{Kind: abi.Int32})),
		"literal struct":     fn(tVoid, &abi.Type{Kind: abi.Struct}),
	} {
		if p, err := abi.Classify(sig, abi.SysV); err == nil {
			t.Errorf("%s: no error, plan\n%v", name, p)
		}
	}
}

// TestSysVArgs checks where arguments go, one psABI rule per row.
func TestSysVArgs(t *testing.T) {
	five := []*abi.Type{tI64, tI64, tI64, tI64, tI64}
	packedCI := abi.PackedStructOf(fld(tI8), fld(tI32))
	packedIC := abi.PackedStructOf(fld(tI32), fld(tI8))
	for _, c := range []struct {
		name string
		sig  *abi.Signature
		arg  int
		want []abi.Reg // nil: on the stack at stack
		stk  int
	}{
		{"ints in order", fn(tVoid, tI32, tI64, tPtr, tBool, tU16, tI8, tI32), 5, regs(abi.R9), 0},
		{"seventh int on stack", fn(tVoid, tI32, tI64, tPtr, tBool, tU16, tI8, tI32), 6, nil, 0},
		{"floats in order", fn(tVoid, tF32, tF64, tF32, tF64, tF32, tF64, tF32, tF64, tF64), 7, regs(abi.XMM7), 0},
		{"ninth float on stack", fn(tVoid, tF32, tF64, tF32, tF64, tF32, tF64, tF32, tF64, tF64), 8, nil, 0},
		{"ints and floats count apart", fn(tVoid, tF64, tI32, tF64), 2, regs(abi.XMM1), 0},
		{"int and float share an eightbyte", fn(tVoid, st(tI32, tF32)), 0, regs(abi.RDI), 0},
		{"union of float and int", fn(tVoid, un(tF32, tI32)), 0, regs(abi.RDI), 0},
		{"char then double", fn(tVoid, st(tI8, tF64)), 0, regs(abi.RDI, abi.XMM0), 0},
		{"three floats", fn(tVoid, st(tF32, tF32, tF32)), 0, regs(abi.XMM0, abi.XMM1), 0},
		{"float array then double", fn(tVoid, st(abi.ArrayOf(tF32, 2), tF64)), 0, regs(abi.XMM0, abi.XMM1), 0},
		{"int array then float", fn(tVoid, st(abi.ArrayOf(tI32, 3), tF32)), 0, regs(abi.RDI, abi.RSI), 0},
		{"nested float struct", fn(tVoid, st(st(tF32, tF32), st(tF64))), 0, regs(abi.XMM0, abi.XMM1), 0},
		{"over 16 bytes", fn(tVoid, st(tI64, tI64, tI8)), 0, nil, 0},
		{"packed misaligned", fn(tVoid, packedCI), 0, nil, 0},
		{"packed but aligned", fn(tVoid, packedIC), 0, regs(abi.RDI), 0},
		{"all or nothing, back-fill", fn(tVoid, append(five, st(tI64, tI64), tI64)...), 6, regs(abi.R9), 0},
		{"all or nothing, struct", fn(tVoid, append(five, st(tI64, tI64), tI64)...), 5, nil, 0},
		{"sse all or nothing", fn(tVoid, tF64, tF64, tF64, tF64, tF64, tF64, tF64, st(tF64, tF64), tF64), 7, nil, 0},
		{"sse back-fill", fn(tVoid, tF64, tF64, tF64, tF64, tF64, tF64, tF64, st(tF64, tF64), tF64), 8, regs(abi.XMM7), 0},
		{"16-aligned stack arg", fn(tVoid, append(five, tI64, tI64, abi.AlignedStructOf(16, false, fld(tI64), fld(tI64)))...), 7, nil, 16},
		{"hidden pointer takes rdi", fn(st(tI64, tI64, tI64), tI32), 0, regs(abi.RSI), 0},
		{"empty struct takes nothing", fn(tVoid, st(), tI32), 1, regs(abi.RDI), 0},
		{"trailing padding eightbyte", fn(tVoid, abi.AlignedStructOf(16, false, fld(tI8)), tI32), 1, regs(abi.RSI), 0},
	} {
		p := mustClassify(t, c.sig)
		a := p.Args[c.arg]
		if c.want == nil {
			if a.Passing != abi.OnStack || a.StackOffset != c.stk {
				t.Errorf("%s: arg %d is not at stack+%d\n%v", c.name, c.arg, c.stk, p)
			}
		} else if a.Passing != abi.InRegisters || !sameRegs(argRegs(p, c.arg), c.want) {
			t.Errorf("%s: arg %d not in %v\n%v", c.name, c.arg, c.want, p)
		}
	}
}

func TestSysVResults(t *testing.T) {
	for _, c := range []struct {
		name     string
		result   *abi.Type
		want     []abi.Reg
		indirect bool
	}{
		{"void", tVoid, nil, false},
		{"empty struct", st(), nil, false},
		{"int", tI32, regs(abi.RAX), false},
		{"double", tF64, regs(abi.XMM0), false},
		{"two longs", st(tI64, tI64), regs(abi.RAX, abi.RDX), false},
		{"two doubles", st(tF64, tF64), regs(abi.XMM0, abi.XMM1), false},
		{"double then long", st(tF64, tI64), regs(abi.XMM0, abi.RAX), false},
		{"long then double", st(tI64, tF64), regs(abi.RAX, abi.XMM0), false},
		{"three floats", st(tF32, tF32, tF32), regs(abi.XMM0, abi.XMM1), false},
		{"float array", st(abi.ArrayOf(tF32, 4)), regs(abi.XMM0, abi.XMM1), false},
		{"over 16 bytes", st(tI64, tI64, tI64), nil, true},
		{"packed misaligned", abi.PackedStructOf(fld(tI8), fld(tF32)), nil, true},
	} {
		p := mustClassify(t, fn(c.result))
		r := p.Result
		if r.Indirect != c.indirect || !sameRegs(resultRegs(p), c.want) {
			t.Errorf("%s: result not in %v (indirect %v)\n%v", c.name, c.want, c.indirect, p)
		}
		if r.Indirect && (r.HiddenReg != abi.RDI || r.ReturnedIn != abi.RAX) {
			t.Errorf("%s: hidden pointer %v returned in %v, want rdi and rax", c.name, r.HiddenReg, r.ReturnedIn)
		}
	}
}

// TestSysVPartSizes checks that the last eightbyte of a value covers only its tail, so
// that a stub never reads or writes past the end of a 12-byte struct.
func TestSysVPartSizes(t *testing.T) {
	p := mustClassify(t, fn(st(tF32, tF32, tF32), st(tI32, tI32, tI32), st(tI8, tI8, tI8)))
	want := [][]abi.Part{
		{{Offset: 0, Size: 8, Reg: abi.RDI}, {Offset: 8, Size: 4, Reg: abi.RSI}},
		{{Offset: 0, Size: 3, Reg: abi.RDX}},
	}
	for i, w := range want {
		if fmt.Sprint(p.Args[i].Parts) != fmt.Sprint(w) {
			t.Errorf("arg %d parts %v, want %v", i, p.Args[i].Parts, w)
		}
	}
	if got := fmt.Sprint(p.Result.Parts); got != fmt.Sprint([]abi.Part{{0, 8, abi.XMM0, 0}, {8, 4, abi.XMM1, 0}}) {
		t.Errorf("result parts %s", got)
	}
}

func TestSysVExtension(t *testing.T) {
	sig := fn(tI8, tBool, tI8, tU8, tI16, tU16, tI32, tI64, tI8, tU16, tBool)
	p := mustClassify(t, sig)
	want := []abi.Extension{abi.ZeroExtend32, abi.SignExtend32, abi.ZeroExtend32, abi.SignExtend32,
		abi.ZeroExtend32, abi.NoExtension, abi.NoExtension, abi.SignExtend32, abi.ZeroExtend32, abi.ZeroExtend32}
	for i, w := range want {
		if p.Args[i].Extend != w {
			t.Errorf("arg %d (%v, %v): extension %v, want %v", i, sig.Params[i].Kind, p.Args[i].Passing, p.Args[i].Extend, w)
		}
	}
	if p.Result.Extend != abi.SignExtend32 {
		t.Errorf("int8 result: extension %v, want sign", p.Result.Extend)
	}
	if p := mustClassify(t, fn(tBool)); p.Result.Extend != abi.ZeroExtend32 {
		t.Errorf("bool result: extension %v, want zero", p.Result.Extend)
	}
	if p := mustClassify(t, fn(st(tI8), st(tI8))); p.Result.Extend != abi.NoExtension || p.Args[0].Extend != abi.NoExtension {
		t.Errorf("a struct of one char is not an integer to extend\n%v", p)
	}
}

func TestSysVVariadic(t *testing.T) {
	p := mustClassify(t, variadic(1, tI32, tPtr, tF32, tI8, tF64, st(tF32, tF32), tU16))
	a := p.Args[1]
	if !a.Promoted || a.Type.Kind != abi.Float64 || !sameRegs(argRegs(p, 1), regs(abi.XMM0)) {
		t.Errorf("variadic float not promoted to double in xmm0\n%v", p)
	}
	if p.Args[2].Promoted || p.Args[2].Type != tI8 || p.Args[2].Extend != abi.SignExtend32 {
		t.Errorf("variadic char should keep its type and be sign-extended\n%v", p)
	}
	if p.Args[5].Extend != abi.ZeroExtend32 {
		t.Errorf("variadic unsigned short should be zero-extended\n%v", p)
	}
	if p.Args[4].Promoted || !sameRegs(argRegs(p, 4), regs(abi.XMM2)) {
		t.Errorf("a struct of floats is not promoted\n%v", p)
	}
	if p.VectorCount != 3 {
		t.Errorf("VectorCount %d, want 3", p.VectorCount)
	}
	if p := mustClassify(t, variadic(1, tVoid, tF32, tF32)); p.Args[0].Promoted || p.VectorCount != 2 {
		t.Errorf("a fixed float is not promoted, but counts for al\n%v", p)
	}
	if p := mustClassify(t, fn(tVoid, tF64)); p.VectorCount != -1 {
		t.Errorf("non-variadic VectorCount %d, want -1", p.VectorCount)
	}
	many := make([]*abi.Type, 10)
	for i := range many {
		many[i] = tF64
	}
	if p := mustClassify(t, variadic(1, tVoid, many...)); p.VectorCount != 8 {
		t.Errorf("VectorCount %d with 10 doubles, want 8", p.VectorCount)
	}
	if _, err := abi.Classify(variadic(0, tVoid, tF64), abi.SysV); err == nil {
		t.Error("a variadic signature with no fixed parameter classified; want an error")
	}
}

func TestSysVStack(t *testing.T) {
	six := []*abi.Type{tI64, tI64, tI64, tI64, tI64, tI64}
	p := mustClassify(t, fn(tVoid, append(six, tI8, abi.AlignedStructOf(16, false, fld(tI32)), tI32, st(tI64, tI64, tI8))...))
	for i, w := range map[int][2]int{6: {0, 8}, 7: {16, 16}, 8: {32, 8}, 9: {40, 24}} {
		if a := p.Args[i]; a.Passing != abi.OnStack || a.StackOffset != w[0] || a.StackSize != w[1] {
			t.Errorf("arg %d not at stack+%d size %d\n%v", i, w[0], w[1], p)
		}
	}
	if p.StackSize != 64 || p.StackAlign != 16 {
		t.Errorf("stack %d align %d, want 64 align 16", p.StackSize, p.StackAlign)
	}
	// gcc realigns its outgoing area for an over-aligned stack argument.
	p = mustClassify(t, fn(tVoid, tI32, abi.AlignedStructOf(32, false, fld(tI64)), tI32))
	if a := p.Args[1]; a.StackOffset != 0 || a.StackSize != 32 || p.StackAlign != 32 || p.StackSize != 32 {
		t.Errorf("32-aligned struct\n%v", p)
	}
}

// TestPlanTextShapes prints plans that only other ABIs produce, so that their text is
// settled before those classifiers exist: by-reference copies with the pointer in a
// register or on the stack, duplicated registers, arm64 registers, a shadow area and an
// indirect result that is not handed back.
func TestPlanTextShapes(t *testing.T) {
	s16 := st(tI64, tI64)
	p := &abi.Plan{
		ABI: abi.Win64,
		Sig: variadic(2, s16, s16, s16, tF64, tI8),
		Args: []abi.ArgPlan{
			{Type: s16, Passing: abi.ByReference, PointerReg: abi.RDX, CopyOffset: 0},
			{Type: s16, Passing: abi.ByReference, StackOffset: 8, StackSize: 8, CopyOffset: 16},
			{Type: tF64, Passing: abi.InRegisters, Parts: []abi.Part{{Size: 8, Reg: abi.XMM3, Dup: abi.R9}}},
			{Type: tI8, Passing: abi.OnStack, StackOffset: 16, StackSize: 8},
		},
		Result:      abi.ResultPlan{Type: s16, Indirect: true, HiddenReg: abi.RCX, ReturnedIn: abi.RAX},
		StackSize:   32,
		StackAlign:  16,
		ShadowSize:  32,
		CopySize:    32,
		CopyAlign:   16,
		VectorCount: -1,
	}
	want := `abi win64
sig struct{int64_t f0; int64_t f1;} (struct{int64_t f0; int64_t f1;}, struct{int64_t f0; int64_t f1;}, ..., double, int8_t)
arg 0 struct{...}: byref copy+0 ptr rdx
arg 1 struct{...}: byref copy+16 ptr stack+8
arg 2 double: xmm3 dup r9
arg 3 int8_t: stack+16 size 8
result struct{...}: indirect rcx, returned in rax
stack 32 align 16
shadow 32
copy 32 align 16
`
	if got := p.String(); got != want {
		t.Errorf("Win64-shaped plan:\n%s\nwant\n%s", got, want)
	}

	hfa := st(tF32, tF32, tF32)
	p = &abi.Plan{
		ABI: abi.AAPCS64,
		Sig: fn(st(tI64, tI64, tI64), hfa, tI16),
		Args: []abi.ArgPlan{
			{Type: hfa, Parts: []abi.Part{{0, 4, abi.V0, 0}, {4, 4, abi.V1, 0}, {8, 4, abi.V2, 0}}},
			{Type: tI16, Parts: []abi.Part{{0, 2, abi.X0, 0}}},
		},
		Result:      abi.ResultPlan{Type: st(tI64, tI64, tI64), Indirect: true, HiddenReg: abi.X8},
		StackAlign:  16,
		CopyAlign:   1,
		VectorCount: -1,
	}
	want = `abi aapcs64
sig struct{int64_t f0; int64_t f1; int64_t f2;} (struct{float f0; float f1; float f2;}, int16_t)
arg 0 struct{...}: v0[0:4] v1[4:8] v2[8:12]
arg 1 int16_t: x0
result struct{...}: indirect x8
stack 0 align 16
`
	if got := p.String(); got != want {
		t.Errorf("AAPCS64-shaped plan:\n%s\nwant\n%s", got, want)
	}
}

// TestSysVRandomInvariants classifies random signatures without gcc, so that every run
// checks the invariants on shapes nobody wrote a table row for.
func TestSysVRandomInvariants(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		p := mustClassify(t, randomSignature(r))
		if p.String() == "" {
			t.Fatal("empty plan text")
		}
	}
}

// TestSysVGolden compares plans with testdata/sysv/*.txt; -update rewrites the expected
// text, and -gcc also checks every golden signature against gcc.
func TestSysVGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "sysv", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	var sigs []*abi.Signature
	for _, path := range files {
		got := map[int]string{}
		for _, c := range readGolden(t, path) {
			where := fmt.Sprintf("%s:%d (%s)", path, c.line, c.name)
			sig, err := abi.ParseSignature(c.call)
			if err != nil {
				t.Errorf("%s: %v", where, err)
				continue
			}
			p, err := abi.Classify(sig, abi.SysV)
			if err != nil {
				t.Errorf("%s: %v", where, err)
				continue
			}
			checkInvariants(t, p)
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
	t.Run("gcc", func(t *testing.T) { checkAgainstGCC(t, sigs) })
}

package abi_test

import (
	"errors"
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

// Shorthands keep the tables readable as C declarations.
var (
	tVoid = abi.Scalar(abi.Void)
	tBool = abi.Scalar(abi.Bool)
	tI8   = abi.Scalar(abi.Int8)
	tI16  = abi.Scalar(abi.Int16)
	tI32  = abi.Scalar(abi.Int32)
	tI64  = abi.Scalar(abi.Int64)
	tU8   = abi.Scalar(abi.Uint8)
	tU16  = abi.Scalar(abi.Uint16)
	tF32  = abi.Scalar(abi.Float32)
	tF64  = abi.Scalar(abi.Float64)
	tPtr  = abi.Scalar(abi.Pointer)
)

func fld(t *abi.Type) abi.Field { return abi.Field{Type: t} }

func st(ts ...*abi.Type) *abi.Type {
	fs := make([]abi.Field, len(ts))
	for i, t := range ts {
		fs[i] = abi.Field{Name: fmt.Sprintf("f%d", i), Type: t}
	}
	return abi.StructOf(fs...)
}

func un(ts ...*abi.Type) *abi.Type {
	fs := make([]abi.Field, len(ts))
	for i, t := range ts {
		fs[i] = abi.Field{Name: fmt.Sprintf("f%d", i), Type: t}
	}
	return abi.UnionOf(fs...)
}

func fn(result *abi.Type, params ...*abi.Type) *abi.Signature {
	return &abi.Signature{Result: result, Params: params, Fixed: -1}
}

func variadic(fixed int, result *abi.Type, params ...*abi.Type) *abi.Signature {
	return &abi.Signature{Result: result, Params: params, Fixed: fixed}
}

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

// The -update and -gcc flags are generic enough that other test files of this package may
// want them too, so they are registered only if no other file has, and read by name.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files with the current output")
	}
	if flag.Lookup("gcc") == nil {
		flag.Bool("gcc", false, "check plans against gcc-compiled callers (needs gcc on the ABI's host)")
	}
}

func boolFlag(name string) bool {
	f := flag.Lookup(name)
	return f != nil && f.Value.String() == "true"
}

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

// tableSignatures collects signatures from the table tests above for the gcc check.
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

// randomType returns a type biased towards the small aggregates where the rules bite.
func randomType(r *rand.Rand, depth int) *abi.Type {
	scalarKinds := []abi.Kind{abi.Bool, abi.Int8, abi.Int16, abi.Int32, abi.Int64, abi.Uint8,
		abi.Uint16, abi.Uint32, abi.Uint64, abi.Float32, abi.Float64, abi.Pointer,
		abi.Float32, abi.Float64, abi.Float32}
	if depth > 2 || r.IntN(3) > 0 {
		return abi.Scalar(scalarKinds[r.IntN(len(scalarKinds))])
	}
	n := r.IntN(4)
	if depth == 0 {
		n++
	}
	fs := make([]abi.Field, n)
	for i := range fs {
		ft := randomType(r, depth+1)
		if r.IntN(5) == 0 {
			ft = abi.ArrayOf(ft, r.IntN(4))
		}
		fs[i] = abi.Field{Name: fmt.Sprintf("m%d", i), Type: ft}
	}
	switch r.IntN(12) {
	case 0:
		return abi.UnionOf(fs...)
	case 1:
		return abi.AlignedUnionOf(1<<r.IntN(5), fs...)
	case 2, 3:
		return abi.PackedStructOf(fs...)
	case 4:
		return abi.AlignedStructOf(1<<r.IntN(6), r.IntN(2) == 0, fs...)
	}
	return abi.StructOf(fs...)
}

func randomSignature(r *rand.Rand) *abi.Signature {
	sig := &abi.Signature{Result: tVoid, Fixed: -1}
	if r.IntN(5) > 0 {
		sig.Result = randomType(r, 0)
	}
	for range r.IntN(14) {
		sig.Params = append(sig.Params, randomType(r, 0))
	}
	if len(sig.Params) > 0 && r.IntN(3) == 0 {
		sig.Fixed = 1 + r.IntN(len(sig.Params)) // C needs a named parameter before ...
	}
	return sig
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

// probeSpan bounds both the stack bytes the argument probe saves and the size of an
// indirect result the result probe fills; larger random cases are skipped.
const probeSpan = 2048

// retPattern returns the bytes the result probe leaves in a result register, or for NoReg
// in an indirect result's buffer.
func retPattern(r abi.Reg) []byte {
	if r == abi.NoReg {
		b := make([]byte, probeSpan)
		for i := range b {
			b[i] = byte(0x50 + 7*i)
		}
		return b
	}
	base := map[abi.Reg]byte{abi.RAX: 0x10, abi.RDX: 0x20, abi.XMM0: 0x30, abi.XMM1: 0x40}[r]
	b := make([]byte, 16)
	for i := range b {
		b[i] = base + byte(i)
	}
	return b
}

func probeSource() string {
	mem := retPattern(abi.NoReg)
	lit := make([]string, len(mem))
	for i, b := range mem {
		lit[i] = strconv.Itoa(int(b))
	}
	return strings.NewReplacer("STACKDUMP", strconv.Itoa(probeSpan),
		"RETMEM", ".byte "+strings.Join(lit, ",")).Replace(probeAsm)
}

const probeAsm = `
__asm__(
".data\n"
".globl saved\n"
"saved: .zero 7*8+8*16+STACKDUMP\n"
"ret_indirect: .quad 0\n"
".globl ret_size\n"
"ret_size: .quad 0\n"
"ret_mem: RETMEM\n"
"ret_rax: .byte 0x10,0x11,0x12,0x13,0x14,0x15,0x16,0x17\n"
"ret_rdx: .byte 0x20,0x21,0x22,0x23,0x24,0x25,0x26,0x27\n"
"ret_xmm0: .byte 0x30,0x31,0x32,0x33,0x34,0x35,0x36,0x37,0x38,0x39,0x3a,0x3b,0x3c,0x3d,0x3e,0x3f\n"
"ret_xmm1: .byte 0x40,0x41,0x42,0x43,0x44,0x45,0x46,0x47,0x48,0x49,0x4a,0x4b,0x4c,0x4d,0x4e,0x4f\n"
".text\n"
".globl probe_args\n"
"probe_args:\n"
"  movq %rdi, saved+0(%rip)\n"
"  movq %rsi, saved+8(%rip)\n"
"  movq %rdx, saved+16(%rip)\n"
"  movq %rcx, saved+24(%rip)\n"
"  movq %r8, saved+32(%rip)\n"
"  movq %r9, saved+40(%rip)\n"
"  movq %rax, saved+48(%rip)\n"
"  movdqu %xmm0, saved+56(%rip)\n"
"  movdqu %xmm1, saved+72(%rip)\n"
"  movdqu %xmm2, saved+88(%rip)\n"
"  movdqu %xmm3, saved+104(%rip)\n"
"  movdqu %xmm4, saved+120(%rip)\n"
"  movdqu %xmm5, saved+136(%rip)\n"
"  movdqu %xmm6, saved+152(%rip)\n"
"  movdqu %xmm7, saved+168(%rip)\n"
"  leaq 8(%rsp), %rsi\n"
"  leaq saved+184(%rip), %rdi\n"
"  movl $STACKDUMP, %ecx\n"
"  rep movsb\n"
"  movq saved+0(%rip), %rax\n" /* an indirect result's buffer, as the callee must return it */
"  ret\n"
".globl probe_ret\n"
"probe_ret:\n"
"  movq $0, ret_indirect(%rip)\n"
"  cmpq $0x1234, %rdi\n" /* the call's only argument: rdi holds it unless a hidden pointer came first */
"  je 1f\n"
"  movq $1, ret_indirect(%rip)\n"
"  leaq ret_mem(%rip), %rsi\n"
"  movq ret_size(%rip), %rcx\n"
"  movq %rdi, %rax\n"
"  rep movsb\n"
"  ret\n"
"1:\n"
"  movq ret_rax(%rip), %rax\n"
"  movq ret_rdx(%rip), %rdx\n"
"  movdqu ret_xmm0(%rip), %xmm0\n"
"  movdqu ret_xmm1(%rip), %xmm1\n"
"  ret\n"
);
extern unsigned char saved[];
extern long ret_indirect, ret_size;
void probe_args(void);
void probe_ret(void);
static void hex(const char *tag, const void *p, int n) {
	const unsigned char *b = p;
	printf("%s ", tag);
	for (int i = 0; i < n; i++) printf("%02x", b[i]);
	printf("\n");
}
static void dump_args(int k) {
	printf("case %d\n", k);
	hex("gp", saved, 7*8);
	hex("xmm", saved+56, 8*16);
	hex("stack", saved+184, STACKDUMP);
}
static void dump_ret(const void *r, int n) {
	printf("ret %ld ", ret_indirect);
	hex("", r, n);
}
`

// cTypes names every type of the generated C file.
type cTypes struct {
	b     strings.Builder
	names map[*abi.Type]string
}

var cScalarNames = map[abi.Kind]string{
	abi.Bool: "_Bool", abi.Int8: "signed char", abi.Int16: "short", abi.Int32: "int",
	abi.Int64: "long", abi.Uint8: "unsigned char", abi.Uint16: "unsigned short",
	abi.Uint32: "unsigned", abi.Uint64: "unsigned long", abi.Float32: "float",
	abi.Float64: "double", abi.Pointer: "void *", abi.Void: "void",
}

// name returns a C name for t, declaring a typedef (with a layout check, so a
// disagreement between the Go type model and gcc shows up as a compile error) first.
func (c *cTypes) name(t *abi.Type) string {
	if t.Kind.IsScalar() || t.Kind == abi.Void {
		return cScalarNames[t.Kind]
	}
	if n, ok := c.names[t]; ok {
		return n
	}
	var decl string
	if t.Kind == abi.Array {
		elem := c.name(t.Elem)
		n := fmt.Sprintf("T%d", len(c.names))
		decl = fmt.Sprintf("typedef %s %s[%d];\n", elem, n, t.Len)
		c.names[t] = n
		c.b.WriteString(decl)
	} else {
		members := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			members[i] = fmt.Sprintf("%s m%d;", c.name(f.Type), i)
		}
		n := fmt.Sprintf("T%d", len(c.names))
		var attrs []string
		if t.Packed {
			attrs = append(attrs, "packed")
		}
		if t.AlignAttr > 0 {
			attrs = append(attrs, fmt.Sprintf("aligned(%d)", t.AlignAttr))
		}
		attr := ""
		if len(attrs) > 0 {
			attr = "__attribute__((" + strings.Join(attrs, ", ") + ")) "
		}
		kw := map[abi.Kind]string{abi.Struct: "struct", abi.Union: "union"}[t.Kind]
		fmt.Fprintf(&c.b, "typedef %s %s{ %s } %s;\n", kw, attr, strings.Join(members, " "), n)
		c.names[t] = n
	}
	n := c.names[t]
	fmt.Fprintf(&c.b, "_Static_assert(sizeof(%s) == %d && _Alignof(%s) == %d, \"layout of %s\");\n",
		n, t.Size(), n, t.Align(), n)
	return n
}

// cDecls spells out the C types of a signature, for failure messages.
func cDecls(sig *abi.Signature) string {
	ct := &cTypes{names: map[*abi.Type]string{}}
	var ps []string
	for _, t := range sig.Params {
		ps = append(ps, ct.name(t))
	}
	return ct.b.String() + ct.name(sig.Result) + " f(" + strings.Join(ps, ", ") + ")\n"
}

func gccSource(cases []*gccCase) string {
	ct := &cTypes{names: map[*abi.Type]string{}}
	var body strings.Builder
	r := rand.New(rand.NewPCG(3, 4))
	for k, c := range cases {
		sig := c.sig
		res := ct.name(sig.Result)
		proto := probePrototype(ct, sig)
		fmt.Fprintf(&body, "void case%d(void) {\n", k)
		args, names := declareArgs(&body, ct, r, sig)
		c.args = append(c.args, args...)
		fmt.Fprintf(&body, "\t((%s (*)(%s))probe_args)(%s);\n\tdump_args(%d);\n", res, proto, strings.Join(names, ", "), k)
		if sig.Result.Kind != abi.Void {
			fmt.Fprintf(&body, "\tret_size = sizeof(%s);\n\t%s r = ((%s (*)(long))probe_ret)(0x1234);\n\tdump_ret(&r, sizeof r);\n", res, res, res)
		} else {
			body.WriteString("\tprintf(\"ret 0 \\n\");\n")
		}
		body.WriteString("}\n")
	}
	var src strings.Builder
	src.WriteString("#include <stdio.h>\n#include <string.h>\n")
	src.WriteString(probeSource())
	src.WriteString(ct.b.String())
	src.WriteString(body.String())
	src.WriteString("int main(void) {\n")
	for k := range cases {
		fmt.Fprintf(&src, "\tcase%d();\n", k)
	}
	src.WriteString("\treturn 0;\n}\n")
	return src.String()
}

// argBytes returns the bytes to pass for a value of type t: random, except that a bool
// must be 0 or 1, floats are ordinary numbers (so promotion to double is exact and no
// NaN gets quietened), and narrow integers are negative so that extension shows.
// probePrototype returns the parameter list of a pointer to a function of sig's type, the
// way the probes call through it: the fixed parameters, then ", ..." for a variadic call,
// or "void" when there are none.
func probePrototype(ct *cTypes, sig *abi.Signature) string {
	var fixed []string
	for i, t := range sig.Params {
		if !sig.IsVariadic() || i < sig.Fixed {
			fixed = append(fixed, ct.name(t))
		}
	}
	switch {
	case sig.IsVariadic():
		return strings.Join(fixed, ", ") + ", ..."
	case len(fixed) == 0:
		return "void"
	}
	return strings.Join(fixed, ", ")
}

// declareArgs writes, for each parameter of sig, a local a<i> filled from random bytes
// (argBytes), and returns those bytes and the locals' names in order.
func declareArgs(body *strings.Builder, ct *cTypes, r *rand.Rand, sig *abi.Signature) (args [][]byte, names []string) {
	for i, t := range sig.Params {
		b := argBytes(r, t)
		args = append(args, b)
		lit := make([]string, len(b))
		for j, x := range b {
			lit[j] = strconv.Itoa(int(x))
		}
		fmt.Fprintf(body, "\t%s a%d; static const unsigned char p%d[] = {%s}; memcpy(&a%d, p%d, sizeof a%d);\n",
			ct.name(t), i, i, strings.Join(append(lit, "0"), ","), i, i, i)
		names = append(names, fmt.Sprintf("a%d", i))
	}
	return args, names
}

func argBytes(r *rand.Rand, t *abi.Type) []byte {
	b := make([]byte, t.Size())
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	var fix func(t *abi.Type, off int)
	fix = func(t *abi.Type, off int) {
		switch t.Kind {
		case abi.Bool:
			b[off] = 1
		case abi.Int8, abi.Uint8, abi.Int16, abi.Uint16:
			b[off+t.Size()-1] |= 0x80
		case abi.Float32:
			putLE(b[off:off+4], uint64(math.Float32bits(float32(r.IntN(1000))+0.25)))
		case abi.Float64:
			putLE(b[off:off+8], math.Float64bits(float64(r.IntN(1000))+0.125))
		case abi.Struct:
			for _, f := range t.Fields {
				fix(f.Type, off+f.Offset)
			}
		case abi.Union:
			// Any member's bytes make a valid union, and a union is passed by its bits.
		case abi.Array:
			for i := 0; i < t.Len; i++ {
				fix(t.Elem, off+i*t.Elem.Size())
			}
		}
	}
	fix(t, 0)
	return b
}

func putLE(b []byte, v uint64) {
	for i := range b {
		b[i] = byte(v >> (8 * i))
	}
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

// meaningful marks the bytes of a value of type t that hold a scalar, as opposed to
// padding, which no convention promises to carry.
func meaningful(t *abi.Type) []bool {
	m := make([]bool, t.Size())
	var walk func(t *abi.Type, off int)
	walk = func(t *abi.Type, off int) {
		switch t.Kind {
		case abi.Struct, abi.Union:
			for _, f := range t.Fields {
				walk(f.Type, off+f.Offset)
			}
		case abi.Array:
			for i := 0; i < t.Len; i++ {
				walk(t.Elem, off+i*t.Elem.Size())
			}
		default:
			for i := range t.Size() {
				m[off+i] = true
			}
		}
	}
	walk(t, 0)
	return m
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

func leUint(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// A goldenCase is one case of a golden file: a signature in the parser's syntax and the
// plan text expected for it.
type goldenCase struct {
	name, call string
	want       string
	line       int
}

// readGolden reads a golden file. Its format, line by line: "# ..." comments and blank
// lines; "case NAME" opens a case; "call SIGNATURE" gives its signature; the lines up to
// the next blank line are the expected plan text.
func readGolden(t *testing.T, path string) []*goldenCase {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []*goldenCase
	var cur *goldenCase
	inPlan := false
	for i, line := range strings.Split(string(data), "\n") {
		switch {
		case line == "":
			inPlan, cur = false, nil
		case inPlan:
			cur.want += line + "\n"
		case strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "case "):
			cur = &goldenCase{name: strings.TrimPrefix(line, "case "), line: i + 1}
			cases = append(cases, cur)
		case strings.HasPrefix(line, "call ") && cur != nil && cur.call == "":
			cur.call, inPlan = strings.TrimPrefix(line, "call "), true
		default:
			t.Fatalf("%s:%d: unexpected line %q", path, i+1, line)
		}
	}
	return cases
}

// rewriteGolden replaces every expected plan text of a golden file, keeping the rest.
func rewriteGolden(t *testing.T, path string, got map[int]string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	lines := strings.Split(string(data), "\n")
	caseLine, skipping := 0, false
	for i, line := range lines {
		if skipping {
			if line != "" {
				continue
			}
			skipping = false
		}
		if i == len(lines)-1 && line == "" {
			break
		}
		out.WriteString(line + "\n")
		if strings.HasPrefix(line, "case ") {
			caseLine = i + 1
		}
		if strings.HasPrefix(line, "call ") {
			out.WriteString(got[caseLine])
			skipping = true
		}
	}
	if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
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

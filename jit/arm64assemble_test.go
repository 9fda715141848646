package jit_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/jit"
)

// appleStackPacking is `int32_t (int32_t x8, int8_t, int16_t, int32_t, struct{char c[3];},
// ..., float)` under Apple's arm64 rules, built by hand: past x7, scalar stack arguments
// take only their own size at their natural alignment (char at sp+0, short at sp+2, int
// at sp+4), a composite is rounded up to 8 bytes (sp+8), and the variadic float, promoted,
// takes an 8-byte slot at sp+16. A stub that wrote whole 8-byte slots for the scalars
// would overwrite their neighbours.
func appleStackPacking(t testing.TB) *abi.Plan {
	i8, i16, i32, f32, f64 := abi.Scalar(abi.Int8), abi.Scalar(abi.Int16), abi.Scalar(abi.Int32), abi.Scalar(abi.Float32), abi.Scalar(abi.Float64)
	s3 := mustType(t, "struct{char c[3];}")
	params := []*abi.Type{i32, i32, i32, i32, i32, i32, i32, i32, i8, i16, i32, s3, f32}
	sig := &abi.Signature{Result: i32, Params: params, Fixed: len(params) - 1}
	p := &abi.Plan{ABI: abi.AppleARM64, Sig: sig, Args: make([]abi.ArgPlan, len(params)),
		Result:    abi.ResultPlan{Type: i32, Parts: []abi.Part{{Size: 4, Reg: abi.X0}}},
		StackSize: 32, StackAlign: 16, VectorCount: -1}
	for i := range 8 {
		p.Args[i] = abi.ArgPlan{Type: i32, Passing: abi.InRegisters, Parts: []abi.Part{{Size: 4, Reg: abi.X0 + abi.Reg(i)}}}
	}
	p.Args[8] = abi.ArgPlan{Type: i8, Passing: abi.OnStack, StackOffset: 0, StackSize: 1}
	p.Args[9] = abi.ArgPlan{Type: i16, Passing: abi.OnStack, StackOffset: 2, StackSize: 2}
	p.Args[10] = abi.ArgPlan{Type: i32, Passing: abi.OnStack, StackOffset: 4, StackSize: 4}
	p.Args[11] = abi.ArgPlan{Type: s3, Passing: abi.OnStack, StackOffset: 8, StackSize: 8}
	p.Args[12] = abi.ArgPlan{Type: f64, Promoted: true, Passing: abi.OnStack, StackOffset: 16, StackSize: 8}
	return p
}

func arm(text string) func(testing.TB) *abi.Plan {
	return func(t testing.TB) *abi.Plan { return armPlan(t, text) }
}

// arm64GoldenCases are representative AAPCS64 stubs, one per AAPCS64 rule of abi/RULES.md
// and per arm64 peer bug.
var arm64GoldenCases = []goldenCase{
	{name: "void", plan: arm("void (void)")},
	{name: "deref_args", plan: arm("void* (void*, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, void*)"),
		opts: jit.Options{DerefArgs: 1<<0 | 1<<8}},
	{name: "add_int32", plan: arm("int32_t (int32_t, int32_t)")},
	{name: "narrow_ints", plan: arm("int16_t (int8_t, uint8_t, int16_t, uint16_t, bool, int32_t, int8_t, uint16_t, int8_t, bool)")},
	{name: "hfa_float4", plan: arm("struct{float a; float b; float c; float d;} (struct{float a; float b; float c; float d;}, float)")},
	{name: "hfa_nested_array", plan: arm("struct{double a[2]; struct{double x;} b;} (struct{struct{double x; double y;} p; double z;}, struct{float f[2];})")},
	{name: "hfa_no_room", plan: arm("double (double, double, double, double, double, double, struct{double a; double b; double c;}, double)")},
	{name: "float3_luajit565", plan: arm("struct{float x; float y; float z;} (struct{float x; float y; float z;})")},
	{name: "float5_byref", plan: arm("float (struct{float f[5];}, int32_t)")},
	{name: "int64_double_purego522", plan: arm("struct{int64_t i; double d;} (struct{int64_t i; double d;})")},
	{name: "int32x4_purego359", plan: arm("struct{int32_t a; int32_t b; int32_t c; int32_t d;} (struct{int32_t a; int32_t b; int32_t c; int32_t d;})")},
	{name: "ngrn_exhaustion", plan: arm("int32_t (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, struct{int64_t a; int64_t b;}, int32_t)")},
	{name: "indirect_result", plan: arm("struct{int64_t a; int64_t b; int64_t c;} (int32_t, struct{int64_t a; int64_t b; int64_t c;})")},
	{name: "overaligned_result", plan: arm("struct{int64_t a[4];} __attribute__((aligned(32))) (int32_t)")},
	{name: "odd_sized", plan: arm("struct{char a; char b; char c;} (struct{uint16_t a; uint16_t b; uint16_t c;}, struct{char c[13];})")},
	{name: "variadic", plan: arm("int32_t (const char*, ..., double, float, int32_t, int8_t)")},
	{name: "errno_location", plan: arm("int64_t (int32_t, void*, uint64_t)"),
		opts: jit.Options{Errno: jit.ErrnoLocation, ErrnoFunc: errnoLocationAddr}},
	{name: "errno_value", plan: arm("int32_t (int32_t)"),
		opts: jit.Options{Errno: jit.ErrnoValue, ErrnoFunc: getLastErrorAddr}},
	{name: "large_copy_loop", plan: arm("int32_t (struct{char a[9000];}, int32_t)")},
	{name: "large_offsets", plan: arm("double (struct{char a[40000];}, double, int16_t, struct{float a; float b;})")},
	{name: "apple_stack_packing", plan: appleStackPacking},
}

// TestAssembleGoldenARM64 compares the disassembly of representative arm64 stubs with
// testdata/arm64/*.golden; run with -update to rewrite them after a deliberate change.
func TestAssembleGoldenARM64(t *testing.T) {
	for _, c := range arm64GoldenCases {
		t.Run(c.name, func(t *testing.T) {
			plan := c.plan(t)
			code, err := jit.Assemble(plan, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			listing, err := jit.Disassemble(code, plan.ABI)
			if err != nil {
				t.Fatal(err)
			}
			checkShapeARM64(t, plan, c.opts, listing)
			got := goldenText(plan, c.opts, listing)
			path := filepath.Join("testdata", "arm64", c.name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("stub differs from %s (rerun with -update if intended):\n%s", path, got)
			}
		})
	}
}

// TestAssembleManyARM64 assembles a few hundred AAPCS64 plans with every errno option:
// each must assemble without a diagnostic, relocation or literal pool, disassemble
// completely, be the same bytes twice over, and keep the stub's shape.
func TestAssembleManyARM64(t *testing.T) {
	plans := manyARM64Plans(t)
	optsList := []jit.Options{{}, {Errno: jit.ErrnoLocation, ErrnoFunc: errnoLocationAddr},
		{Errno: jit.ErrnoValue, ErrnoFunc: getLastErrorAddr}, {Entry: abi.AppleARM64}}
	for i, plan := range plans {
		opts := optsList[i%len(optsList)]
		code, err := jit.Assemble(plan, opts)
		if err != nil {
			t.Fatalf("plan %d:\n%v: %v", i, plan, err)
		}
		again, err := jit.Assemble(plan, opts)
		if err != nil || !bytes.Equal(code, again) {
			t.Fatalf("plan %d: not deterministic (%v)", i, err)
		}
		listing, err := jit.Disassemble(code, plan.ABI)
		if err != nil {
			t.Fatalf("plan %d:\n%v: %v", i, plan, err)
		}
		checkShapeARM64(t, plan, opts, listing)
	}
}

// TestAssembleConcurrentARM64 assembles the same plans from several goroutines at once
// (run it under -race): the pooled arm64 assemblers must not share state.
func TestAssembleConcurrentARM64(t *testing.T) {
	plans := manyARM64Plans(t)[:64]
	want := make([][]byte, len(plans))
	for i, p := range plans {
		code, err := jit.Assemble(p, jit.Options{})
		if err != nil {
			t.Fatal(err)
		}
		want[i] = code
	}
	const workers = 8
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			for i := range plans {
				j := (i + w*7) % len(plans)
				code, err := jit.Assemble(plans[j], jit.Options{})
				if err != nil || !bytes.Equal(code, want[j]) {
					errs <- fmt.Errorf("plan %d: different code under concurrency (%v)", j, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

var (
	// reservedRegs matches any view of x18 (the platform register) or x27 (callee-saved,
	// and golang-asm's hidden temporary).
	reservedRegs = regexp.MustCompile(`\b[xw](18|27)\b`)
	// prologueRE is the frame record push and frame pointer set-up every stub starts with.
	prologueRE = regexp.MustCompile(`^\s+0: \w+  stp x29, x30, \[sp,#-32\]!\n\s+4: \w+  mov x29, sp\n`)
	// epilogueRE is the frame record pop and return every stub ends with.
	epilogueRE = regexp.MustCompile(`ldp x29, x30, \[sp\],#32\n\s*\w+: \w+  ret\n$`)
	// spWrites matches instructions that move sp.
	spWrites = regexp.MustCompile(`  (sub|add|and|mov) sp, `)
)

// checkShapeARM64 checks invariants every arm64 stub keeps: a frame record at entry and
// exit, the saved x19 (and x20 when errno's address is kept) restored, the target called
// through the frame header, nothing touching x18 or x27, and sp moved only by whole
// multiples of 16 (or aligned down).
func checkShapeARM64(t *testing.T, plan *abi.Plan, opts jit.Options, listing string) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s in\n%v\n%s", fmt.Sprintf(format, args...), plan, listing)
	}
	if m := reservedRegs.FindString(listing); m != "" {
		fail("%s used", m)
	}
	if !prologueRE.MatchString(listing) {
		fail("no frame record at entry")
	}
	if !epilogueRE.MatchString(listing) {
		fail("no frame record pop before ret")
	}
	save, restore := "str x19, [sp,#16]", "ldr x19, [sp,#16]"
	if opts.Errno == jit.ErrnoLocation {
		save, restore = "stp x19, x20, [sp,#16]", "ldp x19, x20, [sp,#16]"
	}
	if !strings.Contains(listing, save) || !strings.Contains(listing, restore) {
		fail("callee-saved registers not saved and restored with %q / %q", save, restore)
	}
	call := fmt.Sprintf("ldr x16, [x19,#%d]\n", jit.FrameFnOffset)
	if !strings.Contains(listing, call) || !strings.Contains(listing, "blr x16\n") {
		fail("no call through the frame header")
	}
	for _, line := range strings.Split(listing, "\n") {
		m := spWrites.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		switch {
		case strings.HasSuffix(line, "mov sp, x29"), strings.Contains(line, "and sp, x16, #0xffffffffffff"):
		case m[1] == "sub" && spImmAligned(line):
		default:
			fail("sp changed by %q", strings.TrimSpace(line))
		}
	}
}

var subSPImm = regexp.MustCompile(`sub sp, sp, #0x([0-9a-f]+)(, lsl #12)?$`)

// spImmAligned reports whether a `sub sp, sp, #imm` keeps sp 16-byte aligned.
func spImmAligned(line string) bool {
	m := subSPImm.FindStringSubmatch(line)
	if m == nil {
		return false
	}
	var n int
	fmt.Sscanf(m[1], "%x", &n)
	if m[2] != "" {
		n <<= 12
	}
	return n%16 == 0
}

// TestAssembleErrorsARM64 checks that arm64 plans the emitter cannot honour are refused.
func TestAssembleErrorsARM64(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(p *abi.Plan)
		opts jit.Options
	}{
		{"entered sysv-style", nil, jit.Options{Entry: abi.SysV}},
		{"errno without func", nil, jit.Options{Errno: jit.ErrnoLocation}},
		{"amd64 register", func(p *abi.Plan) { p.Args[0].Parts[0].Reg = abi.RDI }, jit.Options{}},
		{"x8 as argument", func(p *abi.Plan) { p.Args[0].Parts[0].Reg = abi.X8 }, jit.Options{}},
		{"duplicate", func(p *abi.Plan) { p.Args[0].Parts[0].Dup = abi.X1 }, jit.Options{}},
		{"2-byte float part", func(p *abi.Plan) { p.Args[1].Parts[0].Size = 2 }, jit.Options{}},
		{"stack past the area", func(p *abi.Plan) { p.Args[2].StackOffset = 12 }, jit.Options{}},
		{"empty stack slot", func(p *abi.Plan) { p.Args[2].StackSize = 0 }, jit.Options{}},
		{"shadow space", func(p *abi.Plan) { p.ShadowSize = 32 }, jit.Options{}},
		{"result in x2", func(p *abi.Plan) { p.Result.Parts[0].Reg = abi.X2 }, jit.Options{}},
		{"indirect via x19", func(p *abi.Plan) { p.Result.Parts, p.Result.Indirect, p.Result.HiddenReg = nil, true, abi.X19 }, jit.Options{}},
		{"copy outside", func(p *abi.Plan) {
			p.Args[2] = abi.ArgPlan{Type: p.Sig.Params[2], Passing: abi.ByReference, PointerReg: abi.X2, CopyOffset: 8}
		}, jit.Options{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// int32_t (int32_t, double, int64_t) with the int64 on the stack.
			p := armPlan(t, "int32_t (int32_t, double, int64_t)")
			p.Args[2] = abi.ArgPlan{Type: p.Sig.Params[2], Passing: abi.OnStack, StackOffset: 0, StackSize: 8}
			p.StackSize = 16
			if c.edit != nil {
				c.edit(p)
			}
			if code, err := jit.Assemble(p, c.opts); err == nil {
				t.Errorf("accepted:\n%v\n% x", p, code)
			}
		})
	}
}

// TestAppleHandPlanMatchesClassifier checks the hand-built Apple plan of the golden
// against package abi's Apple classifier.
func TestAppleHandPlanMatchesClassifier(t *testing.T) {
	p := appleStackPacking(t)
	if real := classifyOrSkip(t, p.Sig, abi.AppleARM64); real.String() != p.String() {
		t.Errorf("hand-built plan differs from package abi's:\n%v\npackage abi:\n%v", p, real)
	}
}

// BenchmarkAssembleARM64 measures assembling typical arm64 stubs.
func BenchmarkAssembleARM64(b *testing.B) {
	for _, c := range []struct{ name, sig string }{
		{"int32_int32", "int32_t (int32_t, int32_t)"},
		{"mixed", "struct{double x; int64_t y;} (int32_t, double, const char*, struct{float a; float b;}, int8_t)"},
		{"spill16", "double (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, " +
			"double, double, double, double, double, double, double, double, double)"},
	} {
		b.Run(c.name, func(b *testing.B) {
			plan := armPlan(b, c.sig)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := jit.Assemble(plan, jit.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// topOfStackAddr is the _cgo_topofstack address the follow-stack goldens bake in.
const topOfStackAddr = 0x7f00aabbcc10

// TestFollowStackGoldenARM64 compares arm64 stubs that follow goroutine stack moves
// (Options.TopOfStack) with testdata/arm64/follow_stack_*.golden, in the format and under
// the -update flag of the package's other stub goldens: result registers of both files
// saved around the second _cgo_topofstack call, and an indirect result routed through a
// buffer in the stub's own frame. The listings must also show the mark, the adjustment
// of x19 and no callee-saved register beyond x19 and x20.
func TestFollowStackGoldenARM64(t *testing.T) {
	errno := jit.Options{Errno: jit.ErrnoLocation, ErrnoFunc: 0x7f0012345670, TopOfStack: topOfStackAddr}
	cases := []struct {
		name, sig string
		opts      jit.Options
	}{
		{"follow_stack_hfa", "struct{float a; float b; float c; float d;} (struct{float a; float b; float c; float d;}, float)", jit.Options{TopOfStack: topOfStackAddr}},
		{"follow_stack_gpr_pair", "struct{int64_t i; double d;} (int8_t)", jit.Options{TopOfStack: topOfStackAddr}},
		{"follow_stack_indirect", "struct{int64_t a; int64_t b; int64_t c;} (int32_t, struct{int64_t a; int64_t b; int64_t c;})", errno},
	}
	update := flag.Lookup("update")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sig, err := abi.ParseSignature(c.sig)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := abi.Classify(sig, abi.AAPCS64)
			if err != nil {
				t.Skipf("no AAPCS64 plan: %v", err)
			}
			code, err := jit.Assemble(plan, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			listing, err := jit.Disassemble(code, plan.ABI)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"str x0, [sp", "sub x16, x0, x16\n", "add x19, x19, x16\n"} {
				if !strings.Contains(listing, want) {
					t.Errorf("no %q in\n%s", want, listing)
				}
			}
			if m := regexp.MustCompile(`\bx(2[1-68]|27)\b`).FindString(listing); m != "" {
				t.Errorf("%s used in\n%s", m, listing)
			}
			var b strings.Builder
			for _, line := range strings.Split(strings.TrimRight(plan.String(), "\n"), "\n") {
				fmt.Fprintf(&b, "# %s\n", line)
			}
			fmt.Fprintf(&b, "# entry %v\n", plan.ABI)
			if c.opts.Errno != jit.NoErrno {
				fmt.Fprintf(&b, "# errno kind %d func %#x\n", c.opts.Errno, c.opts.ErrnoFunc)
			}
			b.WriteString(listing)
			got := b.String()
			path := filepath.Join("testdata", "arm64", c.name+".golden")
			if update != nil && update.Value.String() == "true" {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("stub differs from %s (rerun with -update if intended):\n%s", path, got)
			}
		})
	}
}

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

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Addresses the errno goldens bake in: one that needs a 64-bit immediate, one that fits a
// sign-extended 32-bit one.
const (
	errnoLocationAddr = 0x7f0012345670
	getLastErrorAddr  = 0x7ffa00001230
)

// sysvPlan parses and classifies a signature under SysV.
func sysvPlan(t testing.TB, text string) *abi.Plan {
	t.Helper()
	sig, err := abi.ParseSignature(text)
	if err != nil {
		t.Fatal(err)
	}
	p, err := abi.Classify(sig, abi.SysV)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// mustType parses one C type.
func mustType(t testing.TB, text string) *abi.Type {
	t.Helper()
	ty, err := abi.ParseType(text)
	if err != nil {
		t.Fatal(err)
	}
	return ty
}

// win64ByRefVariadic is `int32_t (void*, struct{float x,y,z}, ..., double, int64_t, float)`
// under Win64, built by hand (there is no Win64 classifier yet): the 12-byte struct goes by
// reference in rdx, the variadic double in xmm2 duplicated in r8, the int64 in r9 and the
// promoted float on the stack after the shadow space.
func win64ByRefVariadic(t testing.TB) *abi.Plan {
	s := mustType(t, "struct{float x; float y; float z;}")
	i32, i64, f32, f64, ptr := abi.Scalar(abi.Int32), abi.Scalar(abi.Int64), abi.Scalar(abi.Float32), abi.Scalar(abi.Float64), abi.Scalar(abi.Pointer)
	sig := &abi.Signature{Result: i32, Params: []*abi.Type{ptr, s, f64, i64, f32}, Fixed: 2}
	return &abi.Plan{
		ABI: abi.Win64, Sig: sig,
		Args: []abi.ArgPlan{
			{Type: ptr, Passing: abi.InRegisters, Parts: []abi.Part{{Size: 8, Reg: abi.RCX}}},
			{Type: s, Passing: abi.ByReference, PointerReg: abi.RDX, CopyOffset: 0},
			{Type: f64, Passing: abi.InRegisters, Parts: []abi.Part{{Size: 8, Reg: abi.XMM2, Dup: abi.R8}}},
			{Type: i64, Passing: abi.InRegisters, Parts: []abi.Part{{Size: 8, Reg: abi.R9}}},
			{Type: f64, Promoted: true, Passing: abi.OnStack, StackOffset: 0, StackSize: 8},
		},
		Result:     abi.ResultPlan{Type: i32, Parts: []abi.Part{{Size: 4, Reg: abi.RAX}}},
		StackSize:  16,
		StackAlign: 16,
		ShadowSize: 32,
		CopySize:   16, CopyAlign: 16,
		VectorCount: -1,
	}
}

// win64Indirect is `struct{int64_t a,b,c} (int64_t, float, int8_t, struct{char a,b,c}, double)`
// under Win64: the hidden result pointer takes rcx and shifts the arguments one slot; the
// 3-byte struct's copy pointer lands in the first stack slot and the double in the second.
func win64Indirect(t testing.TB) *abi.Plan {
	r := mustType(t, "struct{int64_t a; int64_t b; int64_t c;}")
	s := mustType(t, "struct{char a; char b; char c;}")
	i8, i64, f32, f64 := abi.Scalar(abi.Int8), abi.Scalar(abi.Int64), abi.Scalar(abi.Float32), abi.Scalar(abi.Float64)
	sig := &abi.Signature{Result: r, Params: []*abi.Type{i64, f32, i8, s, f64}, Fixed: -1}
	return &abi.Plan{
		ABI: abi.Win64, Sig: sig,
		Args: []abi.ArgPlan{
			{Type: i64, Passing: abi.InRegisters, Parts: []abi.Part{{Size: 8, Reg: abi.RDX}}},
			{Type: f32, Passing: abi.InRegisters, Parts: []abi.Part{{Size: 4, Reg: abi.XMM2}}},
			{Type: i8, Passing: abi.InRegisters, Parts: []abi.Part{{Size: 1, Reg: abi.R9}}},
			{Type: s, Passing: abi.ByReference, PointerReg: abi.NoReg, StackOffset: 0, StackSize: 8, CopyOffset: 0},
			{Type: f64, Passing: abi.OnStack, StackOffset: 8, StackSize: 8},
		},
		Result:     abi.ResultPlan{Type: r, Indirect: true, HiddenReg: abi.RCX, ReturnedIn: abi.RAX},
		StackSize:  16,
		StackAlign: 16,
		ShadowSize: 32,
		CopySize:   16, CopyAlign: 16,
		VectorCount: -1,
	}
}

type goldenCase struct {
	name string
	plan func(testing.TB) *abi.Plan
	opts jit.Options
}

func sysv(text string) func(testing.TB) *abi.Plan {
	return func(t testing.TB) *abi.Plan { return sysvPlan(t, text) }
}

var goldenCases = []goldenCase{
	{name: "void", plan: sysv("void (void)")},
	// A *jitffi.Callback in a register and on the stack: the word each pointer points to,
	// or NULL.
	{name: "deref_args", plan: sysv("void* (void*, int64_t, int64_t, int64_t, int64_t, int64_t, void*)"),
		opts: jit.Options{DerefArgs: 1<<0 | 1<<6}},
	{name: "add_int32", plan: sysv("int32_t (int32_t, int32_t)")},
	{name: "narrow_ints", plan: sysv("int16_t (int8_t, uint8_t, int16_t, uint16_t, bool, int32_t, int8_t, uint16_t)")},
	{name: "bool_result", plan: sysv("bool (uint8_t)")},
	{name: "ints_doubles_spill", plan: sysv("double (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, " +
		"double, double, double, double, double, double, double, double, double)")},
	{name: "int32_x16", plan: sysv("int32_t (" + strings.Repeat("int32_t, ", 15) + "int32_t)")},
	{name: "float3_result", plan: sysv("struct{float x; float y; float z;} (float, float, float)")},
	{name: "char_double_arg", plan: sysv("double (struct{char c; double d;})")},
	{name: "odd_sized_structs", plan: sysv("struct{char a; char b; char c;} (struct{uint16_t a; uint16_t b; uint16_t c;}, struct{int32_t a; int32_t b; int32_t c;})")},
	{name: "int3_result", plan: sysv("struct{int32_t a; int32_t b; int32_t c;} (void)")},
	{name: "struct24_stack_indirect", plan: sysv("struct{int64_t a; int64_t b; int64_t c;} (struct{int64_t a; int64_t b; int64_t c;}, int32_t)")},
	{name: "overaligned", plan: sysv("struct{double d[4];} __attribute__((aligned(32))) (int32_t, struct{double d[4];} __attribute__((aligned(32))))")},
	{name: "variadic", plan: sysv("int32_t (const char*, ..., double, float, int32_t, int8_t)")},
	{name: "variadic_no_floats", plan: sysv("int32_t (const char*, ..., int64_t)")},
	{name: "errno_location", plan: sysv("int64_t (int32_t, void*, uint64_t)"),
		opts: jit.Options{Errno: jit.ErrnoLocation, ErrnoFunc: errnoLocationAddr}},
	{name: "large_stack_probe", plan: sysv("int32_t (struct{char a[9000];})")},
	{name: "win64_byref_variadic", plan: win64ByRefVariadic},
	{name: "win64_indirect", plan: win64Indirect},
	{name: "win64_plan_sysv_entry", plan: win64ByRefVariadic, opts: jit.Options{Entry: abi.SysV}},
	{name: "win64_entry_errno", plan: win64Indirect,
		opts: jit.Options{Errno: jit.ErrnoValue, ErrnoFunc: getLastErrorAddr}},
	{name: "sysv_plan_win64_entry", plan: sysv("double (int32_t, double)"),
		opts: jit.Options{Entry: abi.Win64, Errno: jit.ErrnoValue, ErrnoFunc: getLastErrorAddr}},
}

// TestAssembleGolden compares the disassembly of representative stubs with
// testdata/amd64/*.golden; run with -update to rewrite them after a deliberate change.
func TestAssembleGolden(t *testing.T) {
	for _, c := range goldenCases {
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
			got := goldenText(plan, c.opts, listing)
			path := filepath.Join("testdata", "amd64", c.name+".golden")
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

// goldenText is a golden file: the plan and options as comments, then the listing.
func goldenText(plan *abi.Plan, opts jit.Options, listing string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(plan.String(), "\n"), "\n") {
		fmt.Fprintf(&b, "# %s\n", line)
	}
	entry := opts.Entry
	if entry == 0 {
		entry = plan.ABI
	}
	fmt.Fprintf(&b, "# entry %v\n", entry)
	if opts.Errno != jit.NoErrno {
		fmt.Fprintf(&b, "# errno kind %d func %#x\n", opts.Errno, opts.ErrnoFunc)
	}
	b.WriteString(listing)
	return b.String()
}

// TestDisassemble checks that listings account for every byte and refuse what they cannot.
func TestDisassemble(t *testing.T) {
	got, err := jit.Disassemble([]byte{0x55, 0x48, 0x89, 0xe5, 0xc3}, abi.SysV)
	want := "   0: 55                    push rbp\n   1: 4889e5                mov rbp, rsp\n   4: c3                    ret\n"
	if err != nil || got != want {
		t.Errorf("Disassemble = %q, %v; want %q", got, err, want)
	}
	if _, err := jit.Disassemble([]byte{0x55, 0x48, 0x89}, abi.Win64); err == nil {
		t.Error("truncated instruction accepted")
	}
	if got, err := jit.Disassemble([]byte{0xc0, 0x03, 0x5f, 0xd6}, abi.AAPCS64); err != nil || got != "   0: d65f03c0  ret\n" {
		t.Errorf("arm64 listing = %q, %v", got, err)
	}
	if _, err := jit.Disassemble([]byte{0xc0, 0x03, 0x5f}, abi.AAPCS64); err == nil {
		t.Error("truncated arm64 instruction accepted")
	}
}

// TestAssembleErrors checks that plans the emitter cannot honour are refused.
func TestAssembleErrors(t *testing.T) {
	arm := sysvPlan(t, "int32_t (int32_t)")
	arm.ABI = abi.AAPCS64
	if _, err := jit.Assemble(arm, jit.Options{}); err == nil || !strings.Contains(err.Error(), "rdi: not an aapcs64 argument register") {
		t.Errorf("arm64 plan with amd64 registers: %v", err)
	}
	if _, err := jit.Assemble(sysvPlan(t, "void (void)"), jit.Options{Errno: jit.ErrnoLocation}); err == nil {
		t.Error("errno capture without ErrnoFunc accepted")
	}
	if _, err := jit.Assemble(sysvPlan(t, "void (void)"), jit.Options{Entry: abi.AAPCS64}); err == nil {
		t.Error("amd64 plan entered AAPCS64-style accepted")
	}
	bad := sysvPlan(t, "void (struct{int64_t a; int64_t b; int64_t c;})")
	bad.Args[0].StackOffset = 16 // past the 32-byte area's end
	if _, err := jit.Assemble(bad, jit.Options{}); err == nil {
		t.Error("stack slot outside the stack area accepted")
	}
	bad = sysvPlan(t, "void (int32_t)")
	bad.Args[0].Parts[0].Reg = abi.X0
	if _, err := jit.Assemble(bad, jit.Options{}); err == nil {
		t.Error("arm64 register in an amd64 plan accepted")
	}
	// The messages name what already holds a register.
	bad = sysvPlan(t, "void (int32_t, int32_t)")
	bad.Args[1].Parts[0].Reg = bad.Args[0].Parts[0].Reg
	if _, err := jit.Assemble(bad, jit.Options{}); err == nil || !strings.Contains(err.Error(), "argument 1 in rdi, which already carries argument 0") {
		t.Errorf("two arguments in one register: %v", err)
	}
	bad = sysvPlan(t, "struct{int64_t a, b, c;} (int32_t)")
	bad.Args[0].Parts[0].Reg = bad.Result.HiddenReg
	if _, err := jit.Assemble(bad, jit.Options{}); err == nil || !strings.Contains(err.Error(), "argument 0 in rdi, which already carries the result's address") {
		t.Errorf("an argument in the hidden result register: %v", err)
	}
}

// TestAssembleMany assembles a few hundred SysV and Win64 plans: each must assemble without
// a diagnostic or relocation, disassemble completely, be the same bytes twice over, and
// keep its stack balanced.
func TestAssembleMany(t *testing.T) {
	plans := manyPlans(t)
	if len(plans) < 300 {
		t.Fatalf("only %d plans", len(plans))
	}
	optsList := []jit.Options{{}, {Errno: jit.ErrnoLocation, ErrnoFunc: errnoLocationAddr}, {Entry: abi.Win64}, {Entry: abi.SysV}}
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
		checkShape(t, plan, listing)
	}
}

// TestAssembleConcurrent assembles the same plans from several goroutines at once (run
// it under -race): the pooled assemblers and golang-asm's tables must not be shared unsafely.
func TestAssembleConcurrent(t *testing.T) {
	plans := manyPlans(t)[:64]
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

var pushPop = regexp.MustCompile(`\s(push|pop) (\w+)\n`)

// checkShape checks invariants every stub keeps: it pushes and pops the same registers in
// mirror order, calls the target through the header, and ends in ret.
func checkShape(t *testing.T, plan *abi.Plan, listing string) {
	t.Helper()
	var stack []string
	for _, m := range pushPop.FindAllStringSubmatch(listing, -1) {
		if m[1] == "push" {
			stack = append(stack, m[2])
			continue
		}
		if len(stack) == 0 || stack[len(stack)-1] != m[2] {
			t.Fatalf("unbalanced pop %s in\n%v\n%s", m[2], plan, listing)
		}
		stack = stack[:len(stack)-1]
	}
	if len(stack) != 0 {
		t.Fatalf("registers %v never popped in\n%v\n%s", stack, plan, listing)
	}
	if !strings.Contains(listing, fmt.Sprintf("call qword ptr [rbx+%#x]", jit.FrameFnOffset)) {
		t.Fatalf("no call through the frame header in\n%s", listing)
	}
	if !strings.HasSuffix(listing, " ret\n") {
		t.Fatalf("does not end in ret:\n%s", listing)
	}
}

// BenchmarkAssemble measures assembling one typical stub: five mixed arguments, a struct
// result in two registers.
func BenchmarkAssemble(b *testing.B) {
	for _, c := range []struct{ name, sig string }{
		{"int32_int32", "int32_t (int32_t, int32_t)"},
		{"mixed", "struct{double x; int64_t y;} (int32_t, double, const char*, struct{float a; float b;}, int8_t)"},
		{"spill16", "double (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, " +
			"double, double, double, double, double, double, double, double, double)"},
	} {
		b.Run(c.name, func(b *testing.B) {
			plan := sysvPlan(b, c.sig)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := jit.Assemble(plan, jit.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

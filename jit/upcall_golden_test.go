package jit_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/jit"
)

// doorAddr is the callback door address the upcall goldens bake in; it needs a 64-bit
// immediate.
const doorAddr = 0x7f00d00dc0de

// classified returns a function that parses text and classifies it under conv with
// package abi's classifier.
func classified(text string, conv abi.ABI) func(testing.TB) *abi.Plan {
	return func(t testing.TB) *abi.Plan {
		t.Helper()
		sig, err := abi.ParseSignature(text)
		if err != nil {
			t.Fatal(err)
		}
		p, err := abi.Classify(sig, conv)
		if err != nil {
			t.Fatalf("%v under %v: %v", sig, conv, err)
		}
		return p
	}
}

var upcallOpts = jit.Options{Upcall: true, Door: doorAddr}

// upcallOn returns upcallOpts for a stub whose door the host calls with convention host.
func upcallOn(host abi.ABI) jit.Options {
	o := upcallOpts
	o.Entry = host
	return o
}

// upcallGoldens are representative upcall stubs per architecture: the testdata file is
// ARCH/upcall_NAME.golden.
var upcallGoldens = []struct {
	arch string
	goldenCase
}{
	{"amd64", goldenCase{name: "int_args", opts: upcallOpts,
		plan: classified("int8_t (int32_t, int64_t, int8_t, uint16_t, bool, void*)", abi.SysV)}},
	{"amd64", goldenCase{name: "mixed_struct_args", opts: upcallOpts,
		plan: classified("struct{float x; float y; float z;} (struct{double d; int64_t i;}, struct{int32_t i; float f;}, float, struct{char c; double d;})", abi.SysV)}},
	{"amd64", goldenCase{name: "indirect_stack", opts: upcallOpts,
		plan: classified("struct{int64_t a; int64_t b; int64_t c;} (int64_t, int64_t, int64_t, int64_t, int64_t, int16_t, "+
			"struct{int64_t a; int64_t b;}, int8_t, double, struct{int64_t a; int64_t b; int64_t c;})", abi.SysV)}},
	{"amd64", goldenCase{name: "win64_sysv_host", opts: upcallOn(abi.SysV),
		plan: classified("double (int32_t, double, int64_t, float, int8_t, double, struct{int32_t a; int32_t b;})", abi.Win64)}},
	{"amd64", goldenCase{name: "win64_byref", opts: upcallOpts,
		plan: classified("struct{int64_t a; int64_t b; int64_t c;} (struct{float x; float y; float z;}, int32_t, struct{char a; char b; char c;}, "+
			"int64_t, struct{int64_t a; int64_t b; int64_t c;})", abi.Win64)}},
	{"amd64", goldenCase{name: "win64_byref_sysv_host", opts: upcallOn(abi.SysV),
		plan: classified("struct{int64_t a; int64_t b; int64_t c;} (struct{float x; float y; float z;}, int32_t, struct{char a; char b; char c;}, "+
			"int64_t, struct{int64_t a; int64_t b; int64_t c;})", abi.Win64)}},
	{"amd64", goldenCase{name: "sysv_win64_host", opts: upcallOn(abi.Win64),
		plan: classified("struct{int64_t a; int64_t b; int64_t c;} (int32_t, double, int64_t, int64_t, int64_t, int64_t, int64_t, float, int16_t)", abi.SysV)}},
	{"amd64", goldenCase{name: "large_stack_probe", opts: upcallOpts,
		plan: classified("int32_t (struct{char a[9000];})", abi.SysV)}},
	{"arm64", goldenCase{name: "int_args", opts: upcallOpts,
		plan: classified("int8_t (int32_t, int64_t, int8_t, uint16_t, bool, void*)", abi.AAPCS64)}},
	{"arm64", goldenCase{name: "hfa", opts: upcallOpts,
		plan: classified("struct{float a; float b; float c; float d;} (struct{double x; double y; double z;}, float, struct{float f[2];})", abi.AAPCS64)}},
	{"arm64", goldenCase{name: "indirect_stack", opts: upcallOpts,
		plan: classified("struct{int64_t a; int64_t b; int64_t c;} (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, "+
			"struct{int64_t a; int64_t b;}, int16_t, struct{char c[20];}, double)", abi.AAPCS64)}},
	{"arm64", goldenCase{name: "apple_stack_packing", opts: upcallOpts, plan: appleStackPackingFixed}},
	{"arm64", goldenCase{name: "large_copy", opts: upcallOpts,
		plan: classified("int32_t (struct{char a[9000];}, int32_t)", abi.AAPCS64)}},
}

// appleStackPackingFixed is the Apple golden's signature without its variadic part: past
// x7, narrow scalars on the stack take only their own size at their natural alignment.
func appleStackPackingFixed(t testing.TB) *abi.Plan {
	return classified("int32_t (int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, "+
		"int8_t, int16_t, int32_t, struct{char c[3];}, float)", abi.AppleARM64)(t)
}

// TestUpcallGolden compares the disassembly of representative upcall stubs with
// testdata/ARCH/upcall_*.golden; run with -update to rewrite them after a deliberate
// change. Each must also keep the upcall stub's shape.
func TestUpcallGolden(t *testing.T) {
	for _, c := range upcallGoldens {
		t.Run(c.arch+"/"+c.name, func(t *testing.T) {
			plan := c.plan(t)
			code, err := jit.Assemble(plan, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			listing, err := jit.Disassemble(code, plan.ABI)
			if err != nil {
				t.Fatal(err)
			}
			checkUpcallShape(t, plan, c.opts, listing)
			got := goldenText(plan, c.opts, listing)
			got = strings.Replace(got, "# entry", fmt.Sprintf("# upcall, door %#x, called by C", uint64(c.opts.Door))+"\n# door called", 1)
			path := filepath.Join("testdata", c.arch, "upcall_"+c.name+".golden")
			if *update {
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

// TestAssembleManyUpcalls assembles upcall stubs for a few hundred SysV and Win64 plans
// (with either host) and AAPCS64 plans: each must assemble, disassemble completely, be
// the same bytes twice over and keep the upcall stub's shape.
func TestAssembleManyUpcalls(t *testing.T) {
	type job struct {
		plan *abi.Plan
		opts jit.Options
	}
	var jobs []job
	for i, p := range manyPlans(t) {
		o := upcallOpts
		if p.ABI == abi.Win64 && i%2 == 0 {
			o = upcallOn(abi.SysV)
		}
		if p.Sig.IsVariadic() {
			continue
		}
		jobs = append(jobs, job{p, o})
	}
	for _, p := range manyARM64Plans(t) {
		if !p.Sig.IsVariadic() {
			jobs = append(jobs, job{p, upcallOpts})
		}
	}
	if len(jobs) < 300 {
		t.Fatalf("only %d plans", len(jobs))
	}
	for i, j := range jobs {
		code, err := jit.Assemble(j.plan, j.opts)
		if err != nil {
			t.Fatalf("plan %d:\n%v: %v", i, j.plan, err)
		}
		again, err := jit.Assemble(j.plan, j.opts)
		if err != nil || !bytes.Equal(code, again) {
			t.Fatalf("plan %d: not deterministic (%v)", i, err)
		}
		listing, err := jit.Disassemble(code, j.plan.ABI)
		if err != nil {
			t.Fatalf("plan %d:\n%v: %v", i, j.plan, err)
		}
		checkUpcallShape(t, j.plan, j.opts, listing)
	}
}

var (
	subRSP            = regexp.MustCompile(` sub rsp, 0x([0-9a-f]+)$`)
	armUpcallPrologue = regexp.MustCompile(`^\s+0: \w+  ldp x12, x13, \[x17\]\n\s+4: \w+  stp x29, x30, \[sp,#-32\]!\n\s+8: \w+  mov x29, sp\n\s+c: \w+  stp x19, x20, \[sp,#16\]\n`)
	armUpcallEpilogue = regexp.MustCompile(`mov sp, x29\n\s*\w+: \w+  ldp x19, x20, \[sp,#16\]\n\s*\w+: \w+  ldp x29, x30, \[sp\],#32\n\s*\w+: \w+  ret\n$`)
)

// checkUpcallShape checks invariants every upcall stub keeps: on amd64, registers pushed
// and popped in mirror order, rdi, rsi and xmm6-xmm15 saved and restored exactly when a
// Win64 caller's stub calls a System V door, the door called once through a register
// loaded with its address, and a final ret; on arm64, the data slot read before anything
// else, a frame record with x19 and x20 saved, sp restored from x29, the door called once,
// and nothing touching x18 or x27.
func checkUpcallShape(t *testing.T, plan *abi.Plan, opts jit.Options, listing string) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s in\n%v\n%s", fmt.Sprintf(format, args...), plan, listing)
	}
	if plan.ABI == abi.AAPCS64 || plan.ABI == abi.AppleARM64 {
		// The door's address is built 16 bits at a time, the low part first.
		for i, shift := 0, uint(0); shift < 64; shift += 16 {
			part := opts.Door >> shift & 0xffff
			if part == 0 {
				continue
			}
			want := fmt.Sprintf("movk x16, #%#x, lsl #%d\n", part, shift)
			if i == 0 {
				want = fmt.Sprintf("mov x16, #%#x\n", part)
			}
			if strings.Count(listing, want) != 1 {
				fail("door address not loaded exactly once: no single %q", want)
			}
			i++
		}
		if !strings.Contains(listing, "blr x16\n") {
			fail("door not called through x16")
		}
		if m := reservedRegs.FindString(listing); m != "" {
			fail("%s used", m)
		}
		if !armUpcallPrologue.MatchString(listing) {
			fail("no data slot load and frame record at entry")
		}
		if !armUpcallEpilogue.MatchString(listing) {
			fail("no frame record pop before ret")
		}
		if strings.Count(listing, "  blr ") != 1 {
			fail("not exactly one call")
		}
		for _, line := range strings.Split(listing, "\n") {
			if strings.Contains(line, "sub sp, sp, ") && !spImmAligned(line) {
				fail("sp moved off 16-byte alignment by %q", strings.TrimSpace(line))
			}
		}
		return
	}
	// rsp is 8 below a 16-byte boundary at entry; at the door call it must be on one.
	moved := 8
	for _, line := range strings.Split(listing[:strings.Index(listing, " call ")], "\n") {
		switch m := subRSP.FindStringSubmatch(line); {
		case strings.Contains(line, " push "):
			moved += 8
		case m != nil:
			var n int
			fmt.Sscanf(m[1], "%x", &n)
			moved += n
		}
	}
	if moved%16 != 0 {
		fail("rsp is %d bytes below its value at entry at the door call, not 16-byte aligned", moved)
	}
	var stack []string
	for _, m := range pushPop.FindAllStringSubmatch(listing, -1) {
		if m[1] == "push" {
			stack = append(stack, m[2])
			continue
		}
		if len(stack) == 0 || stack[len(stack)-1] != m[2] {
			fail("unbalanced pop %s", m[2])
		}
		stack = stack[:len(stack)-1]
	}
	if len(stack) != 0 {
		fail("registers %v never popped", stack)
	}
	saveWin64 := plan.ABI == abi.Win64 && opts.Entry == abi.SysV
	for _, r := range []string{"rdi", "rsi"} {
		if got := strings.Contains(listing, "push "+r+"\n"); got != saveWin64 {
			fail("push %s: %v, want %v", r, got, saveWin64)
		}
	}
	for i := 6; i <= 15; i++ {
		save := regexp.MustCompile(fmt.Sprintf(`movups xmmword ptr \[rsp\+0x[0-9a-f]+\], xmm%d\n`, i))
		restore := regexp.MustCompile(fmt.Sprintf(`movups xmm%d, xmmword ptr \[rsp\+0x[0-9a-f]+\]\n`, i))
		if got := save.MatchString(listing) && restore.MatchString(listing); got != saveWin64 {
			fail("xmm%d saved and restored: %v, want %v", i, got, saveWin64)
		}
	}
	door := fmt.Sprintf("%#x", opts.Door)
	if strings.Count(listing, door) != 1 {
		fail("door address %s not loaded exactly once", door)
	}
	if strings.Count(listing, " call ") != 1 {
		fail("not exactly one call")
	}
	if !strings.HasSuffix(listing, " ret\n") {
		fail("does not end in ret")
	}
}

package ctest_test

import (
	"bufio"
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// TestUpcallRoundTrip checks GenerateUpcallers with the C compiler alone: each case's
// caller calls the case's generated callee, so C calls C, and the callee's record must
// equal what the caller says it passed, which must be the CallArgs bytes, and the result
// the caller got must be the callee's ExpectedResult. A callback test that fails can then
// only be the JIT stub's or the plan's fault, not the fixture's.
func TestUpcallRoundTrip(t *testing.T) {
	needCC(t)
	sysv := ctest.FixedCases(sysvCases(t))
	win64, err := ctest.ParseCases(ctest.Win64Cases)
	if err != nil {
		t.Fatal(err)
	}
	aapcs64, err := ctest.ParseCases(ctest.AAPCS64Cases)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		cases []ctest.Case
		opt   ctest.GenOptions
		flags []string
	}{
		{"O2", sysv, ctest.GenOptions{Seed: 1}, []string{"-O2"}},
		{"O0", sysv, ctest.GenOptions{Seed: 0x5eed}, []string{"-O0"}},
		{"AAPCS64_O2", ctest.FixedCases(aapcs64), ctest.GenOptions{Seed: 0x64}, []string{"-O2"}},
		{"ms_abi_O2", ctest.FixedCases(win64), ctest.GenOptions{MSABI: true, Seed: 7}, []string{"-O2"}},
		{"ms_abi_O0", ctest.FixedCases(win64), ctest.GenOptions{MSABI: true, Seed: 7}, []string{"-O0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.opt.MSABI && runtime.GOARCH != "amd64" {
				t.Skipf("ms_abi is an x86-64 attribute; the target here is %s", runtime.GOARCH)
			}
			t.Parallel()
			upcallRoundTrip(t, tc.cases, tc.opt, tc.flags)
		})
	}
}

func upcallRoundTrip(t *testing.T, cases []ctest.Case, opt ctest.GenOptions, flags []string) {
	callees, err := ctest.Generate(cases, opt)
	if err != nil {
		t.Fatal(err)
	}
	callers, err := ctest.GenerateUpcallers(cases, opt)
	if err != nil {
		t.Fatal(err)
	}
	// main passes each callee to its caller and prints, per case, the callee's call
	// count, its record, what the caller passed and what it got back.
	var m strings.Builder
	m.WriteString(callers)
	m.WriteString("\nstatic void up_hex(const unsigned char *p, int n) {\n\t__builtin_printf(n ? \" \" : \" -\");\n" +
		"\tfor (int i = 0; i < n; i++)\n\t\t__builtin_printf(\"%02x\", p[i]);\n}\n")
	for _, c := range cases {
		fmt.Fprintf(&m, "extern unsigned char %s_rec[];\nextern int %s_calls;\nvoid %s(void);\n", c.Name, c.Name, c.Name)
	}
	m.WriteString("int main(void) {\n")
	for _, c := range cases {
		n := c.Name
		fmt.Fprintf(&m, "\t%s_up((%s_fn)%s);\n", n, n, n)
		fmt.Fprintf(&m, "\t__builtin_printf(\"%s %%d\", %s_calls);\n", n, n)
		fmt.Fprintf(&m, "\tup_hex(%s_rec, %d);\n\tup_hex(%s_passed, %d);\n\tup_hex(%s_got, %d);\n\t__builtin_printf(\"\\n\");\n",
			n, ctest.RecordSize(c.Sig), n, ctest.RecordSize(c.Sig), n, c.Sig.Result.Size())
	}
	m.WriteString("\treturn 0;\n}\n")

	dir := t.TempDir()
	flags = append([]string{"-Werror"}, flags...)
	lib, err := ctest.Compile(dir, callees, flags...)
	if err != nil {
		t.Fatal(err)
	}
	exe, err := ctest.CompileProgram(nil, dir, m.String(), []string{lib}, flags...)
	if err != nil {
		t.Fatal(err)
	}
	out, runErr := ctest.Command(exe).Output()
	if runErr != nil {
		t.Fatalf("program failed: %v\n%s", runErr, out)
	}
	byName := map[string]ctest.Case{}
	for _, c := range cases {
		byName[c.Name] = c
	}
	done := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 5 {
			t.Fatalf("bad line %q", sc.Text())
		}
		c, ok := byName[f[0]]
		if !ok || done[f[0]] {
			t.Fatalf("unexpected line %q", sc.Text())
		}
		done[f[0]] = true
		rec, passed, got := unhex(t, f[2]), unhex(t, f[3]), unhex(t, f[4])
		want := ctest.ExpectedRecord(c.Sig, ctest.CallArgs(c.Sig, opt.Seed))
		switch {
		case f[1] != "1":
			t.Errorf("%s: the callee ran %s times", ctest.Describe(c), f[1])
		case !bytes.Equal(passed, want):
			t.Errorf("%s: the caller passed\n% x\nwant the CallArgs leaves\n% x", ctest.Describe(c), passed, want)
		case !bytes.Equal(rec, passed):
			t.Errorf("%s: the callee recorded\n% x\nthe caller passed\n% x", ctest.Describe(c), rec, passed)
		}
		if c.Sig.Result.Kind == abi.Void {
			continue
		}
		wantRes := ctest.ExpectedResult(c.Sig, c.Salt)
		for i, m := range ctest.ResultMask(c.Sig) {
			if m && got[i] != wantRes[i] {
				t.Errorf("%s: result byte %d: the caller got %#x, the callee returned %#x", ctest.Describe(c), i, got[i], wantRes[i])
				break
			}
		}
	}
	for _, c := range cases {
		if !done[c.Name] {
			t.Errorf("%s: no output", c.Name)
		}
	}
	t.Logf("%d cases", len(cases))
}

// TestGenerateUpcallersRejects checks that a variadic case is refused, and that
// FixedCases leaves it out.
func TestGenerateUpcallersRejects(t *testing.T) {
	cases := []ctest.Case{
		{Name: "f", Sig: mustSig(t, "int32_t (int32_t)")},
		{Name: "v", Sig: mustSig(t, "int32_t (int32_t, ..., double)")},
	}
	if _, err := ctest.GenerateUpcallers(cases, ctest.GenOptions{}); err == nil || !strings.Contains(err.Error(), "variadic") {
		t.Errorf("GenerateUpcallers with a variadic case: error %v", err)
	}
	fixed := ctest.FixedCases(cases)
	if len(fixed) != 1 || fixed[0].Name != "f" {
		t.Errorf("FixedCases kept %v", fixed)
	}
	if _, err := ctest.GenerateUpcallers(fixed, ctest.GenOptions{}); err != nil {
		t.Error(err)
	}
}

// TestResultBytes checks the callback's result: ExpectedResult in the leaves, PaddingByte
// elsewhere.
func TestResultBytes(t *testing.T) {
	sig := mustSig(t, "struct{int8_t a; int32_t b; bool c;} (void)")
	got := ctest.ResultBytes(sig, 0)
	want := []byte{0xa0, 0xee, 0xee, 0xee, 0xa4, 0xa5, 0xa6, 0xa7, 0, 0xee, 0xee, 0xee}
	if !bytes.Equal(got, want) {
		t.Errorf("ResultBytes = % x, want % x", got, want)
	}
}

// TestUpcallChecks runs GenerateUpcallChecks' program, the compiler's own upcall, on the
// fixed System V cases, each with a seed of its own (GenOptions.Seeds): every check
// passes. Then it links the same callers with callees that return other bytes and with
// callers of other argument values, and the checks must say so, with the codes of the
// first wrong result byte and the first wrong byte passed.
func TestUpcallChecks(t *testing.T) {
	needCC(t)
	cases := ctest.FixedCases(sysvCases(t))
	opt := ctest.GenOptions{Seed: 3, Seeds: map[string]uint64{}}
	for i, c := range cases {
		if i%2 == 0 {
			opt.Seeds[c.Name] = uint64(i) * 0x9e37
		}
	}
	dir := t.TempDir()
	build := func(cases []ctest.Case, opt ctest.GenOptions) (callees, callers string) {
		t.Helper()
		src, err := ctest.Generate(cases, opt)
		if err != nil {
			t.Fatal(err)
		}
		up, err := ctest.GenerateUpcallers(cases, opt)
		if err != nil {
			t.Fatal(err)
		}
		if callees, err = ctest.Compile(dir, src); err != nil {
			t.Fatal(err)
		}
		if callers, err = ctest.Compile(dir, up); err != nil {
			t.Fatal(err)
		}
		return callees, callers
	}
	run := func(callees, callers string) map[string]int {
		t.Helper()
		src, err := ctest.GenerateUpcallChecks(cases, opt)
		if err != nil {
			t.Fatal(err)
		}
		exe, err := ctest.CompileProgram(nil, dir, src, []string{callees, callers})
		if err != nil {
			t.Fatal(err)
		}
		out, _ := ctest.Command(exe).Output()
		codes := map[string]int{}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			var name string
			var code int
			if _, err := fmt.Sscanf(line, "%s %d", &name, &code); err != nil {
				t.Fatalf("bad line %q: %v", line, err)
			}
			codes[name] = code
		}
		if len(codes) != len(cases) {
			t.Fatalf("%d lines for %d cases:\n%s", len(codes), len(cases), out)
		}
		return codes
	}
	callees, callers := build(cases, opt)
	for name, code := range run(callees, callers) {
		if code != ctest.CheckOK {
			t.Errorf("%s: code %d, want %d", name, code, ctest.CheckOK)
		}
	}

	salted := append([]ctest.Case(nil), cases...)
	for i := range salted {
		salted[i].Salt ^= 0x55
	}
	otherCallees, _ := build(salted, opt)
	reseeded := opt
	reseeded.Seed, reseeded.Seeds = 4, nil
	_, otherCallers := build(cases, reseeded)
	salt := run(otherCallees, callers)
	seed := run(callees, otherCallers)
	for _, c := range cases {
		if len(ctest.Leaves(c.Sig.Result)) > 0 {
			first := slices.Index(ctest.ResultMask(c.Sig), true)
			if want := ctest.CheckResultByte + first; salt[c.Name] != want {
				t.Errorf("%s with other result bytes: code %d, want %d", ctest.Describe(c), salt[c.Name], want)
			}
		}
		seedOf := func(o ctest.GenOptions) uint64 {
			if s, ok := o.Seeds[c.Name]; ok {
				return s
			}
			return o.Seed
		}
		ours := ctest.ExpectedRecord(c.Sig, ctest.CallArgs(c.Sig, seedOf(opt)))
		theirs := ctest.ExpectedRecord(c.Sig, ctest.CallArgs(c.Sig, seedOf(reseeded)))
		if !bytes.Equal(ours, theirs) && seed[c.Name] < ctest.CheckPassedByte {
			t.Errorf("%s with other argument values: code %d, want %d or more", ctest.Describe(c), seed[c.Name], ctest.CheckPassedByte)
		}
	}
}

package ctest_test

import (
	"bufio"
	"bytes"
	"fmt"
	"runtime"
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

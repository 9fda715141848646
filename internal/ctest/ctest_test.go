package ctest_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"math"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// needCC skips the test when the host C compiler cannot be found.
func needCC(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath(ctest.Compiler()[0]); err != nil {
		t.Skipf("no C compiler: %v", err)
	}
}

func sysvCases(t *testing.T) []ctest.Case {
	t.Helper()
	cs, err := ctest.ParseCases(ctest.SysVCases)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestSysVCasesWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range ctest.SysVCases {
		if seen[n.Name] {
			t.Errorf("duplicate case name %s", n.Name)
		}
		seen[n.Name] = true
		if strings.TrimSpace(n.Rule) == "" {
			t.Errorf("%s: no rule", n.Name)
		}
		sig, err := abi.ParseSignature(n.Text)
		if err != nil {
			t.Errorf("%s: %v", n.Name, err)
			continue
		}
		back, err := abi.ParseSignature(sig.String())
		if err != nil || !abi.EqualSignatures(sig, back) {
			t.Errorf("%s: %q does not read back: %v", n.Name, sig.String(), err)
		}
	}
	// Every result size from 1 to 32 bytes is covered by a struct result.
	sizes := map[int]bool{}
	for _, c := range sysvCases(t) {
		if c.Sig.Result.Kind == abi.Struct {
			sizes[c.Sig.Result.Size()] = true
		}
	}
	for n := 1; n <= 32; n++ {
		if !sizes[n] {
			t.Errorf("no struct result of %d bytes", n)
		}
	}
	t.Logf("%d SysV cases", len(ctest.SysVCases))
}

// TestRoundTrip compiles the callees for every SysV case into a shared library and a
// generated C caller per case into a program linked with it, then runs the program. The
// C callers check the record and the result in C; the test also reads the bytes they
// print and runs CheckCall on them, so the Go mirrors and C agree both ways.
func TestRoundTrip(t *testing.T) {
	needCC(t)
	cases := sysvCases(t)
	for _, tc := range []struct {
		name  string
		opt   ctest.GenOptions
		flags []string
	}{
		{"O2", ctest.GenOptions{Seed: 0}, []string{"-O2"}},
		{"O0", ctest.GenOptions{Seed: 0}, []string{"-O0"}},
		{"O2_seed", ctest.GenOptions{Seed: 0x1234_5678_9abc}, []string{"-O2"}},
		{"O2_ms_abi", ctest.GenOptions{MSABI: true, Seed: 7}, []string{"-O2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.opt.MSABI && runtime.GOARCH != "amd64" {
				t.Skipf("ms_abi is an x86-64 attribute; the target here is %s", runtime.GOARCH)
			}
			t.Parallel()
			roundTrip(t, cases, tc.opt, tc.flags)
		})
	}
}

func roundTrip(t *testing.T, cases []ctest.Case, opt ctest.GenOptions, flags []string) {
	callees, err := ctest.Generate(cases, opt)
	if err != nil {
		t.Fatal(err)
	}
	callers, err := ctest.GenerateCallers(cases, opt)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// -Werror: the generated C must compile without any warning under -Wall.
	flags = append([]string{"-Werror"}, flags...)
	start := time.Now()
	lib, err := ctest.Compile(dir, callees, flags...)
	if err != nil {
		t.Fatal(err)
	}
	libTime := time.Since(start)
	start = time.Now()
	exe, err := ctest.CompileProgram(nil, dir, callers, []string{lib}, flags...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d cases, %d+%d bytes of C: library built in %v, callers in %v",
		len(cases), len(callees), len(callers), libTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

	out, runErr := ctest.Command(exe).Output()
	byName := map[string]ctest.Case{}
	for _, c := range cases {
		byName[c.Name] = c
	}
	done := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 {
			t.Fatalf("bad line %q", sc.Text())
		}
		c, ok := byName[f[0]]
		if !ok || done[f[0]] {
			t.Fatalf("unexpected line %q", sc.Text())
		}
		done[f[0]] = true
		code, _ := strconv.Atoi(f[1])
		rec, res := unhex(t, f[2]), unhex(t, f[3])
		args := ctest.CallArgs(c.Sig, opt.Seed)
		checkErr := ctest.CheckCall(rec, c.Sig, args, res, c.Salt)
		switch {
		case code != ctest.CheckOK:
			t.Errorf("%s: C check failed with %s; CheckCall: %v", ctest.Describe(c), describeCode(code), checkErr)
		case checkErr != nil:
			t.Errorf("%s: C check passed but CheckCall says %v", ctest.Describe(c), checkErr)
		}
	}
	for _, c := range cases {
		if !done[c.Name] {
			t.Errorf("%s: no output (program error: %v)", c.Name, runErr)
		}
	}
	if runErr != nil && !t.Failed() {
		t.Errorf("program failed: %v", runErr)
	}
}

func describeCode(code int) string {
	switch {
	case code == ctest.CheckCalls:
		return "wrong call count"
	case code >= ctest.CheckResultByte:
		return fmt.Sprintf("result byte %d wrong", code-ctest.CheckResultByte)
	case code >= ctest.CheckRecordByte:
		return fmt.Sprintf("record byte %d wrong", code-ctest.CheckRecordByte)
	}
	return fmt.Sprintf("code %d", code)
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	if s == "-" {
		return nil
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// TestCType compiles size, alignment and offset checks of CType and CDecl spellings of
// every type the SysV cases use.
func TestCType(t *testing.T) {
	needCC(t)
	var b strings.Builder
	b.WriteString(ctest.Prelude)
	n := 0
	var add func(ty *abi.Type)
	add = func(ty *abi.Type) {
		if ty.Kind == abi.Void {
			return
		}
		fmt.Fprintf(&b, "_Static_assert(sizeof(%s) == %d && _Alignof(%s) == %d, \"%d\");\n",
			ctest.CType(ty), ty.Size(), ctest.CType(ty), ty.Align(), n)
		fmt.Fprintf(&b, "%s;\n", ctest.CDecl(ty, fmt.Sprintf("v%d", n)))
		fmt.Fprintf(&b, "_Static_assert(sizeof(v%d) == %d, \"v%d\");\n", n, ty.Size(), n)
		n++
		for _, f := range ty.Fields {
			add(f.Type)
		}
		if ty.Kind == abi.Array {
			add(ty.Elem)
		}
	}
	for _, c := range sysvCases(t) {
		add(c.Sig.Result)
		for _, p := range c.Sig.Params {
			add(p)
		}
	}
	if _, err := ctest.Compile(t.TempDir(), b.String(), "-Werror", "-c"); err != nil {
		t.Fatal(err)
	}
	if got, want := ctest.CDecl(mustType(t, "struct{int16_t m[2][3]; bool b;}"), "x"),
		"struct { int16_t m0[2][3]; _Bool m1; } x"; got != want {
		t.Errorf("CDecl = %q, want %q", got, want)
	}
	if got, want := ctest.CType(mustType(t, "float[4]")), "float[4]"; got != want {
		t.Errorf("CType = %q, want %q", got, want)
	}
}

func mustType(t *testing.T, s string) *abi.Type {
	t.Helper()
	ty, err := abi.ParseType(s)
	if err != nil {
		t.Fatal(err)
	}
	return ty
}

func mustSig(t *testing.T, s string) *abi.Signature {
	t.Helper()
	sig, err := abi.ParseSignature(s)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func TestLeaves(t *testing.T) {
	for _, tc := range []struct {
		typ  string
		want []ctest.Leaf
	}{
		{"int32_t", []ctest.Leaf{{0, 4, abi.Int32}}},
		{"struct{}", nil},
		{"struct{struct{} e; int8_t c[0]; double d;}", []ctest.Leaf{{0, 8, abi.Float64}}},
		{"struct{int8_t c; double d;}", []ctest.Leaf{{0, 1, abi.Int8}, {8, 8, abi.Float64}}},
		{"struct{int16_t m[2][2]; bool b;}", []ctest.Leaf{{0, 2, abi.Int16}, {2, 2, abi.Int16}, {4, 2, abi.Int16}, {6, 2, abi.Int16}, {8, 1, abi.Bool}}},
		{"union{float f; int32_t i; struct{int16_t a; int8_t b;} s;}", []ctest.Leaf{{0, 4, abi.Float32}}},
		{"union{int8_t c; struct{int16_t a; int8_t b;} s;}", []ctest.Leaf{{0, 2, abi.Int16}, {2, 1, abi.Int8}}},
		{"struct __attribute__((packed)) {int8_t c; void* p;}", []ctest.Leaf{{0, 1, abi.Int8}, {1, 8, abi.Pointer}}},
	} {
		got := ctest.Leaves(mustType(t, tc.typ))
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("Leaves(%s) = %v, want %v", tc.typ, got, tc.want)
		}
	}
}

func TestRecordLayout(t *testing.T) {
	sig := mustSig(t, "void (int8_t, struct{}, struct{int32_t a; double b;}, ..., float)")
	got := ctest.RecordLayout(sig)
	want := []ctest.Span{
		{Arg: 0, Offset: 0, Size: 1, Leaves: []ctest.Leaf{{0, 1, abi.Int8}}},
		{Arg: 1, Offset: 1, Size: 0},
		{Arg: 2, Offset: 1, Size: 12, Leaves: []ctest.Leaf{{0, 4, abi.Int32}, {8, 8, abi.Float64}}},
		{Arg: 3, Offset: 13, Size: 4, Leaves: []ctest.Leaf{{0, 4, abi.Float32}}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("RecordLayout = %v, want %v", got, want)
	}
	if n := ctest.RecordSize(sig); n != 17 {
		t.Errorf("RecordSize = %d, want 17", n)
	}
}

func TestArgBytes(t *testing.T) {
	ty := mustType(t, "struct{int8_t c; int32_t i; bool b; float f; uint16_t u;}")
	got := ctest.ArgBytes(ty, 2, 0)
	want := []byte{
		0xa0, 0xee, 0xee, 0xee, // c, top bit set; padding
		0x24, 0x25, 0x26, 0x27, // i
		0x01, 0xee, 0xee, 0xee, // b = (0x28&1)^1; padding
		0x2c, 0x2d, 0x2e, 0x2f, // f: any bits, as a struct member is never promoted
	}
	if !bytes.Equal(got[:16], want) {
		t.Errorf("ArgBytes = % x, want % x", got[:16], want)
	}
	// Past 16 bytes the seed mix applies even for seed 0, so only the rules are checked.
	if got[17]&0x80 == 0 || got[18] != 0xee || got[19] != 0xee {
		t.Errorf("ArgBytes tail = % x: want the uint16's top bit set and padding 0xee", got[16:])
	}

	// A float argument is promoted when variadic, so it must survive float->double->float.
	for i := 0; i < 40; i++ {
		for _, seed := range []uint64{0, 1, 99, math.MaxUint64} {
			b := ctest.ArgBytes(abi.Scalar(abi.Float32), i, seed)
			f := math.Float32frombits(uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24)
			if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) || f != 0 && math.Abs(float64(f)) < 0x1p-126 {
				t.Errorf("ArgBytes(float, %d, %d) = %v, not a normal number", i, seed, f)
			}
			if b := ctest.ArgBytes(abi.Scalar(abi.Bool), i, seed); b[0] > 1 {
				t.Errorf("ArgBytes(bool, %d, %d) = %d", i, seed, b[0])
			}
		}
	}

	// Different seeds and arguments give different bytes.
	a := ctest.ArgBytes(abi.Scalar(abi.Int64), 0, 1)
	if bytes.Equal(a, ctest.ArgBytes(abi.Scalar(abi.Int64), 0, 2)) || bytes.Equal(a, ctest.ArgBytes(abi.Scalar(abi.Int64), 1, 1)) {
		t.Error("ArgBytes ignores its seed or argument index")
	}
}

func TestExpectedResult(t *testing.T) {
	sig := mustSig(t, "struct{int8_t c; bool b; int32_t i; double d;} (void)")
	got := ctest.ExpectedResult(sig, 0x0f)
	want := []byte{
		0xa0 ^ 0x0f, (0xa1 ^ 0x0f) & 1, 0, 0,
		0xa4 ^ 0x0f, 0xa5 ^ 0x0f, 0xa6 ^ 0x0f, 0xa7 ^ 0x0f,
		0xa8 ^ 0x0f, 0xa9 ^ 0x0f, 0xaa ^ 0x0f, 0xab ^ 0x0f, 0xac ^ 0x0f, 0xad ^ 0x0f, 0xae ^ 0x0f, 0xaf ^ 0x0f,
	}
	if !bytes.Equal(got, want) {
		t.Errorf("ExpectedResult = % x, want % x", got, want)
	}
	mask := ctest.ResultMask(sig)
	if fmt.Sprint(mask[:5]) != "[true true false false true]" || len(mask) != 16 {
		t.Errorf("ResultMask = %v", mask)
	}
}

func TestCheckCall(t *testing.T) {
	sig := mustSig(t, "struct{float f; int16_t s;} (int32_t, struct{int8_t c; double d;})")
	args := ctest.CallArgs(sig, 0)
	rec := ctest.ExpectedRecord(sig, args)
	res := ctest.ExpectedResult(sig, 0x42)
	if err := ctest.CheckCall(rec, sig, args, res, 0x42); err != nil {
		t.Fatalf("CheckCall of a correct call: %v", err)
	}
	// Padding in the result does not matter.
	res[6] = 0x99
	if err := ctest.CheckCall(rec, sig, args, res, 0x42); err != nil {
		t.Fatalf("CheckCall looks at result padding: %v", err)
	}
	bad := append([]byte(nil), rec...)
	bad[4+1+7] ^= 0xff // last byte of arg 1's double
	err := ctest.CheckCall(bad, sig, args, res, 0x42)
	if err == nil || !strings.HasPrefix(err.Error(), "arg 1 leaf at +8 (float64): got 0xe01e1d1c1b1a1918 (") {
		t.Errorf("CheckCall with a wrong double: %v", err)
	}
	res[4] ^= 1
	err = ctest.CheckCall(rec, sig, args, res, 0x42)
	if err == nil || err.Error() != "result leaf at +4 (int16): got 0xe7e7 want 0xe7e6" {
		t.Errorf("CheckCall with a wrong result: %v", err)
	}
	if err := ctest.CheckCall(rec[:3], sig, args, res, 0x42); err == nil {
		t.Error("CheckCall accepts a short record")
	}
}

func TestGenerateRejects(t *testing.T) {
	ok := mustSig(t, "int32_t (int32_t)")
	for _, tc := range []struct {
		cases []ctest.Case
		opt   ctest.GenOptions
		want  string
	}{
		{[]ctest.Case{{Name: "1x", Sig: ok}}, ctest.GenOptions{}, "not a C identifier"},
		{[]ctest.Case{{Name: "int", Sig: ok}}, ctest.GenOptions{}, "not a C identifier"},
		{[]ctest.Case{{Name: "ctest_x", Sig: ok}}, ctest.GenOptions{}, "reserved prefix"},
		{[]ctest.Case{{Name: "f", Sig: ok}, {Name: "f", Sig: ok}}, ctest.GenOptions{}, "two cases"},
		{[]ctest.Case{{Name: "f", Sig: mustSig(t, "int32_t (..., int32_t)")}}, ctest.GenOptions{}, "fixed parameter"},
		{[]ctest.Case{{Name: "f", Sig: ok}}, ctest.GenOptions{MSABI: true, SysVABI: true}, "exclusive"},
		{[]ctest.Case{{Name: "f", Sig: mustSig(t, "int32_t (int32_t, ..., int32_t)")}}, ctest.GenOptions{SysVABI: true}, "variadic sysv_abi"},
	} {
		_, err := ctest.Generate(tc.cases, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Generate(%v) error = %v, want %q", tc.cases[0].Name, err, tc.want)
		}
	}
}

func TestCompileError(t *testing.T) {
	needCC(t)
	_, err := ctest.Compile(t.TempDir(), "int f(void) { return undeclared(); }\n")
	if err == nil || !strings.Contains(err.Error(), "undeclared") {
		t.Errorf("Compile of bad C: error %v does not carry the compiler's message", err)
	}
}

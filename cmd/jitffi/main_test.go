package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
)

// runCmd runs the command in-process and returns its exit code and output.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsage(t *testing.T) {
	if code, _, stderr := runCmd(t); code != exitError || !strings.Contains(stderr, "Usage:") {
		t.Errorf("no arguments: exit %d, stderr %q", code, stderr)
	}
	if code, stdout, _ := runCmd(t, "help"); code != exitOK || !strings.Contains(stdout, "jitffi call") {
		t.Errorf("help: exit %d, stdout %q", code, stdout)
	}
	if code, stdout, _ := runCmd(t, "call", "--help"); code != exitOK || !strings.Contains(stdout, "buf:N") || !strings.Contains(stdout, "--raw") || !strings.Contains(stdout, "--decl-file FILE") {
		t.Errorf("call --help: exit %d, stdout %q", code, stdout)
	}
	if code, _, stderr := runCmd(t, "frobnicate"); code != exitError || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, stderr %q", code, stderr)
	}
}

func TestExplainSysV(t *testing.T) {
	code, stdout, stderr := runCmd(t, "explain", "int32_t (char*, size_t, char*, ..., double)", "--abi", "sysv", "--errno")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{
		"abi sysv", "arg 0 void*: rdi", "arg 3 double: xmm0", "al 1",
		"frame: header 0..24, arg 0 at 24",
		"stub (", "mov rdi, qword ptr", "call qword ptr", "ret",
		"errno stub, ",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

// TestExplainCallback checks the upcall stub listing of every ABI: the trampoline's data
// slot read first, the door called with the frame, and a refusal for a variadic callback.
// An amd64 stub calls the door the host's way: with the frame in rcx on Windows, in rdi
// elsewhere.
func TestExplainCallback(t *testing.T) {
	sysvDoorArg := "mov rdi, rbx"
	if abi.Host == abi.Win64 {
		sysvDoorArg = "mov rcx, rbx"
	}
	for _, c := range []struct{ abi, slotRead, doorArg string }{
		{"sysv", "qword ptr [r11]", sysvDoorArg},
		{"win64", "qword ptr [r11]", "mov r"},
		{"aapcs64", "ldp x12, x13, [x17]", "mov x0, x19"},
		{"apple-arm64", "ldp x12, x13, [x17]", "mov x0, x19"},
	} {
		code, stdout, stderr := runCmd(t, "explain", "--callback", "--abi", c.abi, "struct{double a; double b; double c;} (int32_t, float, char)")
		if code != exitOK {
			t.Fatalf("%s: exit %d, stderr %q, output:\n%s", c.abi, code, stderr, stdout)
		}
		for _, want := range []string{"upcall frame: header (stub, context) 0..24", "upcall stub, entered through a trampoline", c.slotRead, c.doorArg, "0x5566778899aabbcc"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("%s: output lacks %q:\n%s", c.abi, want, stdout)
			}
		}
	}
	code, stdout, _ := runCmd(t, "explain", "--callback", "int32_t (char*, ...)")
	if code != exitUnexplained || !strings.Contains(stdout, "callback: refused: new callback: a callback cannot be variadic") {
		t.Errorf("variadic callback: exit %d, output:\n%s", code, stdout)
	}
}

// TestExplainPrototypes explains signatures written as headers write them: a whole
// prototype names its function, and --decl gives the types and macros it uses, laid out
// under the ABI's data model.
func TestExplainPrototypes(t *testing.T) {
	decl := "#define SQLITE_API\ntypedef struct sqlite3 sqlite3;\ntypedef unsigned long uLong;\ntypedef struct { uLong lo, hi; } pair;"
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--abi", "sysv", "int sqlite3_open(const char *filename, sqlite3 **ppDb);"},
			[]string{"function sqlite3_open: int32_t (void*, void*)\n", "arg 0 void*: rdi", "arg 1 void*: rsi"}},
		{[]string{"--abi", "win64", "--decl", decl, "SQLITE_API pair f(uLong a, const char *s);"},
			[]string{"function f: struct{uint32_t lo; uint32_t hi;} (uint32_t, void*)\n", "data model LLP64"}},
		{[]string{"--abi", "sysv", "--decl", decl, "SQLITE_API pair f(uLong a, const char *s);"},
			[]string{"function f: struct{uint64_t lo; uint64_t hi;} (uint64_t, void*)\n"}},
		{[]string{"--abi", "sysv", "extern int open (const char *__file, int __oflag, ...) __asm__ (\"\" \"open64\");"},
			[]string{"function open (symbol open64): int32_t (void*, int32_t, ...)\n"}},
		{[]string{"--abi", "aapcs64", "--callback", "int (*callback)(void*,int,char**,char**)"},
			[]string{"plan (aapcs64", "upcall stub"}},
	} {
		code, stdout, stderr := runCmd(t, append([]string{"explain"}, c.args...)...)
		if code != exitOK {
			t.Errorf("%q: exit %d, stderr %q", c.args, code, stderr)
			continue
		}
		for _, want := range c.want {
			if !strings.Contains(stdout, want) {
				t.Errorf("%q: output lacks %q:\n%s", c.args, want, stdout)
			}
		}
		if strings.Contains(stdout, "function") != strings.HasPrefix(c.want[0], "function") {
			t.Errorf("%q: a function line where none belongs, or none:\n%s", c.args, stdout)
		}
	}
	code, _, stderr := runCmd(t, "explain", "--decl", "typedef long uLong", "uLong f(void)")
	if code != exitError || !strings.Contains(stderr, "--decl: abi: parse \"typedef long uLong\" at 18: expected ';' after the declaration") {
		t.Errorf("bad --decl: exit %d, stderr %q", code, stderr)
	}
}

func TestExplainDefaultsToHost(t *testing.T) {
	code, stdout, _ := runCmd(t, "explain", "double (double)")
	if code != exitOK || !strings.Contains(stdout, "abi "+abi.Host.String()) {
		t.Errorf("exit %d, output:\n%s", code, stdout)
	}
}

// TestExplainUnbuiltABI checks that an ABI whose classifier or emitter is missing gets
// what can be shown and a line saying what is missing.
func TestExplainUnbuiltABI(t *testing.T) {
	for _, a := range []string{"win64", "aapcs64", "apple-arm64"} {
		code, stdout, stderr := runCmd(t, "explain", "--abi", a, "long (char, long)")
		if strings.Contains(stdout, "classifier is not built yet") {
			if code != exitUnexplained || !strings.Contains(stdout, "signature (") {
				t.Errorf("%s: exit %d, output:\n%s", a, code, stdout)
			}
			continue
		}
		if code != exitOK || !strings.Contains(stdout, "abi "+a) {
			t.Errorf("%s: exit %d, stderr %q, output:\n%s", a, code, stderr, stdout)
		}
	}
	// The data model follows the ABI: long is 4 bytes under Win64, char unsigned on arm64 Linux.
	_, stdout, _ := runCmd(t, "explain", "--abi", "win64", "long (char)")
	if !strings.Contains(stdout, "int32_t (int8_t)") {
		t.Errorf("win64 data model not LLP64:\n%s", stdout)
	}
	_, stdout, _ = runCmd(t, "explain", "--abi", "aapcs64", "long (char)")
	if !strings.Contains(stdout, "int64_t (uint8_t)") {
		t.Errorf("aapcs64 data model not LP64 with unsigned char:\n%s", stdout)
	}
}

func TestExplainErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"explain", "int32_t (int"}, `at 12: expected ',' or ')'`},
		{[]string{"explain", "--abi", "vax", "void (void)"}, `unknown ABI "vax"`},
		{[]string{"explain"}, "want one signature"},
		{[]string{"explain", "void (void)", "--abi"}, "flag --abi needs a value"},
	} {
		code, _, stderr := runCmd(t, tc.args...)
		if code != exitError || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and one line with %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	fs := newFlagSet("test")
	b := fs.Bool("errno", false, "")
	s := fs.String("abi", "", "")
	pos, err := parseFlags(fs, []string{"a", "-5", "--errno", "-abi=win64", "-inf", "-0x10", "--", "--abi", "-"})
	if err != nil {
		t.Fatal(err)
	}
	if !*b || *s != "win64" || strings.Join(pos, " ") != "a -5 -inf -0x10 --abi -" {
		t.Errorf("errno %v, abi %q, positional %q", *b, *s, pos)
	}
}

func TestParseInteger(t *testing.T) {
	for _, tc := range []struct {
		s      string
		bits   int
		signed bool
		want   uint64
		ok     bool
	}{
		{"42", 32, true, 42, true},
		{"-5", 32, true, 0xffff_ffff_ffff_fffb, true},
		{"0x7f", 8, true, 0x7f, true},
		{"0x80", 8, true, 0, false},
		{"-128", 8, true, 0xffff_ffff_ffff_ff80, true},
		{"-129", 8, true, 0, false},
		{"255", 8, false, 255, true},
		{"256", 8, false, 0, false},
		{"-1", 64, false, 0, false},
		{"010", 32, true, 10, true}, // not octal
		{"18446744073709551615", 64, false, 1<<64 - 1, true},
		{"18446744073709551616", 64, false, 0, false},
		{"-9223372036854775808", 64, true, 1 << 63, true},
		{"9223372036854775808", 64, true, 0, false},
		{"", 32, true, 0, false},
		{"-", 32, true, 0, false},
		{"--1", 32, true, 0, false},
		{"1.5", 32, true, 0, false},
		{"0x", 32, true, 0, false},
	} {
		got, err := parseInteger(tc.s, tc.bits, tc.signed)
		if (err == nil) != tc.ok || tc.ok && got != tc.want {
			t.Errorf("parseInteger(%q, %d, %v) = %#x, %v", tc.s, tc.bits, tc.signed, got, err)
		}
	}
}

func TestStructArgumentRoundTrip(t *testing.T) {
	typ, err := abi.ParseType("struct{int8_t a; struct{double x; float y;} p; int16_t v[2]; bool ok; void* q;}")
	if err != nil {
		t.Fatal(err)
	}
	var enc argEncoder
	b, err := enc.encode(0, typ, "{-3, {2.5, 0.25}, {7, -8}, true, 0x1000}")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := formatValue(b, typ), "{a: -3, p: {x: 2.5, y: 0.25}, v: [7, -8], ok: true, q: 0x1000}"; got != want {
		t.Errorf("round trip = %s, want %s", got, want)
	}
	// Brace elision: the leaves may be listed flat, and a trailing comma is allowed.
	if b2, err := enc.encode(0, typ, "{-3, 2.5, 0.25, 7, -8, 1, 0x1000,}"); err != nil || !bytes.Equal(b, b2) {
		t.Errorf("flat brace list: %v, %x vs %x", err, b2, b)
	}
	for _, bad := range []string{"{1, 2}", "1", "{-3, {2.5, 0.25}, {7, -8}, true, 0x1000", "{-3,,2.5}", "{300, 2.5, 0.25, 7, -8, 1, 0}"} {
		if _, err := enc.encode(0, typ, bad); err == nil {
			t.Errorf("encode(%q) succeeded", bad)
		}
	}
}

func TestBraceListStrings(t *testing.T) {
	got, err := parseBraceList(`{ "a,{b}", c d ,{ 1 } }`)
	if err != nil || strings.Join(got, "|") != `"a,{b}"|c d|1` {
		t.Errorf("parseBraceList = %q, %v", got, err)
	}
}

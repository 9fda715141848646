package main

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
)

// TestExplainSaysBindRefuses explains signatures that have a plan but that bind refuses:
// the plan is printed, then why bind refuses it.
func TestExplainSaysBindRefuses(t *testing.T) {
	many := "void (" + strings.Repeat("int, ", 64) + "int)"
	for _, c := range []struct {
		sig  string
		abi  string
		want string
	}{
		{"int32_t (struct{char a[100000];})", "sysv", "100004 bytes of system stack"},
		{"struct{char a[100000];} (void)", "win64", "more than 65536"},
		{"int32_t (struct{char a[2000000000];})", "aapcs64", "more than 65536"},
		{many, "apple-arm64", "65 parameters, more than 64"},
	} {
		code, stdout, stderr := runCmd(t, "explain", "--abi", c.abi, c.sig)
		last := stdout[strings.LastIndex(strings.TrimSuffix(stdout, "\n"), "\n")+1:]
		if code != exitUnexplained || !strings.Contains(stdout, "plan ("+c.abi) ||
			!strings.HasPrefix(last, "bind: refused: ") || !strings.Contains(last, c.want) {
			t.Errorf("explain --abi %s %.40q: exit %d, stderr %q, output:\n%s", c.abi, c.sig, code, stderr, stdout)
		}
	}
	if code, stdout, _ := runCmd(t, "explain", "--abi", "sysv", "int32_t (struct{char a[60000];})"); code != exitOK || strings.Contains(stdout, "refused") {
		t.Errorf("a 60000-byte argument: exit %d, output:\n%s", code, stdout)
	}
}

// TestLongArraysElided checks that arrays print their first and last elements and how
// many are left out, and that a value of billions of elements prints a short line.
func TestLongArraysElided(t *testing.T) {
	ints := abi.ArrayOf(abi.Scalar(abi.Int32), 1000)
	b := make([]byte, ints.Size())
	for i := range 1000 {
		binary.NativeEndian.PutUint32(b[4*i:], uint32(i))
	}
	if got, want := formatValue(b, ints), "[0, 1, 2, 3, …994 more…, 998, 999]"; got != want {
		t.Errorf("int32_t[1000] = %q, want %q", got, want)
	}
	seven := abi.ArrayOf(abi.Scalar(abi.Int8), 7)
	if got, want := formatValue(make([]byte, 7), seven), "[0, 0, 0, 0, 0, 0, 0]"; got != want {
		t.Errorf("int8_t[7] = %q, want %q", got, want)
	}
	huge, err := abi.ParseType("struct{struct{} a[2147483647][2147483647];}")
	if err != nil {
		t.Fatal(err)
	}
	if got := formatValue(nil, huge); len(got) > 1000 || !strings.Contains(got, "…2147483641 more…") {
		t.Errorf("2^62 empty structs print as %d bytes: %.200q", len(got), got)
	}
	nested, err := abi.ParseType("struct{struct{} a" + strings.Repeat("[7]", 150) + ";}")
	if err != nil {
		t.Fatal(err)
	}
	if got := formatValue(nil, nested); len(got) > 20000 || !strings.HasSuffix(got, "…]]}") && !strings.Contains(got, "…") {
		t.Errorf("7^150 empty structs print as %d bytes", len(got))
	}
}

// TestArgumentsOfEmptyArrays converts brace lists for arrays of empty structs, which hold
// no scalar: a 10^8-element one spent minutes listing its elements one by one.
func TestArgumentsOfEmptyArrays(t *testing.T) {
	for _, text := range []string{
		"struct{struct{} a[100000000]; int32_t x;}",
		"struct{struct{} a[2147483647][2147483647]; int32_t x;}",
	} {
		typ, err := abi.ParseType(text)
		if err != nil {
			t.Fatal(err)
		}
		var enc argEncoder
		b, err := enc.encode(0, typ, "{{}, 7}")
		if err != nil || binary.NativeEndian.Uint32(b) != 7 {
			t.Errorf("%s: %v, % x", text, err, b)
		}
	}
}

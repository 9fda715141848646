package bindgen

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

func needGCC(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc is not installed: the generator reads headers as gcc does (Debian: apt-get install gcc)")
	}
}

// generateFeatures runs the generator on testdata/things.h for the host.
func generateFeatures(t *testing.T) (*Output, string) {
	t.Helper()
	needGCC(t)
	if HostTarget() != (Target{"linux", "amd64"}) && HostTarget() != (Target{"linux", "arm64"}) {
		t.Skipf("the generator runs on Linux hosts here, not %v", HostTarget())
	}
	o, err := Generate(Config{
		Headers:   []string{"testdata/things.h"},
		Package:   "features",
		Libraries: map[string][]string{"linux": {"libfeatures.so"}},
		Optional:  regexp.MustCompile("^get_"),
		Command:   "jitffi-gen -package features testdata/things.h",
		Target:    HostTarget(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return o, string(o.Files["features.go"])
}

func TestGeneratedDeclarations(t *testing.T) {
	o, src := generateFeatures(t)
	for _, want := range []string{
		// Structs with C's layout, their doc comments, typedef names.
		"// Point is C's struct point.\n//\n// A point.\ntype Point struct {\n\tX int32\n\tY int32\n}",
		// A union: bytes aligned as C aligns it, with an accessor per member.
		"type With_union_u struct {\n\t_ [0]uint64\n\t_ [8]byte\n}",
		"func (u *With_union_u) F() *float32 { return (*float32)(unsafe.Pointer(u)) }",
		// C11 anonymous members are embedded.
		"type Anon struct {\n\tTag jitffi.Int\n\tAnon_1\n\tAnon_2\n}",
		// Bit-fields are blank bytes; the member after them keeps its offset.
		"type Bits struct {\n\tA jitffi.Int\n\t_ [1]byte\n\tAfter jitffi.Char\n}",
		// So is a _Complex member, which keeps the struct's alignment.
		"type Cplx struct {\n\t_ [0]uint64\n\tC jitffi.Char\n\t_ [23]byte\n\tAfter jitffi.Int\n}",
		// Nested anonymous types, arrays of structs, char arrays as bytes, C long.
		"type Nested struct {\n\tInner Nested_inner\n\tPts [3]Point\n\tName [8]byte\n\tCounts [2]jitffi.ULong\n}",
		// Opaque handles and a self-referring list through a typedef.
		"type Handle *Handle_s", "type Handle_s struct{ _ [0]byte }", "type List struct {\n\tNext *List\n\tValue jitffi.Int\n}",
		// Callbacks.
		"type Visit_fn func(unsafe.Pointer, *byte, jitffi.Int) jitffi.Int",
		"return jitffi.NewCallback3[unsafe.Pointer, *byte, jitffi.Int, jitffi.Int](fn)",
		// Constants: macros, enums (typed), anonymous enums, static const objects.
		"ANSWER = 42", "MASK = 4294967295", `NAME = "features"`, `ALIAS = "features" // NAME`, "RATIO = 0.5",
		"VERSION = 65538", "FREE_COPY = uintptr(0xffffffffffffffff)", "FREE_NONE = uintptr(0x0)",
		"type Color uint32", "GREEN Color = 5", "type Signed_e int32", "NEG Signed_e = -1", "ANON_A = 7",
		"BIG_FLAG uint64 = 4294967296",
		// Bindings: strings, callbacks, a sentinel-valued function pointer as uintptr, variadic, optional.
		"Visit jitffi.Func3[Handle, *jitffi.Callback, unsafe.Pointer, jitffi.Int] `c:\"visit\"`",
		"Set_name jitffi.Func3[Handle, string, uintptr, jitffi.Int] `c:\"set_name\"`",
		"Get_name jitffi.Func1[Handle, string] `c:\"get_name,optional\"`",
		"Log_msg jitffi.Func1[string, jitffi.Int] `c:\"log_msg,variadic=1\"`",
		"By_value_point jitffi.Func1[Point, Point] `c:\"by_value_point\"`",
		"// Visit binds visit:\n\t//\n\t// \tint visit(handle h, visit_fn fn, void *ctx);\n\t//\n\t// visit calls fn for every entry.",
		// A function named as a method Lib gets from *jitffi.Library is renamed.
		"Lookup_ jitffi.Func1[Handle, jitffi.Int] `c:\"lookup\"`",
		// Globals.
		"Counter *jitffi.Int", "Version_string *byte", `jitffi.Global[jitffi.Int](lib, "counter")`,
	} {
		if !strings.Contains(norm(src), norm(want)) {
			t.Errorf("the generated code lacks\n%s", want)
		}
	}
	skipped := map[string]string{}
	for _, s := range o.Summary.Skipped {
		skipped[s.Kind+" "+s.Name] = s.Reason
	}
	for name, reason := range map[string]string{
		"struct struct packed_s":  "packed",
		"struct struct aligned16": "aligned to 16 bytes",
		"struct struct ld":        "long double has no Go type",
		"struct struct wide":      "member big: __int128 has no Go type",
		"field struct cplx.z":     "_Complex types are not supported",
		"field struct flex.data":  "flexible array member",
		"field struct bits.f1":    "a bit-field",
		"macro TWICE":             "function-like",
		"macro NOTHING":           "defined empty",
		"macro A_TYPE":            "no constant in it",
		"function vlog_msg":       "va_list",
		"function ld_fn":          "long double",
		"function i128_fn":        "__int128 has no Go type",
		"function cx_fn":          "_Complex types are not supported",
		"function by_value_union": "is a union",
		"function many":           "17 parameters",
		"function helper":         "defined in the header",
	} {
		got, ok := skipped[name]
		if !ok {
			t.Errorf("%s was not skipped", name)
		} else if !strings.Contains(got, reason) {
			t.Errorf("%s skipped because %q, want %q in it", name, got, reason)
		}
		if !strings.Contains(src, "//   - "+name+": ") {
			t.Errorf("%s is not in the generated file's list of skipped declarations", name)
		}
	}
}

// TestLayoutTestCatchesAWrongLayout runs the generated package's own test: it passes as
// generated and fails once a struct member's Go type is changed.
func TestLayoutTestCatchesAWrongLayout(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module twice")
	}
	o, _ := generateFeatures(t)
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range o.Files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := os.ReadFile("../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/features\n\ngo 1.24.0\n\nrequire github.com/jitffi/jitffi v0.0.0\n\nreplace github.com/jitffi/jitffi => "+root+"\n"), 0o644)
	run := func() (string, error) {
		cmd := exec.Command("go", "test", "-count=1", "-run", "TestLayoutMatchesC", "-v", ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "JITFFI_GEN_CFLAGS=-I"+filepath.Join(mustAbs(t, "testdata")))
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run()
	if err != nil || !strings.Contains(out, "--- PASS: TestLayoutMatchesC") {
		t.Fatalf("the generated layout test fails on the generated code: %v\n%s", err, out)
	}
	src := filepath.Join(dir, "features.go")
	b, _ := os.ReadFile(src)
	wrong := strings.Replace(string(b), "type Point struct {\n\tX int32\n\tY int32\n}", "type Point struct {\n\tX int32\n\tY int64\n}", 1)
	if wrong == string(b) {
		t.Fatal("struct point not found in the generated code")
	}
	os.WriteFile(src, []byte(wrong), 0o644)
	out, err = run()
	if err == nil || !strings.Contains(out, "S struct point: C says 8, Go 16") || !strings.Contains(out, "F struct point.y: C says 4, Go 8") {
		t.Fatalf("a wrong layout went unnoticed: %v\n%s", err, out)
	}
}

// norm collapses runs of blanks, which gofmt's alignment varies.
func norm(s string) string { return blanks.ReplaceAllString(s, " ") }

var blanks = regexp.MustCompile(`[ \t]+`)

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestKeep(t *testing.T) {
	needGCC(t)
	o, err := Generate(Config{
		Headers: []string{"testdata/things.h"}, Package: "things", Target: HostTarget(),
		Keep: []string{"visit", "ANS"}, KeepRegexp: regexp.MustCompile("^(point|color)$"),
	})
	if err != nil {
		t.Fatal(err)
	}
	src := string(o.Files["things.go"])
	for _, want := range []string{"Visit jitffi.Func3[*Handle_s, *jitffi.Callback", "ANSWER = 42", "type Point struct", "type Color uint32", "type Visit_fn func", "type Handle_s struct{ _ [0]byte }"} {
		if !strings.Contains(src, want) {
			t.Errorf("kept or used, but missing: %s", want)
		}
	}
	for _, unwanted := range []string{"Set_name", "MASK", "type Nested struct", "type Signed_e", "type Handle "} {
		if strings.Contains(src, unwanted) {
			t.Errorf("not kept, but generated: %s", unwanted)
		}
	}
}

// TestTargets generates for the three targets: a header that declares a function on
// Windows only gets per-GOOS files, the same for both Linux architectures.
func TestTargets(t *testing.T) {
	for _, cc := range []string{"gcc", "aarch64-linux-gnu-gcc", "x86_64-w64-mingw32-gcc"} {
		if _, err := exec.LookPath(cc); err != nil {
			t.Skipf("%s is not installed (Debian: gcc-aarch64-linux-gnu, gcc-mingw-w64-x86-64)", cc)
		}
	}
	if HostTarget() != (Target{"linux", "amd64"}) {
		t.Skipf("the cross compilers named here run on linux/amd64, not %v", HostTarget())
	}
	o, err := Generate(Config{
		Headers: []string{"testdata/things.h"}, Package: "things",
		Targets: Targets, AfterDirs: []string{"/usr/include"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range o.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	want := "testdata/layout_linux.c testdata/layout_windows.c things_layout_linux_test.go things_layout_windows_test.go things_linux.go things_windows.go"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("files %s, want %s", got, want)
	}
	if !strings.Contains(string(o.Files["things_windows.go"]), "Windows_only jitffi.Func0[jitffi.Int]") || strings.Contains(string(o.Files["things_linux.go"]), "Windows_only") {
		t.Errorf("windows_only belongs to the Windows file alone")
	}
	// C long is 4 bytes on Windows: the same Go text (jitffi.ULong), other numbers.
	if !strings.Contains(string(o.Files["things_windows.go"]), "Counts [2]jitffi.ULong") {
		t.Errorf("struct nested's counts are not jitffi.ULong on Windows")
	}
	if !strings.Contains(string(o.Files["testdata/layout_windows.c"]), `"O struct nested.counts"`) {
		t.Errorf("the Windows layout program does not check nested.counts")
	}
	if len(o.Summaries) != 3 || o.Summaries[2].Target != (Target{"windows", "amd64"}) || o.Summaries[2].Functions != o.Summaries[0].Functions+1 {
		t.Errorf("summaries: %+v", o.Summaries)
	}
}

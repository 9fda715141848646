package abi_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// layoutCases are structs and unions whose layouts are easy to get wrong. The C compiler
// checks abi's sizes, alignments and offsets for each of them.
var layoutCases = []string{
	"struct{char c; double d;}",
	"struct{char c; int i;}",
	"struct __attribute__((packed)) {char c; int i;}",
	"struct{}",
	"union{}",
	"struct{struct{} e; char c;}",
	"struct{char c; struct{} e; double d;}",
	"struct{double d; struct{} e;}",
	"struct{float x, y, z;}",
	"struct{double d; char c;}",
	"struct{char c[3];}",
	"struct{short s; char c;}",
	"struct{int a[3][2]; char c;}",
	"struct __attribute__((aligned(16))) {char c;}",
	"struct __attribute__((aligned(32))) {double d[3];}",
	"struct{char c; struct __attribute__((aligned(16))) {int a;} s;}",
	"struct __attribute__((packed)) {char c; struct __attribute__((aligned(16))) {int a;} s;}",
	"struct __attribute__((packed, aligned(4))) {char c; double d;}",
	"struct __attribute__((packed, aligned(16))) {char c; int64_t x;}",
	"struct{char c; struct __attribute__((packed)) {char c; int i;} p; short s;}",
	"union{struct{char c; double d;} s; int a[5];}",
	"union{char c[9]; double d;}",
	"union __attribute__((aligned(16))) {char c;}",
	"union{struct __attribute__((packed)) {char c; int64_t x;} p; short s;}",
	"struct{bool b; int64_t x; bool c;}",
	"struct{void* p; char c;}",
	"struct{char c; void* p[2];}",
	"struct{uint16_t a; uint8_t b; uint32_t c; uint64_t d;}",
	"struct{int8_t a; int16_t b; int32_t c; int64_t d; float e; double f;}",
	"struct{double d; int i; float f;}",
	"struct{float f[2]; double d;}",
	"struct{int a[3]; float f;}",
	"struct{struct{char c;} a[3]; short s;}",
	"struct{struct{char c; double d;} a[2]; char e;}",
	"struct{char c; union{int i; double d;} u;}",
	"struct{char c; union __attribute__((aligned(32))) {int i;} u;}",
	"struct{struct{} e[4]; int i;}",
	"struct{char c; int x[0];}",
	"struct{char c; double x[0];}",
	"struct{int64_t x; char c[0];}",
	"struct __attribute__((aligned(1))) {int a; char c;}",
	"struct __attribute__((aligned(2))) {int a; char c;}",
	"struct __attribute__((packed, aligned(2))) {char c; int a;}",
	"struct __attribute__((packed)) {double d; char c;}",
	"struct __attribute__((packed)) {char c; struct{char d; int i;} s;}",
	"struct __attribute__((packed)) {char c; int a[3];}",
	"struct{char c; struct __attribute__((packed)) {int i; char d;} s[3];}",
	"struct{struct{struct{char c; double d;} x;} y; char z;}",
	"union{struct{float x, y;} v; double d; char c[3];}",
	"union{int a[3]; struct{char c; short s;} b;}",
	"struct{union{char c[5]; short s;} u; char t;}",
	"struct{char c; struct __attribute__((aligned(8))) {} e; char d;}",
	"struct{char a; char b; char c; char d; char e;}",
	"struct{short s[3]; int i;}",
	"struct{uint8_t a; double b; uint8_t c; float d; uint8_t e; int64_t f;}",
	"struct{char c; struct{int; char;} anon; int i;}",
	"struct{struct{char a; int b;}; char c;}",
	"struct{long l; unsigned long ul; long long ll; size_t sz;}",
	"struct{char c; struct __attribute__((aligned(16))) {char x;} a[2];}",
	"union{struct{char c;} s; struct __attribute__((packed, aligned(8))) {char c; int i;} p;}",
	"struct __attribute__((aligned(16))) {struct __attribute__((packed)) {char c; double d;} p; char tail;}",
	"struct{bool flags[3]; uint16_t n;}",
	"struct{char c; struct{char d[3][5];} a[2][3]; double tail;}",
}

// layoutCNames spells abi's scalar kinds in C without any header.
var layoutCNames = map[abi.Kind]string{
	abi.Bool: "_Bool", abi.Int8: "signed char", abi.Int16: "short", abi.Int32: "int",
	abi.Int64: "long long", abi.Uint8: "unsigned char", abi.Uint16: "unsigned short",
	abi.Uint32: "unsigned int", abi.Uint64: "unsigned long long", abi.Float32: "float",
	abi.Float64: "double", abi.Pointer: "void*",
}

// layoutCheck is one value the C program prints and abi must match.
type layoutCheck struct {
	top  int    // index of the top-level type in the test's list, or -1 for scalars
	what string // C expression checked, for messages
	want int
}

// layoutEmitter writes every struct and union of the types it is given as its own C typedef,
// innermost first, and records for each the sizeof, _Alignof and member offsets that abi
// computed.
type layoutEmitter struct {
	decls  strings.Builder
	exprs  []string
	checks []layoutCheck
	cdecl  map[int]string // top-level index -> C typedef name
	n      int
	top    int
}

func (e *layoutEmitter) check(expr string, want int) {
	e.exprs = append(e.exprs, expr)
	e.checks = append(e.checks, layoutCheck{top: e.top, what: expr, want: want})
}

// cType returns the C spelling of t's innermost element type and t's array suffix.
func (e *layoutEmitter) cType(t *abi.Type) (string, string) {
	dims := ""
	for t.Kind == abi.Array {
		dims += fmt.Sprintf("[%d]", t.Len)
		t = t.Elem
	}
	if t.Kind == abi.Struct || t.Kind == abi.Union {
		return e.typedef(t), dims
	}
	return layoutCNames[t.Kind], dims
}

// typedef emits t, a struct or union, and its checks, and returns its C name.
func (e *layoutEmitter) typedef(t *abi.Type) string {
	type member struct{ typ, name, dims string }
	var members []member
	for i, f := range t.Fields {
		typ, dims := e.cType(f.Type)
		name := f.Name
		if name == "" {
			// C drops unnamed members that are not structs or unions, and
			// __builtin_offsetof needs a name, so name every member.
			name = fmt.Sprintf("u%d", i)
		}
		members = append(members, member{typ, name, dims})
	}
	e.n++
	name := fmt.Sprintf("T%d", e.n)
	kw := "struct"
	if t.Kind == abi.Union {
		kw = "union"
	}
	var attrs []string
	if t.Packed {
		attrs = append(attrs, "packed")
	}
	if t.AlignAttr > 0 {
		attrs = append(attrs, fmt.Sprintf("aligned(%d)", t.AlignAttr))
	}
	fmt.Fprintf(&e.decls, "typedef %s ", kw)
	if len(attrs) > 0 {
		fmt.Fprintf(&e.decls, "__attribute__((%s)) ", strings.Join(attrs, ", "))
	}
	e.decls.WriteString("{")
	for _, m := range members {
		fmt.Fprintf(&e.decls, " %s %s%s;", m.typ, m.name, m.dims)
	}
	fmt.Fprintf(&e.decls, " } %s;\n", name)

	e.check(fmt.Sprintf("sizeof(%s)", name), t.Size())
	e.check(fmt.Sprintf("_Alignof(%s)", name), t.Align())
	for i, f := range t.Fields {
		m := members[i]
		e.check(fmt.Sprintf("__builtin_offsetof(%s, %s)", name, m.name), f.Offset)
		e.check(fmt.Sprintf("sizeof(((%s*)0)->%s)", name, m.name), f.Type.Size())
		// The last element of a non-empty array checks the element size and stride.
		path, off := m.name, f.Offset
		for a := f.Type; a.Kind == abi.Array && a.Len > 0; a = a.Elem {
			path += fmt.Sprintf("[%d]", a.Len-1)
			off += (a.Len - 1) * a.Elem.Size()
			e.check(fmt.Sprintf("__builtin_offsetof(%s, %s)", name, path), off)
		}
	}
	return name
}

func (e *layoutEmitter) source() string {
	var b strings.Builder
	b.WriteString("#include <stddef.h>\nint printf(const char *, ...);\n\n")
	b.WriteString(e.decls.String())
	b.WriteString("\nstatic const long long v[] = {\n\t(long long)sizeof(void*),\n")
	for _, x := range e.exprs {
		fmt.Fprintf(&b, "\t(long long)(%s),\n", x)
	}
	b.WriteString("};\n\nint main(void) {\n\tfor (size_t i = 0; i < sizeof v / sizeof v[0]; i++)\n\t\tprintf(\"%lld\\n\", v[i]);\n\treturn 0;\n}\n")
	return b.String()
}

// layoutCC returns the command line of the C compiler go would use (go env CC), or gcc,
// or skips the test.
func layoutCC(t *testing.T) []string {
	var tried []string
	if out, err := exec.Command("go", "env", "CC").Output(); err == nil {
		if cc := strings.Fields(string(out)); len(cc) > 0 {
			if _, err := exec.LookPath(cc[0]); err == nil {
				return cc
			}
			tried = append(tried, cc[0]+" (go env CC)")
		}
	} else {
		tried = append(tried, "go env CC: "+err.Error())
	}
	if p, err := exec.LookPath("gcc"); err == nil {
		return []string{p}
	}
	tried = append(tried, "gcc")
	t.Skip("no C compiler: tried " + strings.Join(tried, ", "))
	return nil
}

// TestLayoutAgainstC compiles a C program declaring the hand-picked layoutCases and a few
// hundred random structs and unions, runs it, and compares every sizeof, _Alignof and
// member offset with what abi computes. The C compiler is the oracle.
func TestLayoutAgainstC(t *testing.T) {
	if strconv.IntSize != 64 {
		t.Skip("abi lays types out for 64-bit targets; this host's C compiler is not a valid oracle")
	}
	cc := layoutCC(t)

	var tops []*abi.Type
	for _, s := range layoutCases {
		typ, err := abi.ParseType(s)
		if err != nil {
			t.Fatalf("ParseType(%q): %v", s, err)
		}
		tops = append(tops, typ)
	}
	nrand := 300
	g := &sigGen{r: rand.New(rand.NewSource(3))}
	for range nrand {
		tops = append(tops, g.aggregate(3))
	}

	e := &layoutEmitter{cdecl: map[int]string{}}
	e.top = -1
	for _, k := range []abi.Kind{abi.Bool, abi.Int8, abi.Int16, abi.Int32, abi.Int64, abi.Uint8,
		abi.Uint16, abi.Uint32, abi.Uint64, abi.Float32, abi.Float64, abi.Pointer} {
		e.check("sizeof("+layoutCNames[k]+")", abi.Scalar(k).Size())
		e.check("_Alignof("+layoutCNames[k]+")", abi.Scalar(k).Align())
	}
	for i, typ := range tops {
		e.top = i
		e.cdecl[i] = e.typedef(typ)
	}

	dir := t.TempDir()
	src := filepath.Join(dir, "layout.c")
	bin := filepath.Join(dir, "layout")
	if err := os.WriteFile(src, []byte(e.source()), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append(append([]string{}, cc[1:]...), "-std=gnu11", "-w", "-O0", "-o", bin, src)
	if out, err := exec.Command(cc[0], args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", cc[0], strings.Join(args, " "), err, out)
	}
	var stderr bytes.Buffer
	cmd := ctest.Command(bin)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("running the layout program: %v\n%s", err, stderr.String())
	}
	lines := strings.Fields(string(out))
	if len(lines) != len(e.checks)+1 {
		t.Fatalf("layout program printed %d values, want %d", len(lines), len(e.checks)+1)
	}
	if lines[0] != "8" {
		t.Skipf("C compiler %s targets %s-byte pointers; abi lays types out for 8-byte pointers", cc[0], lines[0])
	}
	failures := 0
	for i, c := range e.checks {
		got, err := strconv.Atoi(lines[i+1])
		if err != nil {
			t.Fatalf("layout program value %d: %v", i+1, err)
		}
		if got == c.want {
			continue
		}
		failures++
		if failures > 20 {
			t.Fatalf("too many layout mismatches")
		}
		where := "scalar"
		if c.top >= 0 {
			where = fmt.Sprintf("type %s (C typedef %s)", tops[c.top], e.cdecl[c.top])
		}
		t.Errorf("%s: C says %s = %d, abi says %d", where, c.what, got, c.want)
	}
	if t.Failed() {
		t.Logf("C declarations:\n%s", e.decls.String())
	}
	t.Logf("%d types (%d hand-picked, %d random), %d values compared with %s", len(tops), len(layoutCases), nrand, len(e.checks), cc[0])
}

package abi_test

import (
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
)

// parseSigCases are hand-written signatures with their canonical text. The canonical text is
// what Signature.String prints, and parses back to the same signature.
var parseSigCases = []struct {
	in, want string
}{
	{"void (void)", "void (void)"},
	{"void ()", "void (void)"},
	{"void(  )", "void (void)"},
	{"int (int)", "int32_t (int32_t)"},
	{"int32_t (void*, ...)", "int32_t (void*, ...)"},
	{"int32_t (void*, ..., double, int32_t)", "int32_t (void*, ..., double, int32_t)"},
	{"int (const char *fmt, ...)", "int32_t (void*, ...)"},
	{"int (...)", "int32_t (...)"},
	{"int (..., double)", "int32_t (..., double)"},
	{"struct{float x; float y; float z;} (int32_t, double, ...)", "struct{float x; float y; float z;} (int32_t, double, ...)"},
	{"struct { float x, y, z; } (int32_t a, double b)", "struct{float x; float y; float z;} (int32_t, double)"},
	{"_Bool (bool, _Bool)", "bool (bool, bool)"},
	{"char (signed char, unsigned char)", "int8_t (int8_t, uint8_t)"},
	{"short (unsigned short, short int, signed short int)", "int16_t (uint16_t, int16_t, int16_t)"},
	{"unsigned (unsigned int, signed, signed int)", "uint32_t (uint32_t, int32_t, int32_t)"},
	{"long (unsigned long, long int, long unsigned int)", "int64_t (uint64_t, int64_t, uint64_t)"},
	{"long long (unsigned long long, long long int, unsigned long long int)", "int64_t (uint64_t, int64_t, uint64_t)"},
	{"size_t (ssize_t, intptr_t, uintptr_t, ptrdiff_t)", "uint64_t (int64_t, int64_t, uint64_t, int64_t)"},
	{"int8_t (int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t)", "int8_t (int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t)"},
	{"float (double, float)", "float (double, float)"},
	{"void** (char**, const void * const *, struct{int a;}*)", "void* (void*, void*, void*)"},
	{"const volatile int (int * restrict p)", "int32_t (void*)"},
	{"struct{int; float;} (void)", "struct{int32_t; float;} (void)"},
	{"struct{} (struct {})", "struct{} (struct{})"},
	{"union{float f; int32_t i;} (union{double d; char c[16];})", "union{float f; int32_t i;} (union{double d; int8_t c[16];})"},
	{"struct{int a[3][2]; double b[1];} (void)", "struct{int32_t a[3][2]; double b[1];} (void)"},
	{"struct{int[3]; void *[2];} (void)", "struct{int32_t[3]; void*[2];} (void)"},
	{"struct{char c; int x[0];} (void)", "struct{int8_t c; int32_t x[0];} (void)"},
	{"struct __attribute__((packed)) {char c; int i;} (void)", "struct __attribute__((packed)) {int8_t c; int32_t i;} (void)"},
	{"struct __attribute__((aligned(16))) {double d;} (void)", "struct __attribute__((aligned(16))) {double d;} (void)"},
	{"struct __attribute__((packed, aligned(8))) {char c; double d;} (void)", "struct __attribute__((packed, aligned(8))) {int8_t c; double d;} (void)"},
	{"struct __attribute__((packed)) __attribute__((aligned(0x4))) {char c; double d;} (void)", "struct __attribute__((packed, aligned(4))) {int8_t c; double d;} (void)"},
	{"struct {char c; double d;} __attribute__((__packed__)) (void)", "struct __attribute__((packed)) {int8_t c; double d;} (void)"},
	{"union __attribute__((aligned(32))) {int a; float b;} (void)", "union __attribute__((aligned(32))) {int32_t a; float b;} (void)"},
	{"struct point {int x; int y;} (struct rect {struct point2 {int x, y;} a, b;})", "struct{int32_t x; int32_t y;} (struct{struct{int32_t x; int32_t y;} a; struct{int32_t x; int32_t y;} b;})"},
	{"struct{struct{int a; union{float f; int i;};}; double d;} (void)", "struct{struct{int32_t a; union{float f; int32_t i;};}; double d;} (void)"},
	{"struct{int *p, q, **r;} (void)", "struct{void* p; int32_t q; void* r;} (void)"},
	{"void /* result */ (int // count\n, double)", "void (int32_t, double)"},
	{"struct{struct{struct{char c[3];} s[2];} t[010]; long u[0x3];} (void)", "struct{struct{struct{int8_t c[3];} s[2];} t[8]; int64_t u[3];} (void)"},
	{"struct{int32_t int8_t; struct{int a;} size_t; signed uint64_t;} (int32_t int8_t)", "struct{int32_t int8_t; struct{int32_t a;} size_t; int32_t uint64_t;} (int32_t)"},
	{"void* (struct{void *f;}, ...)", "void* (struct{void* f;}, ...)"},
	{"struct{bool b; float f[2];} (struct{int a;}, ..., struct{double d;})", "struct{bool b; float f[2];} (struct{int32_t a;}, ..., struct{double d;})"},
}

func TestParseSignatureTable(t *testing.T) {
	for _, c := range parseSigCases {
		sig, err := abi.ParseSignature(c.in)
		if err != nil {
			t.Errorf("ParseSignature(%q): %v", c.in, err)
			continue
		}
		if got := sig.String(); got != c.want {
			t.Errorf("ParseSignature(%q).String()\n got %s\nwant %s", c.in, got, c.want)
		}
		checkPrintParse(t, sig)
	}
}

// checkPrintParse checks that the canonical text of sig parses back to sig and prints the
// same again.
func checkPrintParse(t *testing.T, sig *abi.Signature) {
	t.Helper()
	text := sig.String()
	back, err := abi.ParseSignature(text)
	if err != nil {
		t.Errorf("ParseSignature(%q) of printed signature: %v", text, err)
		return
	}
	if !abi.EqualSignatures(sig, back) {
		t.Errorf("ParseSignature(%q) round trip: got %s", text, back)
	}
	if again := back.String(); again != text {
		t.Errorf("printing is not stable:\n first %s\nsecond %s", text, again)
	}
}

func TestParseSignatureShape(t *testing.T) {
	cases := []struct {
		in      string
		fixed   int
		nparams int
	}{
		{"void (void)", -1, 0},
		{"void ()", -1, 0},
		{"int32_t (void*, ..., double, int32_t)", 1, 3},
		{"int32_t (void*, ...)", 1, 1},
		{"int32_t (...)", 0, 0},
		{"int32_t (..., int)", 0, 1},
		{"int32_t (int, int)", -1, 2},
	}
	for _, c := range cases {
		sig, err := abi.ParseSignature(c.in)
		if err != nil {
			t.Errorf("ParseSignature(%q): %v", c.in, err)
			continue
		}
		if sig.Fixed != c.fixed || len(sig.Params) != c.nparams {
			t.Errorf("ParseSignature(%q): Fixed %d, %d params; want %d, %d", c.in, sig.Fixed, len(sig.Params), c.fixed, c.nparams)
		}
		if sig.IsVariadic() != (c.fixed >= 0) {
			t.Errorf("ParseSignature(%q).IsVariadic() = %v", c.in, sig.IsVariadic())
		}
	}
}

func TestParseTypeModels(t *testing.T) {
	cases := []struct {
		in               string
		lp64, uchar, win abi.Kind
	}{
		{"char", abi.Int8, abi.Uint8, abi.Int8},
		{"signed char", abi.Int8, abi.Int8, abi.Int8},
		{"unsigned char", abi.Uint8, abi.Uint8, abi.Uint8},
		{"long", abi.Int64, abi.Int64, abi.Int32},
		{"unsigned long", abi.Uint64, abi.Uint64, abi.Uint32},
		{"long int", abi.Int64, abi.Int64, abi.Int32},
		{"long long", abi.Int64, abi.Int64, abi.Int64},
		{"unsigned long long", abi.Uint64, abi.Uint64, abi.Uint64},
		{"int", abi.Int32, abi.Int32, abi.Int32},
		{"size_t", abi.Uint64, abi.Uint64, abi.Uint64},
		{"intptr_t", abi.Int64, abi.Int64, abi.Int64},
		{"char*", abi.Pointer, abi.Pointer, abi.Pointer},
	}
	for _, c := range cases {
		for _, m := range []struct {
			model abi.DataModel
			want  abi.Kind
		}{{abi.LP64, c.lp64}, {abi.LP64UnsignedChar, c.uchar}, {abi.LLP64, c.win}} {
			typ, err := abi.ParseTypeModel(c.in, m.model)
			if err != nil {
				t.Errorf("ParseTypeModel(%q, %v): %v", c.in, m.model, err)
				continue
			}
			if typ.Kind != m.want {
				t.Errorf("ParseTypeModel(%q, %v) = %v, want %v", c.in, m.model, typ.Kind, m.want)
			}
		}
	}
	sig, err := abi.ParseSignatureModel("long (struct{char c; long l;})", abi.LLP64)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sig.String(), "int32_t (struct{int8_t c; int32_t l;})"; got != want {
		t.Errorf("LLP64 signature = %s, want %s", got, want)
	}
	if sig.Params[0].Size() != 8 {
		t.Errorf("LLP64 struct{char; long} size = %d, want 8", sig.Params[0].Size())
	}
	if _, err := abi.ParseSignatureModel("void (void)", abi.DataModel(99)); err == nil {
		t.Errorf("ParseSignatureModel with an unknown data model succeeded")
	}
}

func TestParseTypeLayout(t *testing.T) {
	cases := []struct {
		in          string
		size, align int
		offsets     []int
	}{
		{"struct{char c; double d;}", 16, 8, []int{0, 8}},
		{"struct __attribute__((packed)) {char c; int i;}", 5, 1, []int{0, 1}},
		{"struct __attribute__((packed, aligned(4))) {char c; double d;}", 12, 4, []int{0, 1}},
		{"struct{float x, y, z;}", 12, 4, []int{0, 4, 8}},
		{"struct{}", 0, 1, nil},
		{"union{char c[5]; int i;}", 8, 4, []int{0, 0}},
		{"struct{char c; struct __attribute__((aligned(16))) {int a;} s;}", 32, 16, []int{0, 16}},
		{"struct{int a[3][2]; char c;}", 28, 4, []int{0, 24}},
		{"float[3]", 12, 4, nil},
		{"void", 0, 1, nil},
		{"bool", 1, 1, nil},
	}
	for _, c := range cases {
		typ, err := abi.ParseType(c.in)
		if err != nil {
			t.Errorf("ParseType(%q): %v", c.in, err)
			continue
		}
		var offs []int
		for _, f := range typ.Fields {
			offs = append(offs, f.Offset)
		}
		if typ.Size() != c.size || typ.Align() != c.align || fmt.Sprint(offs) != fmt.Sprint(c.offsets) {
			t.Errorf("ParseType(%q): size %d align %d offsets %v; want %d %d %v", c.in, typ.Size(), typ.Align(), offs, c.size, c.align, c.offsets)
		}
		back, err := abi.ParseType(typ.String())
		if err != nil || !abi.Equal(typ, back) {
			t.Errorf("ParseType(%q) round trip via %q: %v", c.in, typ.String(), err)
		}
	}
}

func TestTypeString(t *testing.T) {
	i32, f32 := abi.Scalar(abi.Int32), abi.Scalar(abi.Float32)
	cases := []struct {
		typ  *abi.Type
		want string
	}{
		{abi.Scalar(abi.Void), "void"},
		{abi.Scalar(abi.Pointer), "void*"},
		{abi.Scalar(abi.Uint16), "uint16_t"},
		{abi.Scalar(abi.Float64), "double"},
		{abi.ArrayOf(abi.ArrayOf(f32, 2), 3), "float[3][2]"},
		{abi.StructOf(abi.Field{Name: "x", Type: i32}, abi.Field{Name: "y", Type: abi.ArrayOf(f32, 3)}), "struct{int32_t x; float y[3];}"},
		{abi.StructOf(abi.Field{Type: i32}, abi.Field{Type: abi.ArrayOf(f32, 3)}), "struct{int32_t; float[3];}"},
		{abi.PackedStructOf(abi.Field{Name: "c", Type: abi.Scalar(abi.Int8)}), "struct __attribute__((packed)) {int8_t c;}"},
		{abi.AlignedStructOf(16, false, abi.Field{Name: "a", Type: i32}), "struct __attribute__((aligned(16))) {int32_t a;}"},
		{abi.AlignedStructOf(8, true), "struct __attribute__((packed, aligned(8))) {}"},
		{abi.UnionOf(abi.Field{Name: "f", Type: f32}, abi.Field{Name: "i", Type: i32}), "union{float f; int32_t i;}"},
		{abi.AlignedUnionOf(32, abi.Field{Type: abi.StructOf()}), "union __attribute__((aligned(32))) {struct{};}"},
	}
	for _, c := range cases {
		if got := c.typ.String(); got != c.want {
			t.Errorf("String() = %s, want %s", got, c.want)
		}
	}
	sigs := []struct {
		sig  *abi.Signature
		want string
	}{
		{&abi.Signature{Result: abi.Scalar(abi.Void), Fixed: -1}, "void (void)"},
		{&abi.Signature{Result: i32, Params: []*abi.Type{abi.Scalar(abi.Pointer)}, Fixed: 1}, "int32_t (void*, ...)"},
		{&abi.Signature{Result: i32, Params: []*abi.Type{abi.Scalar(abi.Pointer), abi.Scalar(abi.Float64)}, Fixed: 1}, "int32_t (void*, ..., double)"},
		{&abi.Signature{Result: i32, Fixed: 0}, "int32_t (...)"},
		{&abi.Signature{Result: i32, Params: []*abi.Type{f32}, Fixed: 0}, "int32_t (..., float)"},
	}
	for _, c := range sigs {
		if got := c.sig.String(); got != c.want {
			t.Errorf("String() = %s, want %s", got, c.want)
		}
	}
}

// parseErrorCases are bad inputs with the byte offset and message of the error they give.
var parseErrorCases = []struct {
	in  string
	pos int
	msg string
}{
	{"struct{int x) (void)", 12, "expected ';', ',' or '[' after field name, found ')'"},
	{"int32_t (int", 12, "expected ',' or ')' after parameter, found end of input"},
	{"int32_t (int,)", 13, "expected a type, found ')'"},
	{"long double (void)", 5, "long double is not supported"},
	{"int (_Complex double)", 5, "_Complex types are not supported"},
	{"__int128 (void)", 0, "__int128 is not supported"},
	{"void (void, int)", 6, "'void' must be the only parameter"},
	{"void (int, void)", 11, "'void' must be the only parameter"},
	{"void (void x)", 6, "a parameter cannot have type void"},
	{"void (struct{int x : 3;})", 19, "bit-fields are not supported"},
	{"int (foo)", 5, "unknown type name 'foo' (declare it in a TypeEnv; a pointer to it needs no declaration)"},
	{"short char (void)", 6, "type specifiers 'short char' do not form a C type"},
	{"unsigned signed (void)", 9, "type specifiers 'unsigned signed' do not form a C type"},
	{"int (int, ..., ...)", 15, "only one '...' is allowed"},
	{"struct __attribute__((aligned(3))) {int a;} (void)", 30, "alignment 3 is not a power of two between 1 and 268435456"},
	{"struct __attribute__((aligned)) {int a;} (void)", 29, "expected '(' and an alignment after 'aligned', found ')' (jitffi needs an explicit alignment)"},
	{"struct __attribute__((noinline)) {int a;} (void)", 22, "unsupported attribute 'noinline' (want packed or aligned(N))"},
	{"union __attribute__((packed)) {int a;} (void)", 21, "packed unions are not supported"},
	{"struct foo (void)", 7, "incomplete type 'struct foo': define it (in a TypeEnv or inline, as in struct foo {...}), or pass a pointer to it"},
	{"struct{int a[];} (void)", 13, "arrays need a length; flexible array members are not supported"},
	{"struct{void v;} (void)", 7, "a struct member cannot have type void"},
	{"struct{int a; float a;} (void)", 20, "duplicate member 'a' in struct"},
	{"int32_t (int) extra", 14, "expected end of input, found 'extra'"},
	{"void f", 6, "expected '(' to start the parameter list, found end of input"},
	{"int (int $)", 9, "unexpected character '$'"},
	{"int (int. x)", 8, "unexpected '.' (did you mean '...'?)"},
	{"struct{int a[08];} (void)", 13, "invalid number '08'"},
	{"struct{char a[4294967296][2];} (void)", 14, "array length 4294967296 is larger than 2147483647"},
	{"struct{char a[65536][65536];} (void)", 14, "array is larger than 2147483647 bytes"},
	{"enum e (void)", 5, "incomplete type 'enum e': define it (in a TypeEnv or inline, as in enum e {...}), or pass a pointer to it"},
	{"int /* open (void)", 4, "unterminated comment"},
	{"", 0, "expected a type, found end of input"},
	{"struct{int A,int;}()", 13, "expected a field name, found keyword 'int'"},
	{"struct{int *long;}()", 12, "expected a field name, found keyword 'long'"},
	{"int (int *struct)", 10, "expected a parameter name, found keyword 'struct'"},
	{"struct{int a, ;} (void)", 14, "expected a field name after ',', found ';'"},
	{"struct{int __attribute__((aligned(8))) a;} (void)", 26, "attribute 'aligned' is only supported right after 'struct' or 'union' or after a member list's '}'"},
}

func TestParseErrors(t *testing.T) {
	for _, c := range parseErrorCases {
		_, err := abi.ParseSignature(c.in)
		var pe *abi.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("ParseSignature(%q) = %v, want a *ParseError", c.in, err)
			continue
		}
		if pe.Pos != c.pos || pe.Msg != c.msg || pe.Text != c.in {
			t.Errorf("ParseSignature(%q):\n got at %d: %s\nwant at %d: %s", c.in, pe.Pos, pe.Msg, c.pos, c.msg)
		}
	}
	_, err := abi.ParseSignature("struct{int x) (void)")
	want := `abi: parse "struct{int x) (void)" at 12: expected ';', ',' or '[' after field name, found ')'`
	if err == nil || err.Error() != want {
		t.Errorf("Error() = %v\nwant %s", err, want)
	}
	if _, err := abi.ParseType("int[3"); err == nil || !strings.Contains(err.Error(), "at 5: expected ']' after the array length, found end of input") {
		t.Errorf("ParseType(\"int[3\") = %v", err)
	}
	if _, err := abi.ParseType("int (void)"); err == nil {
		t.Errorf("ParseType accepted a function type")
	}
}

func TestNestingLimit(t *testing.T) {
	deep := strings.Repeat("struct{", 1000) + strings.Repeat("};", 1000)
	if _, err := abi.ParseType(deep); err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Errorf("ParseType of 1000 nested structs = %v, want a nesting error", err)
	}
}

// sigGen makes random types and signatures from a seeded source. Member names are
// unique within everything one generator makes, so no struct has duplicate members even
// counting the members unnamed struct members bring in.
type sigGen struct {
	r     *rand.Rand
	names int
}

var genScalarKinds = []abi.Kind{
	abi.Bool, abi.Int8, abi.Int16, abi.Int32, abi.Int64, abi.Uint8, abi.Uint16, abi.Uint32,
	abi.Uint64, abi.Float32, abi.Float64, abi.Pointer,
}

var genAligns = []int{1, 2, 4, 8, 16, 32}

func (g *sigGen) scalar() *abi.Type { return abi.Scalar(genScalarKinds[g.r.Intn(len(genScalarKinds))]) }

// value returns a scalar, or with depth left sometimes a struct or union.
func (g *sigGen) value(depth int) *abi.Type {
	if depth > 0 && g.r.Intn(10) < 3 {
		return g.aggregate(depth)
	}
	return g.scalar()
}

// member returns a member type: a value or an array of values.
func (g *sigGen) member(depth int) *abi.Type {
	if g.r.Intn(4) > 0 {
		return g.value(depth)
	}
	n := g.r.Intn(5)
	elem := g.value(depth)
	if g.r.Intn(8) == 0 {
		elem = abi.ArrayOf(elem, 1+g.r.Intn(3))
	}
	return abi.ArrayOf(elem, n)
}

// aggregate returns a struct or union whose members nest at most depth-1 levels more.
func (g *sigGen) aggregate(depth int) *abi.Type {
	union := g.r.Intn(4) == 0
	n := g.r.Intn(6)
	if union && n > 0 {
		n = 1 + g.r.Intn(4)
	}
	fields := make([]abi.Field, n)
	for i := range fields {
		fields[i].Type = g.member(depth - 1)
		if g.r.Intn(7) > 0 {
			g.names++
			fields[i].Name = fmt.Sprintf("f%d", g.names)
		}
	}
	align := 0
	if g.r.Intn(5) == 0 {
		align = genAligns[g.r.Intn(len(genAligns))]
	}
	switch {
	case union && align > 0:
		return abi.AlignedUnionOf(align, fields...)
	case union:
		return abi.UnionOf(fields...)
	case align > 0:
		return abi.AlignedStructOf(align, g.r.Intn(3) == 0, fields...)
	case g.r.Intn(5) == 0:
		return abi.PackedStructOf(fields...)
	}
	return abi.StructOf(fields...)
}

// signature returns a random signature, variadic about a third of the time.
func (g *sigGen) signature() *abi.Signature {
	sig := &abi.Signature{Result: abi.Scalar(abi.Void), Fixed: -1}
	if g.r.Intn(5) > 0 {
		sig.Result = g.value(3)
	}
	sig.Params = make([]*abi.Type, g.r.Intn(9))
	for i := range sig.Params {
		sig.Params[i] = g.value(3)
	}
	if g.r.Intn(3) == 0 {
		sig.Fixed = g.r.Intn(len(sig.Params) + 1)
	}
	return sig
}

func TestRoundTripRandom(t *testing.T) {
	g := &sigGen{r: rand.New(rand.NewSource(1))}
	n := 4000
	if testing.Short() {
		n = 500
	}
	for i := 0; i < n && !t.Failed(); i++ {
		checkPrintParse(t, g.signature())
	}
	for i := 0; i < n/4 && !t.Failed(); i++ {
		typ := g.member(3)
		back, err := abi.ParseType(typ.String())
		if err != nil || !abi.Equal(typ, back) {
			t.Errorf("ParseType(%q) round trip: %v", typ.String(), err)
		}
	}
}

// TestParserLimits checks the parser against the same limits: sizes, nesting of every
// kind (array dimensions were not counted: three million of them parsed, and binding
// the result overflowed the goroutine stack), and members shared by several declarators.
func TestParserLimits(t *testing.T) {
	dims := func(n int) string { return "int32_t (struct{int a" + strings.Repeat("[1]", n) + ";})" }
	if _, err := abi.ParseSignature(dims(abi.MaxTypeDepth - 1)); err != nil {
		t.Errorf("struct of a %d-dimensional array (depth %d): %v", abi.MaxTypeDepth-1, abi.MaxTypeDepth, err)
	}
	for _, n := range []int{abi.MaxTypeDepth, 3_000_000} {
		_, err := abi.ParseSignature(dims(n))
		var pe *abi.ParseError
		if !errors.As(err, &pe) || !errors.Is(err, abi.ErrTooDeep) || !strings.Contains(pe.Msg, "nested more than") {
			t.Errorf("struct of a %d-dimensional array: %v, want a ParseError wrapping ErrTooDeep", n, short(err))
		} else if len(err.Error()) > 300 {
			t.Errorf("struct of a %d-dimensional array: the message quotes all the text: %d bytes", n, len(err.Error()))
		}
	}
	// Pointers drop their pointee, but the pointee's text is parsed all the same.
	pointers := "void (" + strings.Repeat("struct{int x; ", 1000) + strings.Repeat("}* p;", 999) + "}*)"
	if _, err := abi.ParseSignature(pointers); !errors.Is(err, abi.ErrTooDeep) {
		t.Errorf("1000 structs, each holding a pointer to the next: %v, want ErrTooDeep", short(err))
	}
	// 70 structs, each holding a 2-dimensional array of the next: depth 210.
	mixed := "int32_t (" + strings.Repeat("struct{int x; ", 70) + "int y;" + strings.Repeat("} s[1][1];", 69) + "})"
	if _, err := abi.ParseSignature(mixed); !errors.Is(err, abi.ErrTooDeep) {
		t.Errorf("70 structs each holding a 2-dimensional array of the next: %v, want ErrTooDeep", short(err))
	}
	if _, err := abi.ParseSignature("int32_t (" + strings.Repeat("struct{int x; ", 60) + "int y;" + strings.Repeat("} s[1][1];", 59) + "})"); err != nil {
		t.Errorf("60 such structs (depth 180): %v", short(err))
	}
	// Each level holds the one below twice: 20 levels of text, a million members.
	shared := "struct{int32_t x;}"
	for range 20 {
		shared = "struct{" + shared + " a, b;}"
	}
	if _, err := abi.ParseSignature("void (" + shared + ")"); !errors.Is(err, abi.ErrTooDeep) || !strings.Contains(err.Error(), "members") {
		t.Errorf("20 levels of two members each: %v, want ErrTooDeep for too many members", short(err))
	}
	// Declarators, parameter lists and expressions nest as deep as MaxTypeDepth, however
	// long the text.
	for name, text := range map[string]string{
		"parenthesized declarators": "int " + strings.Repeat("(", 1_000_000) + "*f" + strings.Repeat(")", 1_000_000) + "(void)",
		"parameter lists":           strings.Repeat("void f(void (*)(", 100_000) + "int" + strings.Repeat("))", 100_000),
		"parentheses":               "void f(int a[" + strings.Repeat("(", 1_000_000) + "1" + strings.Repeat(")", 1_000_000) + "])",
		"unary operators":           "void f(int a[" + strings.Repeat("-", 1_000_000) + "1])",
		"binary operators":          "void f(int a[1" + strings.Repeat("+1", 1_000_000) + "])",
	} {
		_, err := abi.ParseSignature(text)
		if name == "binary operators" {
			if err != nil {
				t.Errorf("%s: %v", name, short(err))
			}
			continue
		}
		if !errors.Is(err, abi.ErrTooDeep) || !strings.Contains(err.Error(), "nested more than 200 deep") {
			t.Errorf("%s: %v, want ErrTooDeep", name, short(err))
		}
	}
	if _, err := abi.ParseSignature("int " + strings.Repeat("(", 199) + "*f" + strings.Repeat(")", 199) + "(void)"); err != nil {
		t.Errorf("199 parenthesized declarators: %v", short(err))
	}
	for _, text := range []string{
		"void (struct{char a[2147483647]; char b;})",
		"void (struct{struct{char a[1073741824];} a[2];})",
		"void (struct{char a[65536][65536];})",
	} {
		if _, err := abi.ParseSignature(text); err == nil || !strings.Contains(err.Error(), "larger than") {
			t.Errorf("%s: %v, want too large", text, err)
		}
	}
}

// short cuts an error message down for a test log: a parse error quotes its text.
func short(err error) string {
	if err == nil {
		return "<nil>"
	}
	s := err.Error()
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

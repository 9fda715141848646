package ctest

import (
	"fmt"
	"strings"

	"github.com/jitffi/jitffi/abi"
)

// A NamedSig is a signature in the text form abi.ParseSignature reads, with the C name of
// its generated callee and the rule or known bug it exercises.
type NamedSig struct {
	Name string
	Text string
	Rule string
}

// SysVCases exercise every x86-64 System V rule of abi/RULES.md (cited below by number)
// that the signature syntax can express, and the amd64-relevant bugs found in other FFI
// libraries. Rule 11 (__int128, long double, _Complex) is absent because abi.ParseSignature
// rejects those types, and purego #451 (concurrent calls swapping return buffers) needs
// concurrency, not a fixture. Results of every size from 1 to 32 bytes in several shapes
// follow the hand-written cases (see sizeCases).
var SysVCases = append(handCases, sizeCases()...)

var handCases = []NamedSig{
	// Scalars.
	{"sv_void_void", "void (void)", "no arguments and no result: nothing recorded, nothing returned"},
	{"sv_void_i32", "void (int32_t)", "void result: the stub must not store rax"},
	{"sv_i32_i32", "int32_t (int32_t)", "one INTEGER argument in rdi, result in eax"},
	{"sv_i64_u64", "int64_t (int64_t, uint64_t)", "64-bit integers in rdi, rsi; result in rax"},
	{"sv_u32_ret", "uint32_t (uint32_t, int64_t)", "32-bit result: only eax is defined"},
	{"sv_ptr", "void* (void*, int32_t, const char*)", "pointers are INTEGER"},
	{"sv_float", "float (float, float)", "float arguments in xmm0, xmm1, result in xmm0's low 32 bits"},
	{"sv_double", "double (double, float, double)", "double and float share the xmm sequence"},
	{"sv_int_float_interleaved", "double (float, int32_t, double, int64_t, float, int8_t)",
		"integer and float arguments take the next register of their own class, independently"},

	// Rule 10: narrow integers.
	{"sv_narrow_args", "int32_t (int8_t, uint8_t, int16_t, uint16_t, bool, int8_t)",
		"rule 10: gcc callers extend narrow arguments to 32 bits and clang callees rely on it"},
	{"sv_ret_bool", "bool (int32_t)", "rule 10: a _Bool result is only setcc %al; bits above it are garbage"},
	{"sv_ret_i8", "int8_t (int8_t)", "rule 10: a signed char result is not sign-extended by the callee"},
	{"sv_ret_u8", "uint8_t (uint8_t, bool)", "rule 10: an unsigned char result is not zero-extended by the callee"},
	{"sv_ret_i16", "int16_t (int16_t, uint16_t)", "rule 10: a short result is not extended by the callee"},
	{"sv_ret_u16", "uint16_t (uint16_t)", "rule 10: an unsigned short result is not extended by the callee"},
	{"sv_narrow_stack", "int16_t (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int8_t, uint16_t, bool, int16_t)",
		"rule 10: narrow arguments in stack slots: one 8-byte slot each, upper bytes unspecified"},
	{"sv_bools_struct", "struct{bool a; bool b; int16_t c; bool d;} (struct{bool a; bool b; int16_t c; bool d;}, bool)",
		"bools inside aggregates are bytes in an INTEGER eightbyte, 0 or 1"},

	// Stack spill.
	{"sv_mix_20",
		"double (int32_t, double, int64_t, float, int8_t, double, uint16_t, float, int32_t, double, int64_t, float, bool, double, uint32_t, float, double, int16_t, double, int64_t)",
		"8+ mixed arguments: ints past r9 and floats past xmm7 share the stack in argument order"},
	{"sv_int32_x16",
		"int32_t (int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t)",
		"16 int32 arguments: 10 on the stack, one 8-byte slot each (purego #352 is the Apple arm64 twin)"},
	{"sv_double_x10", "double (double, double, double, double, double, double, double, double, double, double)",
		"doubles 9 and 10 go on the stack"},
	{"sv_float_x10_ret_float", "float (float, float, float, float, float, float, float, float, float, float)",
		"floats on the stack take 8-byte slots; the result is in xmm0 even when all eight were used"},

	// Rule 1: MEMORY.
	{"sv_mem_24", "struct{int64_t a; int64_t b; int64_t c;} (struct{int64_t a; int64_t b; int64_t c;}, int32_t)",
		"rules 1 and 8: a 24-byte struct is MEMORY: the argument is copied to the stack, the result comes through a hidden pointer"},
	{"sv_mem_17", "int32_t (struct{int8_t c[17];}, int32_t)", "rule 1: 17 bytes is one over the register limit"},
	{"sv_mem_doubles", "struct{double a; double b; double c;} (struct{double a; double b; double c;}, double)",
		"rule 1: an all-double struct over 16 bytes is MEMORY too, and the double after it still gets xmm0"},
	{"sv_packed_misaligned", "struct __attribute__((packed)) {int8_t c; int32_t i;} (struct __attribute__((packed)) {int8_t c; int32_t i;}, int64_t)",
		"rule 1: packed {char; int} has an int off its natural alignment, so the 5-byte struct is MEMORY as argument and result"},
	{"sv_packed_aligned_fields", "struct __attribute__((packed)) {int32_t a; int16_t b; int8_t c;} (struct __attribute__((packed)) {int32_t a; int16_t b; int8_t c;}, int32_t)",
		"rule 1 converse: packed but every field at its natural alignment, so the 7-byte struct goes in a register"},
	{"sv_packed_nested_misaligned", "int64_t (struct{int8_t c; struct __attribute__((packed)) {int16_t s; int32_t i;} p;}, double)",
		"rule 1: a packed member placed at offset 1 puts its fields off their alignment: MEMORY"},
	{"sv_packed_float", "struct __attribute__((packed)) {float f; int8_t c;} (struct __attribute__((packed)) {float f; int8_t c;}, float)",
		"packed {float; char}: 5 bytes, one eightbyte mixing SSE and INTEGER, so INTEGER"},

	// Rule 2: eightbyte merging.
	{"sv_merge_sse_sse", "struct{float a; float b;} (struct{float a; float b;}, struct{float a; float b;})",
		"rule 2: SSE merged with SSE stays SSE: two floats share the low half of one xmm"},
	{"sv_merge_noclass", "struct __attribute__((aligned(16))) {double d;} (struct __attribute__((aligned(16))) {double d;}, double)",
		"rule 2: an eightbyte of padding only stays NO_CLASS and takes no register"},
	{"sv_merge_int_double", "struct{int64_t i; double d;} (struct{double d; int64_t i;}, struct{int64_t i; double d;})",
		"rule 2: each eightbyte classed alone: {double; long} in xmm0 + rdi, {long; double} in rsi + xmm1, result in rax + xmm0"},

	// Rule 3: arrays inside structs.
	{"sv_array_int3_float", "struct{int32_t a[3]; float f;} (struct{int32_t a[3]; float f;}, int32_t)",
		"rule 3: {int a[3]; float f} goes in rdi, rsi; the second eightbyte mixes int and float"},
	{"sv_array_float2_double", "struct{float f[2]; double d;} (struct{float f[2]; double d;}, int32_t)",
		"rule 3: {float f[2]; double d} goes in xmm0, xmm1"},

	// Rule 4: float and int in one eightbyte.
	{"sv_int_float", "struct{int32_t i; float f;} (struct{int32_t i; float f;}, float)",
		"rule 4: {int; float} is one INTEGER eightbyte in rdi; the float argument still gets xmm0"},
	{"sv_char_double", "struct{int8_t c; double d;} (struct{int8_t c; double d;}, double)",
		"rule 4: {char; double} in rdi + xmm0, the next double in xmm1; result in rax + xmm0"},

	// Rule 5.
	{"sv_float3", "struct{float x; float y; float z;} (struct{float x; float y; float z;}, float)",
		"rule 5: xmm0 holds x and y, xmm1 holds z, as argument and as result"},

	// Rule 6: empty structs.
	{"sv_empty_args", "int32_t (int32_t, struct{}, int32_t, struct{}, double)",
		"rule 6: GNU C empty structs take no register and no stack slot"},
	{"sv_empty_ret", "struct{} (int32_t)", "rule 6: an empty struct result uses no register"},
	{"sv_empty_nested", "int64_t (struct{struct{} e; int64_t x;}, struct{struct{} a; struct{} b;}, int64_t)",
		"rule 6: empty members add no bytes; a struct of empty structs is empty"},
	{"sv_empty_on_stack", "int64_t (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, struct{}, int64_t)",
		"rule 6: with the registers full, an empty struct still takes no stack slot"},

	// Rule 7: all or nothing; purego #525.
	{"sv_all_or_nothing_int", "int64_t (int64_t, int64_t, int64_t, int64_t, int64_t, struct{int64_t a; int64_t b;}, int64_t)",
		"rule 7, purego #525: the struct needs two GPRs, only r9 is left, so it goes wholly on the stack and the last long back-fills r9"},
	{"sv_all_or_nothing_sse", "double (double, double, double, double, double, double, double, struct{double a; double b;}, double)",
		"rule 7: with one xmm left a two-double struct goes on the stack and the last double takes xmm7"},
	{"sv_all_or_nothing_mixed_gpr", "double (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, struct{int64_t i; double d;}, double)",
		"rule 7: {long; double} needs a GPR and none is left: the whole struct is on the stack, the double still gets xmm0"},
	{"sv_all_or_nothing_mixed_sse", "int64_t (double, double, double, double, double, double, double, double, struct{double d; int64_t i;}, int64_t)",
		"rule 7: {double; long} needs an xmm and none is left: the whole struct is on the stack, the long still gets rdi"},
	{"sv_p525_split", "int32_t (int64_t, int64_t, int64_t, int64_t, int64_t, struct{int64_t a; int32_t b; int32_t c;}, int32_t)",
		"purego #525: a 16-byte struct must not be split between r9 and the stack"},

	// Rule 8 and purego #477: MEMORY results.
	{"sv_p477_hidden_ptr", "struct{int64_t a; int64_t b; int64_t c;} (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t)",
		"rule 8, purego #477: the hidden result pointer takes rdi, so the 6th long goes on the stack"},
	{"sv_p477_hidden_ptr_full", "struct{double d[3];} (int64_t, int64_t, int64_t, int64_t, int64_t, struct{int64_t a; int64_t b;}, double)",
		"rule 8: hidden pointer and five longs fill the GPRs, so the struct goes on the stack"},
	{"sv_p477_hidden_ptr_floats", "struct{float f[5];} (double, float, int32_t, struct{float x; float y;}, int64_t, int64_t, int64_t, int64_t, int64_t)",
		"rule 8: a MEMORY result of floats still comes through memory, not xmm"},

	// Rule 9: variadic calls.
	{"sv_va_mixed", "int32_t (int32_t, ..., double, int64_t, float, int32_t, double)",
		"rule 9: variadic ints and doubles; al bounds the xmm count; a float is promoted to double"},
	{"sv_va_narrow", "int64_t (void*, ..., int8_t, uint8_t, int16_t, uint16_t, bool)",
		"rule 9: variadic bool and narrow integers are promoted to int"},
	{"sv_va_many_doubles", "double (int32_t, ..., double, double, double, double, double, double, double, double, double, double)",
		"rule 9: al is at most 8; the ninth and tenth doubles go on the stack"},
	{"sv_va_structs", "int64_t (int32_t, ..., struct{int64_t i; double d;}, struct{float x; float y; float z;}, struct{int64_t a[3];})",
		"rule 9: variadic structs are classified like named ones (registers, or the stack for MEMORY)"},
	{"sv_va_none", "int32_t (int32_t, ...)", "rule 9: a variadic function called with no variadic arguments: al is 0"},
	{"sv_va_float_only", "double (int64_t, ..., float)", "rule 9: a lone variadic float travels as a double in xmm0"},
	{"sv_va_spill_ints", "int64_t (int64_t, ..., int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, float, double)",
		"rule 9: variadic ints past r9 go on the stack while promoted floats still use xmm registers"},
	{"sv_va_fixed_float", "double (double, float, int32_t, ..., double, float, int8_t)",
		"rule 9: named floats are not promoted; only the variadic ones are"},

	// Rule 12 and over-alignment.
	{"sv_underaligned_ll", "int64_t (struct{int32_t a; struct __attribute__((packed, aligned(4))) {int64_t x;} b;}, int32_t)",
		"rule 12: a long long aligned to 4 crossing an eightbyte: gcc passes the struct in memory (clang does not)"},
	{"sv_underaligned_ll_ret", "struct{int32_t a; struct __attribute__((packed, aligned(4))) {int64_t x;} b;} (int32_t)",
		"rule 12 for a result: gcc returns it through a hidden pointer"},
	{"sv_aligned16_regs", "struct __attribute__((aligned(16))) {float x; float y;} (struct __attribute__((aligned(16))) {float x; float y;}, double)",
		"aligned(16) struct of two floats: 16 bytes, xmm0 plus a NO_CLASS eightbyte"},
	{"sv_aligned16_stack", "int64_t (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int32_t, struct __attribute__((aligned(16))) {int64_t a;}, int32_t)",
		"an aligned(16) struct on the stack starts at a 16-byte boundary, leaving an empty slot before it"},
	{"sv_aligned32_mem", "int32_t (int32_t, struct __attribute__((aligned(32))) {int32_t a;}, int32_t)",
		"an aligned(32) struct is 32 bytes, MEMORY; gcc realigns the outgoing stack area for it"},

	// purego #520: field offsets.
	{"sv_p520_offsets", "struct{int8_t a; int32_t b; int16_t c; float d;} (struct{int8_t a; int32_t b; int16_t c; float d;}, struct{int16_t a; double b;})",
		"purego #520: fields sit at their C offsets with padding, not one after another"},
	{"sv_p520_padded_ret", "struct{int8_t a; int64_t b;} (struct{int16_t a; int8_t b; int32_t c; int8_t d;})",
		"purego #520: padding inside and at the end of a struct, as argument and result"},

	// purego #526: float-array and nested-float-struct results.
	{"sv_p526_float4_ret", "struct{float f[4];} (void)", "purego #526: {float[4]} returned in xmm0 (f0, f1) and xmm1 (f2, f3)"},
	{"sv_p526_double2_ret", "struct{double d[2];} (int32_t)", "purego #526: {double[2]} returned in xmm0, xmm1"},
	{"sv_p526_float3_ret", "struct{float f[3];} (double)", "purego #526: {float[3]} returned in xmm0 (f0, f1) and xmm1 (f2)"},
	{"sv_p526_nested_ret", "struct{struct{float x; float y;} a; struct{float x; float y;} b;} (float)",
		"purego #526: nested float structs flatten into xmm0 and xmm1"},
	{"sv_p526_nested_mixed_ret", "struct{struct{double x;} a; struct{float y; float z;} b;} (void)",
		"purego #526: {{double}, {float, float}} returned in xmm0 and xmm1"},
	{"sv_p526_float_int_ret", "struct{float f; int32_t i; double d;} (void)",
		"purego #526: a float sharing an eightbyte with an int comes back in rax, the double in xmm0"},

	// libffi PR 848 and #574.
	{"sv_ffi848_r9_xmm0", "double (int64_t, int64_t, int64_t, int64_t, int64_t, struct{int64_t i; double d;}, double)",
		"libffi PR 848: a struct over 8 bytes in the 6th integer register and xmm0; the double after it must get xmm1"},
	{"sv_ffi848_float_first", "double (double, int64_t, int64_t, int64_t, int64_t, int64_t, struct{int64_t i; double d;})",
		"libffi PR 848: the same struct after a double: r9 and xmm1"},
	{"sv_ffi574", "double (int8_t, int8_t, int8_t, int8_t, int8_t, float, struct{int8_t c; double d;})",
		"libffi #574: char x5, float, {char, double}: the struct takes r9 and xmm1"},
	{"sv_ffi574_ret", "struct{int8_t c; double d;} (int8_t, int8_t, int8_t, int8_t, int8_t, float, struct{int8_t c; double d;})",
		"libffi #574 with the struct returned in rax + xmm0"},

	// libffi #33: unions.
	{"sv_union_float_int", "union{float f; int32_t i;} (union{float f; int32_t i;}, float)",
		"rule 4, libffi #33: union {float; int} is INTEGER"},
	{"sv_union_double_int", "union{double d; int64_t i;} (union{double d; int64_t i;}, double)",
		"libffi #33: union {double; long} is INTEGER, so the next double gets xmm0"},
	{"sv_union_sse", "union{float f[2]; double d;} (union{float f[2]; double d;}, int32_t)",
		"libffi #33: a union of only floats is SSE"},
	{"sv_union_struct", "union{struct{float a; float b;} s; int64_t i;} (union{struct{float a; float b;} s; int64_t i;})",
		"libffi #33: a union with a struct member merges classes across members"},
	{"sv_union_12", "union{float f[3]; int32_t i;} (union{float f[3]; int32_t i;}, double)",
		"libffi #33: a 12-byte union: INTEGER then SSE"},
	{"sv_union_mem", "union{int8_t c[20]; double d;} (union{int8_t c[20]; double d;}, int32_t)",
		"libffi #33: a 24-byte union is MEMORY"},
	{"sv_union_in_struct", "struct{int32_t tag; union{float f; int32_t i;} u; double d;} (struct{int32_t tag; union{float f; int32_t i;} u; double d;})",
		"a tagged union inside a struct: rdi + xmm0"},

	// Nested structs and arrays.
	{"sv_nested_points", "struct{struct{int16_t x; int16_t y;} pts[3]; int8_t n;} (struct{struct{int16_t x; int16_t y;} pts[3]; int8_t n;}, int32_t)",
		"an array of structs inside a struct flattens element by element"},
	{"sv_nested_2d", "struct{int16_t m[2][3];} (struct{int16_t m[2][3];}, struct{float m[2][2];})",
		"two-dimensional arrays: {short[2][3]} in rdi, rsi; {float[2][2]} in xmm0, xmm1"},
	{"sv_nested_deep", "struct{struct{struct{float f;} a; int32_t i;} s; double d;} (struct{struct{struct{float f;} a; int32_t i;} s; double d;})",
		"deep nesting: the innermost float shares an eightbyte with an int"},
	{"sv_nested_ptr", "struct{void* p; int32_t n;} (struct{void* p; int32_t n;}, void*)",
		"a pointer inside a struct is INTEGER"},
	{"sv_nested_big", "struct{struct{double x; double y;} a[2]; int32_t n;} (struct{struct{double x; double y;} a[2]; int32_t n;}, double)",
		"a 40-byte nested struct is MEMORY both ways"},
}

// sizeCases returns, for every size from 1 to 32 bytes, cases that pass and return a
// struct of that size: an array of chars, a mix of kinds packed in where they fit, and
// floats (plus doubles where the size allows). Each takes an int before the struct and
// a double after it, so a misrouted eightbyte disturbs a neighbour.
func sizeCases() []NamedSig {
	var cs []NamedSig
	add := func(shape string, n int, t *abi.Type) {
		if t.Size() != n {
			panic(fmt.Sprintf("ctest: %s shape of size %d has size %d", shape, n, t.Size()))
		}
		s := t.String()
		cs = append(cs, NamedSig{
			Name: fmt.Sprintf("sv_size%d_%s", n, shape),
			Text: fmt.Sprintf("%s (int32_t, %s, double)", s, s),
			Rule: fmt.Sprintf("struct of %d bytes (%s) as argument and result", n, shape),
		})
	}
	f := func(name string, k abi.Kind, n int) abi.Field {
		t := abi.Scalar(k)
		if n > 0 {
			t = abi.ArrayOf(t, n)
		}
		return abi.Field{Name: name, Type: t}
	}
	for n := 1; n <= 32; n++ {
		add("chars", n, abi.StructOf(f("c", abi.Int8, n)))
		add("mixed", n, mixedStruct(n))
		switch {
		case n%4 == 0:
			add("floats", n, abi.StructOf(f("f", abi.Float32, n/4)))
		case n > 4:
			add("floats", n, abi.PackedStructOf(f("f", abi.Float32, n/4), f("c", abi.Uint8, n%4)))
		}
		if n%8 == 0 {
			add("doubles", n, abi.StructOf(f("d", abi.Float64, n/8)))
		}
	}
	return cs
}

// mixedStruct returns a struct of exactly n bytes whose members cycle through the kinds,
// each placed at its natural alignment; it is packed only when n is not a multiple of its
// largest member's alignment, so even a packed one stays in registers when small enough.
func mixedStruct(n int) *abi.Type {
	kinds := []abi.Kind{abi.Float32, abi.Int8, abi.Int16, abi.Float64, abi.Bool, abi.Int32, abi.Uint16, abi.Int64, abi.Uint8}
	var fields []abi.Field
	off, next, align := 0, 0, 1
	for off < n {
		k := abi.Int8
		for try := 0; try < len(kinds); try++ {
			c := kinds[(next+try)%len(kinds)]
			s := abi.Scalar(c).Size()
			if off%s == 0 && off+s <= n {
				k, next = c, (next+try+1)%len(kinds)
				break
			}
		}
		fields = append(fields, abi.Field{Name: fmt.Sprintf("m%d", len(fields)), Type: abi.Scalar(k)})
		off += abi.Scalar(k).Size()
		align = max(align, abi.Scalar(k).Align())
	}
	if n%align != 0 {
		return abi.PackedStructOf(fields...)
	}
	return abi.StructOf(fields...)
}

// ParseCases parses named signatures into generator cases. Case i gets the salt
// 0x35 + 37*i (mod 256): neighbouring cases return different bytes, and as the step is
// odd, bool results alternate between 1 and 0.
func ParseCases(ns []NamedSig) ([]Case, error) {
	cs := make([]Case, len(ns))
	for i, n := range ns {
		sig, err := abi.ParseSignature(n.Text)
		if err != nil {
			return nil, fmt.Errorf("ctest: case %s: %w", n.Name, err)
		}
		cs[i] = Case{Name: n.Name, Sig: sig, Salt: byte(0x35 + 37*i)}
	}
	return cs, nil
}

// Describe returns a readable C-like statement of a case's signature, for failure
// messages: the callee's prototype with the canonical type texts.
func Describe(c Case) string {
	return strings.Replace(c.Sig.String(), " (", " "+c.Name+"(", 1)
}

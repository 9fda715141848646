package ctest

import (
	"fmt"

	"github.com/jitffi/jitffi/abi"
)

// Win64Cases exercise every Win64 rule of abi/RULES.md (cited below by number) and the
// Windows bugs found in other FFI libraries and in Go, for callees compiled with
// GenOptions{MSABI: true}. They use fixed-width types only: gcc on Linux keeps Linux's
// type sizes inside an ms_abi function, so a plain long would not mean what Windows means.
// Results of every size from 1 to 32 bytes, with arguments placed so that a hidden result
// pointer shifts them across the register slots and onto the stack, follow the
// hand-written cases (see win64SizeCases).
var Win64Cases = append(win64HandCases, win64SizeCases()...)

var win64HandCases = []NamedSig{
	// Rule 1: four positional slots shared by integer and floating-point arguments.
	{"w64_slots_rule", "double (int64_t, double, int64_t, double, struct{int64_t a; int64_t b;})",
		"rule 1: rcx, xmm1, r8, xmm3 and a pointer at stack+0: each argument takes its position's register"},
	{"w64_slots_float_first", "int64_t (double, int32_t, float, int64_t)",
		"rule 1: xmm0, edx, xmm2, r9: a float in slot 0 leaves rcx unused"},
	{"w64_slots_int_last", "int64_t (float, float, float, int64_t)",
		"rule 1: three floats use xmm0-xmm2 and the integer goes in r9, not rcx"},
	{"w64_slots_alternate", "double (int32_t, double, int32_t, double, int32_t, double)",
		"purego-style slot sharing: counting integer and float registers apart (as SysV does) would put the second int in rdx"},
	{"w64_slots_float_last", "float (int8_t, int16_t, int32_t, float)",
		"rule 1: a float in slot 3 takes xmm3 after three integers"},
	{"w64_pointers", "void* (void*, double, void*, int32_t)", "pointers are integers in their slot's general register"},

	// Rule 2: shadow space and the stack.
	{"w64_five_ints", "int64_t (int64_t, int64_t, int64_t, int64_t, int64_t)",
		"rule 2: the fifth argument is at [rsp+40] at the callee's entry, above 32 bytes of shadow space"},
	{"w64_stack_mix",
		"double (int32_t, double, int64_t, float, int8_t, double, uint16_t, float, int32_t, double, int64_t, float, bool, double)",
		"rule 2: ten mixed arguments on the stack, one 8-byte slot each in argument order"},
	{"w64_float_x6", "float (float, float, float, float, float, float)",
		"rule 2: floats 5 and 6 in 8-byte stack slots; the result in xmm0"},
	{"w64_double_x8", "double (double, double, double, double, double, double, double, double)",
		"rule 2: doubles past the fourth go on the stack, not in xmm4-xmm7"},
	{"w64_int32_x12", "int32_t (int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t)",
		"rule 2: eight int32 arguments on the stack, one 8-byte slot each"},

	// Rule 3: aggregates of 1, 2, 4 or 8 bytes by value.
	{"w64_agg1", "struct{int8_t c;} (struct{int8_t c;}, struct{bool b;}, double)", "rule 3: a 1-byte struct is a byte in a general register"},
	{"w64_agg2", "struct{int8_t a; int8_t b;} (struct{int8_t a; int8_t b;}, struct{int16_t s;}, float)", "rule 3: 2-byte structs"},
	{"w64_agg4", "struct{int16_t a; int16_t b;} (struct{int16_t a; int16_t b;}, struct{int8_t c[4];}, double)", "rule 3: 4-byte structs"},
	{"w64_agg8", "struct{int32_t a; int32_t b;} (struct{int32_t a; int32_t b;}, struct{int16_t s[4];}, struct{void* p;})", "rule 3: 8-byte structs"},
	{"w64_agg_float1", "struct{float f;} (struct{float f;}, float, struct{float f;})",
		"rule 3 and 4: {float} is a 4-byte integer in a general register, as argument and as result (eax, not xmm0)"},
	{"w64_agg_float2", "struct{float x; float y;} (double, struct{float x; float y;}, struct{float x; float y;})",
		"rule 3: {float, float} is one 8-byte integer in rdx, r8; the result in rax"},
	{"w64_agg_double1", "struct{double d;} (struct{double d;}, double, struct{double d;}, double)",
		"rule 3 and 4: {double} in a general register, as argument and result"},
	{"w64_agg_union", "union{float f; int32_t i;} (union{float f; int32_t i;}, union{double d; int64_t i;})",
		"rule 3: unions of 4 and 8 bytes by value"},
	{"w64_agg_on_stack", "struct{float x; float y;} (int64_t, int64_t, int64_t, int64_t, struct{int8_t c;}, struct{int16_t s;}, struct{float f;}, struct{float x; float y;})",
		"rule 3: by-value aggregates past the fourth slot occupy 8-byte stack slots"},
	{"w64_agg_packed5_no", "int32_t (struct __attribute__((packed)) {int32_t i; int8_t c;}, int32_t)",
		"rule 3: a packed 5-byte struct is not by value: a pointer to a copy"},

	// Rule 3: every other size by reference.
	{"w64_byref3", "int32_t (struct{int8_t c[3];}, int32_t)", "rule 3: a 3-byte struct is passed as a pointer to a 16-aligned copy"},
	{"w64_byref5", "int32_t (int32_t, struct{int8_t c[5];})", "rule 3: 5 bytes by reference"},
	{"w64_byref6", "int32_t (struct{int16_t s[3];}, double, struct{int16_t s[3];})", "rule 3: 6 bytes by reference, twice: two copies"},
	{"w64_byref7", "int64_t (struct __attribute__((packed)) {int32_t a; int16_t b; int8_t c;}, int64_t)", "rule 3: 7 bytes by reference"},
	{"w64_byref12_floats", "float (struct{float x; float y; float z;}, float)",
		"rule 3: {float x3} becomes a pointer in rcx (checked); the float after it in xmm1"},
	{"w64_byref16", "int64_t (struct{int64_t a; int64_t b;}, int64_t)", "rule 3: 16 bytes by reference"},
	{"w64_byref16_doubles", "double (double, struct{double a; double b;}, double)", "rule 3: {double, double} by reference in rdx between xmm0 and xmm2"},
	{"w64_byref24", "int64_t (struct{int64_t a; int64_t b; int64_t c;}, int32_t, struct{int64_t a; int64_t b; int64_t c;})", "rule 3: 24 bytes by reference"},
	{"w64_byref_on_stack", "int64_t (int64_t, int64_t, int64_t, int64_t, struct{int8_t c[3];}, struct{int64_t a; int64_t b; int64_t c;}, int32_t)",
		"rule 3: past the fourth slot the pointer to the copy goes in a stack slot"},
	{"w64_byref_big", "int32_t (struct{int8_t c[100];}, int32_t, struct{double d[9];})", "rule 3: large copies (the stub loops)"},
	{"w64_byref_aligned32", "int64_t (int32_t, struct __attribute__((aligned(32))) {int64_t a;}, int32_t)",
		"rule 3: an over-aligned struct's copy is aligned to its own alignment"},
	{"w64_byref_nested", "int32_t (struct{struct{int16_t x; int16_t y;} pts[3]; int8_t n;}, struct{int32_t tag; union{float f; int32_t i;} u; double d;})",
		"rule 3: nested structs and unions by reference"},

	// Rule 4: results.
	{"w64_ret_i32", "int32_t (int32_t)", "rule 4: an int result in eax"},
	{"w64_ret_u64", "uint64_t (uint64_t, int64_t)", "rule 4: 64-bit results in rax"},
	{"w64_ret_ptr", "void* (void*)", "rule 4: a pointer result in rax"},
	{"w64_ret_bool", "bool (int32_t)", "rule 4 and 6: a bool result is only al"},
	{"w64_ret_i8", "int8_t (int8_t)", "rule 6: a signed char result is not extended by the callee"},
	{"w64_ret_u8", "uint8_t (uint8_t, bool)", "rule 6: an unsigned char result is not extended by the callee"},
	{"w64_ret_i16", "int16_t (int16_t, uint16_t)", "rule 6: a short result is not extended by the callee"},
	{"w64_ret_u16", "uint16_t (uint16_t)", "rule 6: an unsigned short result is not extended by the callee"},
	{"w64_ret_hidden_shift", "struct{int64_t a; int64_t b; int64_t c;} (int64_t, double, int64_t, double)",
		"rule 4: the hidden pointer takes rcx and shifts every argument one slot: rdx, xmm2, r9, and the last double on the stack"},
	{"w64_ret_hidden_floats", "struct{float x; float y; float z;} (float, float, float, float)",
		"rule 4: {float x3} comes back through rcx; the floats shift to xmm1-xmm3 and the stack"},

	// Rule 5: variadic calls.
	{"w64_va_doubles", "double (int32_t, ..., double, double, double, double)",
		"rule 5: variadic doubles in slots 1-3 are in both xmm and the slot's general register; the fourth on the stack"},
	{"w64_va_float", "double (int64_t, ..., float, float)", "rule 5: variadic floats are promoted to double and duplicated"},
	{"w64_va_narrow", "int64_t (void*, ..., int8_t, uint8_t, int16_t, uint16_t, bool)",
		"rule 5: variadic bool and narrow integers are read as int, in registers and on the stack"},
	{"w64_va_structs", "int64_t (int32_t, ..., struct{float x; float y;}, struct{int64_t a; int64_t b;}, struct{float f;}, struct{int8_t c[3];})",
		"rule 5: variadic aggregates follow rule 3: by value in a general register, or by reference"},
	{"w64_va_fixed_double", "double (double, ..., double, int32_t)", "rule 5: a named double in a variadic call"},
	{"w64_va_hidden", "struct{int64_t a; int64_t b; int64_t c;} (int32_t, ..., double, double, double)",
		"rule 4 and 5: the hidden pointer shifts the variadic doubles: xmm2 dup r8, xmm3 dup r9, then the stack"},
	{"w64_va_none", "int32_t (int32_t, ...)", "rule 5: a variadic function called with no variadic arguments"},

	// Rule 6: narrow integers.
	{"w64_narrow_args", "int32_t (int8_t, uint8_t, int16_t, uint16_t, bool, int8_t, uint8_t)",
		"rule 6: narrow arguments in registers and stack slots"},
	{"w64_bools_struct", "struct{bool a; bool b; int16_t c; bool d;} (struct{bool a; bool b; int16_t c; bool d;}, bool)",
		"bools inside an aggregate (6 bytes: by reference), and a bool argument"},

	// GNU C empty structs, as gcc's ms_abi callers pass them.
	{"w64_empty_arg", "int32_t (int32_t, struct{}, int32_t, double)",
		"an empty struct argument is passed by reference and takes its slot: the next int is in r8, the double in xmm3"},
	{"w64_empty_ret", "struct{} (int32_t, double)", "gcc returns an empty struct in nothing, with no hidden pointer"},

	// Peer bugs.
	{"w64_ffi283_struct16", "struct{int64_t a; int64_t b;} (struct{int64_t a; int64_t b;}, int64_t, struct{int64_t a; int64_t b;})",
		"libffi #283: a 16-byte struct on mingw64 is passed by reference and returned through rcx, not in rax:rdx"},
	{"w64_ffi305_copy", "int64_t (struct{int64_t a; int64_t b; int64_t c;}, struct{int64_t a; int64_t b; int64_t c;})",
		"libffi #305: each by-reference struct gets its own copy, not the caller's memory"},
	{"w64_go6510_float_args", "double (double, float, double, float)",
		"Go #6510: floating-point arguments go in xmm registers, not general ones"},
	{"w64_go6510_float_stack", "double (int32_t, int32_t, int32_t, int32_t, float, double)",
		"Go #6510: floating-point arguments past the fourth slot on the stack"},
	{"w64_go37273_float_ret", "float (void)", "Go #37273: a float result is read from xmm0"},
	{"w64_go37273_double_ret", "double (int32_t)", "Go #37273: a double result is read from xmm0"},
}

// win64SizeCases returns, for every size from 1 to 32 bytes, cases that pass and return a
// struct of that size: an array of chars, and floats (packed with chars where the size is
// not a multiple of 4). The signature S (double, S, int32_t, S) puts the arguments in
// xmm0, rdx, r8d, r9 when S is 1, 2, 4 or 8 bytes, and otherwise, behind the hidden
// result pointer in rcx, in xmm1, a pointer in r8, r9d and a pointer on the stack.
func win64SizeCases() []NamedSig {
	type shape struct {
		name string
		t    *abi.Type
	}
	array := func(name string, k abi.Kind, n int) abi.Field {
		return abi.Field{Name: name, Type: abi.ArrayOf(abi.Scalar(k), n)}
	}
	var cs []NamedSig
	for n := 1; n <= 32; n++ {
		shapes := []shape{{"chars", abi.StructOf(array("c", abi.Int8, n))}}
		switch {
		case n%4 == 0:
			shapes = append(shapes, shape{"floats", abi.StructOf(array("f", abi.Float32, n/4))})
		case n > 4:
			shapes = append(shapes, shape{"floats", abi.PackedStructOf(array("f", abi.Float32, n/4), array("c", abi.Uint8, n%4))})
		}
		for _, sh := range shapes {
			if sh.t.Size() != n {
				panic(fmt.Sprintf("ctest: %s shape of size %d has size %d", sh.name, n, sh.t.Size()))
			}
			s := sh.t.String()
			cs = append(cs, NamedSig{
				Name: fmt.Sprintf("w64_size%d_%s", n, sh.name),
				Text: fmt.Sprintf("%s (double, %s, int32_t, %s)", s, s, s),
				Rule: fmt.Sprintf("rules 3 and 4: a struct of %d bytes (%s) as arguments and result", n, sh.name),
			})
		}
	}
	return cs
}

package ctest

// AAPCS64Cases exercise the AAPCS64 rules of abi/RULES.md (cited below by number) that the
// signature syntax can express, and the arm64 bugs found in other FFI libraries. They are
// plain C, so they compile and round-trip on any host; on linux/arm64 the root package
// calls them through AAPCS64 stubs against gcc. Rule 9 (cache maintenance) is the jit
// package's to test, and sp alignment has a fixture of its own (a callee cannot record it
// as an argument).
var AAPCS64Cases = []NamedSig{
	// Rule 1: homogeneous floating-point aggregates, 1 to 4 members.
	{"a64_hfa_f1", "struct{float x;} (struct{float x;}, float)", "rule 1: a one-float HFA in s0, the next float in s1; result in s0"},
	{"a64_hfa_f2", "struct{float x; float y;} (struct{float x; float y;}, struct{float x; float y;})",
		"rule 1: two-float HFAs in s0, s1 and s2, s3; result in s0, s1"},
	{"a64_hfa_f3_luajit565", "struct{float x; float y; float z;} (struct{float x; float y; float z;}, float)",
		"rule 1, LuaJIT #565: {float x3} is an HFA in s0-s2 (not packed into x registers), the float after it in s3"},
	{"a64_hfa_f4", "struct{float a; float b; float c; float d;} (int32_t, struct{float a; float b; float c; float d;}, double)",
		"rule 1: a four-float HFA in s0-s3, the double in d4, the int in w0"},
	{"a64_hfa_d1", "struct{double d;} (struct{double d;}, int64_t)", "rule 1: a one-double HFA in d0"},
	{"a64_hfa_d2", "struct{double x; double y;} (struct{double x; double y;}, double)", "rule 1: {double x2} in d0, d1, the double in d2"},
	{"a64_hfa_d3", "struct{double x; double y; double z;} (struct{double x; double y; double z;})",
		"rules 1 and 2: a 24-byte HFA stays in registers, d0-d2, both ways"},
	{"a64_hfa_d4", "struct{double d[4];} (struct{double d[4];}, float)",
		"rules 1 and 2: double[4] is a 32-byte HFA in d0-d3, not by reference; the float after it in s4"},
	{"a64_hfa_nested", "struct{struct{float x; float y;} a; struct{float z;} b;} (struct{struct{float x; float y;} a; struct{float z;} b;})",
		"rule 1: members are counted after flattening nested structs: three floats, s0-s2"},
	{"a64_hfa_nested_array", "struct{struct{double x;} p[2]; double z;} (struct{struct{double x;} p[2]; double z;}, struct{float f[2][2];})",
		"rule 1: arrays inside structs flatten too: {{double}[2]; double} in d0-d2, {float[2][2]} in s3-s6"},
	{"a64_not_hfa_mixed", "struct{float f; double d;} (struct{float f; double d;}, float)",
		"rule 1: float mixed with double is not an HFA: 16 bytes in x0, x1, and the float still gets s0"},
	{"a64_not_hfa_float5", "struct{float f[5];} (struct{float f[5];}, float)",
		"rules 1 and 2: {float f[5]} has five members, not an HFA: 20 bytes by reference as argument, through x8 as result"},
	{"a64_not_hfa_int_float", "struct{int32_t i; float f;} (struct{int32_t i; float f;}, float)",
		"rule 1: an int with a float is no HFA: one x register, and the float argument gets s0"},

	// Rule 1: an HFA that does not fit the remaining v registers.
	{"a64_hfa_no_room", "double (double, double, double, double, double, double, struct{double a; double b; double c;}, double)",
		"rule 1: three doubles do not fit v6-v7, so the HFA goes on the stack, NSRN becomes 8, and the last double does not back-fill v6"},
	{"a64_hfa_no_room_floats", "float (float, float, float, float, float, struct{float a; float b; float c; float d;}, float, struct{float x;})",
		"rule 1: a four-float HFA with three v registers left goes on the stack; the floats after it follow on the stack"},

	// Rules 2 and 3: composites in general registers, by reference above 16 bytes.
	{"a64_int64_double_purego522", "struct{int64_t i; double d;} (struct{int64_t i; double d;}, struct{int64_t i; double d;})",
		"rule 3, purego #522: {int64, double} is not an HFA: x0, x1 (not x0 and d0), as argument and result"},
	{"a64_int32x4_purego359", "struct{int32_t a; int32_t b; int32_t c; int32_t d;} (struct{int32_t a; int32_t b; int32_t c; int32_t d;}, int32_t)",
		"rule 3, purego #359: {int32 x4} is 16 bytes in x0, x1, both ways"},
	{"a64_double_float", "struct{double d; float f;} (struct{double d; float f;})",
		"rule 3: a non-HFA {double, float} in x0, x1 as argument and result"},
	{"a64_odd_sizes", "struct{int8_t c[3];} (struct{int8_t c[3];}, struct{int16_t s[3];}, struct{int8_t c[13];})",
		"rule 3: composites are rounded up to 8 bytes: 3, 6 and 13 bytes in x0, x1, x2-x3"},
	{"a64_byref_24", "struct{int64_t a; int64_t b; int64_t c;} (struct{int64_t a; int64_t b; int64_t c;}, int32_t)",
		"rule 2: a 24-byte composite is copied by the caller and passed by pointer in x0; the result comes back through x8"},
	{"a64_byref_17", "int32_t (struct{int8_t c[17];}, struct{int8_t c[17];}, int32_t)",
		"rule 2: 17 bytes is one over the register limit: two copies, pointers in x0, x1"},
	{"a64_packed", "struct __attribute__((packed)) {int8_t c; int32_t i;} (struct __attribute__((packed)) {int8_t c; int32_t i;}, int64_t)",
		"rule 3: a packed 5-byte struct is an ordinary composite in x0"},

	// Rule 3: NGRN exhaustion, no splitting, no back-fill.
	{"a64_ngrn_exhaustion", "int32_t (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, struct{int64_t a; int64_t b;}, int32_t)",
		"rule 3: a 16-byte struct with only x7 left goes wholly on the stack, NGRN becomes 8, and the int after it must not back-fill x7"},
	{"a64_ngrn_exhaustion_ptr", "int64_t (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, struct{int64_t a[3];}, int8_t)",
		"rule 2 with the registers full: the by-reference copy's pointer takes a stack slot"},
	{"a64_ngrn_mixed", "double (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, struct{int32_t a; float b; int64_t c;}, double, int64_t)",
		"rule 3: the struct goes on the stack while the double still gets d0; the last int64 follows on the stack"},

	// Rule 4: 16-byte-aligned composites start at an even register.
	{"a64_aligned16_attr", "int64_t (int32_t, struct __attribute__((aligned(16))) {int64_t a; int64_t b;}, int32_t)",
		"rule 4 counts natural alignment only: gcc does not round NGRN up for an aligned(16) attribute, so the struct takes x1, x2 and the int x3 (checked with gcc 12)"},
	{"a64_aligned16_attr_stack", "int64_t (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int32_t, struct __attribute__((aligned(16))) {int64_t a; int64_t b;})",
		"rules 4 and 5 on the stack: the attribute-aligned struct takes the next 8-byte slot, sp+8, not a 16-byte boundary (checked with gcc 12)"},
	{"a64_aligned32_ret", "struct __attribute__((aligned(32))) {int64_t a[4];} (int32_t)",
		"rule 6: an over-aligned 32-byte result through x8"},

	// Rule 5: stack slots.
	{"a64_stack_slots", "int32_t (int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int8_t, int16_t, int32_t, int64_t)",
		"rule 5: stack arguments take 8-byte slots (purego #352's Apple packing does not apply on Linux)"},
	{"a64_float_stack", "float (float, float, float, float, float, float, float, float, float, double, float)",
		"rule 5: floats past s7 take 8-byte stack slots; the result is in s0"},
	{"a64_mix_20", "double (int32_t, double, int64_t, float, int8_t, double, uint16_t, float, int32_t, double, int64_t, float, bool, double, uint32_t, float, double, int16_t, double, int64_t)",
		"rules 3 and 5: integers and floats fill x and v registers independently, then share the stack in order"},

	// Rule 6: results.
	{"a64_ret_x8_full", "struct{int64_t a[3];} (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t)",
		"rule 6: the result address is in x8, which is no argument register: all eight integers still get x0-x7"},
	{"a64_ret_x8_floats", "struct{float f[5];} (float, double)", "rule 6: a 20-byte float array result is not an HFA, so it comes through x8"},
	{"a64_ret_small", "struct{int8_t a; int16_t b;} (void)", "rule 6: a 4-byte composite result in w0"},

	// Rule 7: narrow integers.
	{"a64_narrow", "int8_t (int8_t, uint8_t, int16_t, uint16_t, bool, int8_t)",
		"rule 7: narrow arguments; the callee narrows them, the caller extends the narrow result"},
	{"a64_ret_u16", "uint16_t (uint16_t, int32_t)", "rule 7: a narrow result's upper bits are the caller's to clear"},
	{"a64_ret_bool", "bool (int64_t)", "rule 7: a bool result"},
	{"a64_narrow_stack", "int16_t (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int8_t, uint16_t, bool, int16_t)",
		"rules 5 and 7: narrow arguments in 8-byte stack slots"},

	// Rule 8: Linux variadics are passed like named arguments.
	{"a64_va_double", "double (int32_t, ..., double, float, int64_t)",
		"rule 8: a variadic double in d0, a variadic float promoted to double in d1, the int64 in x1"},
	{"a64_va_hfa", "int32_t (int32_t, ..., struct{float x; float y;}, struct{double d[3];})",
		"rule 8: variadic HFAs in v registers, as named ones (Apple would put them on the stack)"},
	{"a64_va_narrow", "int64_t (void*, ..., int8_t, uint16_t, bool)", "rule 8: variadic narrow integers are promoted to int"},
	{"a64_va_spill", "double (int32_t, ..., double, double, double, double, double, double, double, double, double, int64_t)",
		"rule 8: the ninth variadic double goes on the stack, the int64 still in x1"},
}

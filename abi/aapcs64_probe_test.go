package abi_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/jitffi/jitffi/abi"
)

// a64Source writes the C program: the probe, the types, one function per case and main.
func a64Source(cases []*a64Case) string {
	ct := &cTypes{names: map[*abi.Type]string{}}
	var body strings.Builder
	r := rand.New(rand.NewPCG(5, 6))
	for k, c := range cases {
		sig := c.sig
		res := ct.name(sig.Result)
		proto := probePrototype(ct, sig)
		fmt.Fprintf(&body, "void case%d(void) {\n", k)
		args, names := declareArgs(&body, ct, r, sig)
		c.args = append(c.args, args...)
		fmt.Fprintf(&body, "\t((%s (*)(%s))probe_args)(%s);\n\tdump_args(%d);\n", res, proto, strings.Join(names, ", "), k)
		for i, a := range c.plan.Args {
			if a.Passing != abi.ByReference {
				continue
			}
			loc := a64SavedStack + a.StackOffset
			if a.PointerReg != abi.NoReg {
				loc = 8 * int(a.PointerReg-abi.X0)
			}
			fmt.Fprintf(&body, "\tdump_ref(%d, %d, %d);\n", i, loc, a.Type.Size())
		}
		if sig.Result.Kind != abi.Void {
			fmt.Fprintf(&body, "\tret_size = sizeof(%s);\n\tprobe_clear_x8();\n\t%s r = ((%s (*)(long))probe_ret)(0x1234);\n\tdump_ret(&r, sizeof r);\n", res, res, res)
		} else {
			body.WriteString("\tprintf(\"ret 0 \\n\");\n")
		}
		body.WriteString("}\n")
	}
	var src strings.Builder
	src.WriteString("#include <stdio.h>\n#include <string.h>\n")
	mem := retPattern(abi.NoReg)
	lit := make([]string, len(mem))
	for i, b := range mem {
		lit[i] = strconv.Itoa(int(b))
	}
	regs := func(rs ...abi.Reg) string {
		var s []string
		for _, r := range rs {
			for _, b := range a64RetPattern(r) {
				s = append(s, strconv.Itoa(int(b)))
			}
		}
		return ".byte " + strings.Join(s, ",")
	}
	src.WriteString(strings.NewReplacer("STACKDUMP", strconv.Itoa(a64Span), "RETMEM", ".byte "+strings.Join(lit, ","),
		"RETX", regs(abi.X0, abi.X1), "RETV", regs(abi.V0, abi.V1, abi.V2, abi.V3)).Replace(a64ProbeC))
	src.WriteString(ct.b.String())
	src.WriteString(body.String())
	src.WriteString("int main(void) {\n")
	for k := range cases {
		fmt.Fprintf(&src, "\tcase%d();\n", k)
	}
	src.WriteString("\treturn 0;\n}\n")
	return src.String()
}

// a64ProbeC is the probe: probe_args saves x0-x8, q0-q7, sp and the stack above sp and
// returns; probe_ret takes the address in x8 for a result buffer, and fills it, when it
// points into the caller's frame, and otherwise loads patterns into x0, x1 and v0-v3.
// probe_clear_x8 runs just before probe_ret so that a stale frame address left in x8 by
// earlier code cannot pass for a result buffer. RETV holds v0-v3's patterns and RETX
// x0's then x1's, 16 bytes each.
const a64ProbeC = `
__asm__(
".data\n"
".balign 16\n"
".globl saved\n"
"saved: .zero 216+STACKDUMP\n"
".balign 16\n"
"ret_v: RETV\n"
"ret_x: RETX\n"
".balign 8\n"
".globl ret_indirect\n"
"ret_indirect: .quad 0\n"
".globl ret_size\n"
"ret_size: .quad 0\n"
"ret_mem: RETMEM\n"
".text\n"
".globl probe_args\n"
"probe_args:\n"
"  adrp x16, saved\n"
"  add x16, x16, :lo12:saved\n"
"  stp x0, x1, [x16, #0]\n"
"  stp x2, x3, [x16, #16]\n"
"  stp x4, x5, [x16, #32]\n"
"  stp x6, x7, [x16, #48]\n"
"  str x8, [x16, #64]\n"
"  stp q0, q1, [x16, #80]\n"
"  stp q2, q3, [x16, #112]\n"
"  stp q4, q5, [x16, #144]\n"
"  stp q6, q7, [x16, #176]\n"
"  mov x17, sp\n"
"  str x17, [x16, #208]\n"
"  add x9, x16, #216\n"
"  mov x10, #STACKDUMP\n"
"1:ldrb w11, [x17], #1\n"
"  strb w11, [x9], #1\n"
"  subs x10, x10, #1\n"
"  b.ne 1b\n"
"  mov x8, #1\n"
"  ret\n"
".globl probe_clear_x8\n"
"probe_clear_x8:\n"
"  mov x8, #1\n"
"  ret\n"
".globl probe_ret\n"
"probe_ret:\n"
"  adrp x16, ret_indirect\n"
"  add x16, x16, :lo12:ret_indirect\n"
"  mov x17, sp\n"
"  cmp x8, x17\n"
"  b.lo 2f\n"
"  add x9, x17, #16, lsl #12\n"
"  cmp x8, x9\n"
"  b.hs 2f\n"
"  mov x10, #1\n"
"  str x10, [x16]\n"
"  adrp x11, ret_size\n"
"  add x11, x11, :lo12:ret_size\n"
"  ldr x10, [x11]\n"
"  adrp x11, ret_mem\n"
"  add x11, x11, :lo12:ret_mem\n"
"  mov x9, x8\n"
"3:cbz x10, 4f\n"
"  ldrb w12, [x11], #1\n"
"  strb w12, [x9], #1\n"
"  sub x10, x10, #1\n"
"  b 3b\n"
"4:ret\n"
"2:str xzr, [x16]\n"
"  adrp x11, ret_v\n"
"  add x11, x11, :lo12:ret_v\n"
"  ldp q0, q1, [x11, #0]\n"
"  ldp q2, q3, [x11, #32]\n"
"  ldr x0, [x11, #64]\n"
"  ldr x1, [x11, #80]\n"
"  ret\n"
);
extern unsigned char saved[];
extern long ret_indirect, ret_size;
void probe_args(void);
void probe_ret(void);
void probe_clear_x8(void);
static void hex(const char *tag, const void *p, int n) {
	const unsigned char *b = p;
	printf("%s ", tag);
	for (int i = 0; i < n; i++) printf("%02x", b[i]);
	printf("\n");
}
static void dump_args(int k) {
	printf("case %d\n", k);
	hex("gp", saved, 72);
	hex("v", saved+80, 128);
	hex("sp", saved+208, 8);
	hex("stack", saved+216, STACKDUMP);
}
/* dump_ref prints the n bytes a by-reference argument's pointer, saved at saved+loc,
   points to, if it points into the caller's frame. */
static void dump_ref(int i, int loc, int n) {
	unsigned char *p, *sp;
	memcpy(&p, saved+loc, 8);
	memcpy(&sp, saved+208, 8);
	if (p < sp || p + n > sp + 65536) { printf("ref %d bad\n", i); return; }
	char tag[32];
	snprintf(tag, sizeof tag, "ref %d", i);
	hex(tag, p, n);
}
static void dump_ret(const void *r, int n) {
	printf("ret %ld ", ret_indirect);
	hex("", r, n);
}
`

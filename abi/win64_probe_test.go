package abi_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/jitffi/jitffi/abi"
)

// w64ProbeAsm is the ms_abi probe. w64_probe_args saves the argument registers, rsp and
// the stack above its return address, then, for each (offset, size) pair in w64_chase,
// reads a pointer at that offset of what it saved and copies size bytes from it into
// w64_deref, if it points into the caller's frame (otherwise it skips them, and the Go
// side reports the bad pointer). w64_probe_ret is called with one argument, 0x1234: if
// rcx holds something else it is a hidden result pointer, filled from w64_ret_mem and
// returned in rax; otherwise rax and xmm0 get recognisable patterns. Both preserve what
// Win64 callees must (rsi, rdi, xmm6-xmm15 among them).
const w64ProbeAsm = `
__asm__(
".data\n"
".globl w64_saved\n"
"w64_saved: .zero REGSSIZE+STACKDUMP\n"
".globl w64_chase_n\n"
"w64_chase_n: .quad 0\n"
".globl w64_chase\n"
"w64_chase: .zero 16*64\n"
".globl w64_deref\n"
"w64_deref: .zero DEREFMAX\n"
".globl w64_ret_indirect\n"
"w64_ret_indirect: .quad 0\n"
".globl w64_ret_arg\n"
"w64_ret_arg: .quad 0\n"
".globl w64_ret_size\n"
"w64_ret_size: .quad 0\n"
"w64_ret_mem: RETMEM\n"
"w64_ret_rax: .byte 0x10,0x11,0x12,0x13,0x14,0x15,0x16,0x17\n"
"w64_ret_xmm0: .byte 0x30,0x31,0x32,0x33,0x34,0x35,0x36,0x37,0x38,0x39,0x3a,0x3b,0x3c,0x3d,0x3e,0x3f\n"
".text\n"
".globl w64_probe_args\n"
"w64_probe_args:\n"
"  movq %rcx, w64_saved+0(%rip)\n"
"  movq %rdx, w64_saved+8(%rip)\n"
"  movq %r8, w64_saved+16(%rip)\n"
"  movq %r9, w64_saved+24(%rip)\n"
"  movdqu %xmm0, w64_saved+32(%rip)\n"
"  movdqu %xmm1, w64_saved+48(%rip)\n"
"  movdqu %xmm2, w64_saved+64(%rip)\n"
"  movdqu %xmm3, w64_saved+80(%rip)\n"
"  movq %rsp, w64_saved+96(%rip)\n"
"  pushq %rsi\n"
"  pushq %rdi\n"
"  leaq 24(%rsp), %rsi\n" /* the entry rsp + 8: just above the return address */
"  leaq w64_saved+REGSSIZE(%rip), %rdi\n"
"  movl $STACKDUMP, %ecx\n"
"  rep movsb\n"
"  leaq w64_chase(%rip), %r10\n"
"  leaq w64_deref(%rip), %rdi\n"
"  movq w64_chase_n(%rip), %r11\n"
"1:\n"
"  testq %r11, %r11\n"
"  jz 3f\n"
"  movq (%r10), %rax\n"
"  leaq w64_saved(%rip), %rsi\n"
"  movq (%rsi,%rax), %rsi\n"
"  movq 8(%r10), %rcx\n"
"  leaq 24(%rsp), %rax\n"
"  cmpq %rax, %rsi\n"
"  jb 2f\n"
"  addq $FRAMESPAN, %rax\n"
"  cmpq %rax, %rsi\n"
"  jae 2f\n"
"  rep movsb\n"
"  jmp 4f\n"
"2:\n"
"  addq %rcx, %rdi\n"
"4:\n"
"  addq $16, %r10\n"
"  decq %r11\n"
"  jmp 1b\n"
"3:\n"
"  popq %rdi\n"
"  popq %rsi\n"
"  movq w64_saved+0(%rip), %rax\n"
"  ret\n"
".globl w64_probe_ret\n"
"w64_probe_ret:\n"
"  movq %rdx, w64_ret_arg(%rip)\n"
"  movq $0, w64_ret_indirect(%rip)\n"
"  cmpq $0x1234, %rcx\n"
"  je 1f\n"
"  movq $1, w64_ret_indirect(%rip)\n"
"  pushq %rsi\n"
"  pushq %rdi\n"
"  movq %rcx, %rdi\n"
"  movq %rcx, %rax\n"
"  leaq w64_ret_mem(%rip), %rsi\n"
"  movq w64_ret_size(%rip), %rcx\n"
"  rep movsb\n"
"  popq %rdi\n"
"  popq %rsi\n"
"  ret\n"
"1:\n"
"  movq w64_ret_rax(%rip), %rax\n"
"  movdqu w64_ret_xmm0(%rip), %xmm0\n"
"  ret\n"
);
extern unsigned char w64_saved[], w64_deref[];
extern long w64_chase_n, w64_chase[];
extern long w64_ret_indirect, w64_ret_arg, w64_ret_size;
void w64_probe_args(void);
void w64_probe_ret(void);
/* Calls go through these, so that gcc cannot see which function they reach: a cast of
   the probe itself would be folded into a direct call with the probe's declared (SysV)
   convention. */
static void *volatile w64_args_fn = (void *)w64_probe_args, *volatile w64_ret_fn = (void *)w64_probe_ret;
static void w64_hex(const char *tag, const void *p, int n) {
	const unsigned char *b = p;
	printf("%s ", tag);
	for (int i = 0; i < n; i++) printf("%02x", b[i]);
	printf("\n");
}
static void w64_dump_args(int k, int nderef) {
	printf("case %d\n", k);
	w64_hex("regs", w64_saved, REGSSIZE);
	w64_hex("stack", w64_saved + REGSSIZE, STACKDUMP);
	w64_hex("deref", w64_deref, nderef);
}
static void w64_dump_ret(const void *r, int n) {
	printf("ret %ld %lx ", w64_ret_indirect, w64_ret_arg);
	w64_hex("", r, n);
}
`

func w64ProbeSource() string {
	mem := retPattern(abi.NoReg)
	lit := make([]string, len(mem))
	for i, b := range mem {
		lit[i] = strconv.Itoa(int(b))
	}
	return strings.NewReplacer(
		"REGSSIZE", strconv.Itoa(w64RegsSize),
		"STACKDUMP", strconv.Itoa(w64StackDump),
		"DEREFMAX", strconv.Itoa(w64DerefMax),
		"FRAMESPAN", strconv.Itoa(w64FrameSpan),
		"RETMEM", ".byte "+strings.Join(lit, ","),
	).Replace(w64ProbeAsm)
}

// w64Source writes the C program: per case, a function that fills the arguments with
// argBytes values, tells the probe which words are by-reference pointers, and calls the
// probes through ms_abi function pointers of the case's types.
func w64Source(cases []*w64Case) string {
	ct := &cTypes{names: map[*abi.Type]string{}}
	var body strings.Builder
	r := rand.New(rand.NewPCG(5, 6))
	for k, c := range cases {
		sig := c.sig
		res := ct.name(sig.Result)
		proto := probePrototype(ct, sig)
		fmt.Fprintf(&body, "typedef %s (__attribute__((ms_abi)) *w64_fn%d)(%s);\n", res, k, proto)
		fmt.Fprintf(&body, "typedef %s (__attribute__((ms_abi)) *w64_rfn%d)(long);\n", res, k)
		fmt.Fprintf(&body, "void w64_case%d(void) {\n", k)
		args, names := declareArgs(&body, ct, r, sig)
		c.args = append(c.args, args...)
		var chase []string
		for i, t := range sig.Params {
			if a := c.plan.Args[i]; a.Passing == abi.ByReference {
				chase = append(chase, fmt.Sprintf("%d, %d", w64PointerSlot(a), t.Size()))
			}
		}
		fmt.Fprintf(&body, "\tstatic const long chase[] = {%s};\n", strings.Join(append(chase, "0"), ", "))
		fmt.Fprintf(&body, "\tw64_chase_n = %d; memcpy(w64_chase, chase, sizeof chase);\n", len(chase))
		fmt.Fprintf(&body, "\tmemset(w64_deref, 0, %d);\n", c.derefSize())
		fmt.Fprintf(&body, "\t((w64_fn%d)w64_args_fn)(%s);\n\tw64_dump_args(%d, %d);\n", k, strings.Join(names, ", "), k, c.derefSize())
		if sig.Result.Kind != abi.Void {
			fmt.Fprintf(&body, "\tw64_ret_size = sizeof(%s);\n\t%s r = ((w64_rfn%d)w64_ret_fn)(0x1234);\n\tw64_dump_ret(&r, sizeof r);\n", res, res, k)
		} else {
			body.WriteString("\tprintf(\"ret 0 0\\n\");\n")
		}
		body.WriteString("}\n")
	}
	var src strings.Builder
	src.WriteString("#include <stdio.h>\n#include <string.h>\n")
	src.WriteString(w64ProbeSource())
	src.WriteString(ct.b.String())
	src.WriteString(body.String())
	src.WriteString("int main(void) {\n")
	for k := range cases {
		fmt.Fprintf(&src, "\tw64_case%d();\n", k)
	}
	src.WriteString("\treturn 0;\n}\n")
	return src.String()
}

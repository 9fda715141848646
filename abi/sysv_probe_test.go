package abi_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/jitffi/jitffi/abi"
)

func probeSource() string {
	mem := retPattern(abi.NoReg)
	lit := make([]string, len(mem))
	for i, b := range mem {
		lit[i] = strconv.Itoa(int(b))
	}
	return strings.NewReplacer("STACKDUMP", strconv.Itoa(probeSpan),
		"RETMEM", ".byte "+strings.Join(lit, ",")).Replace(probeAsm)
}

const probeAsm = `
__asm__(
".data\n"
".globl saved\n"
"saved: .zero 7*8+8*16+STACKDUMP\n"
"ret_indirect: .quad 0\n"
".globl ret_size\n"
"ret_size: .quad 0\n"
"ret_mem: RETMEM\n"
"ret_rax: .byte 0x10,0x11,0x12,0x13,0x14,0x15,0x16,0x17\n"
"ret_rdx: .byte 0x20,0x21,0x22,0x23,0x24,0x25,0x26,0x27\n"
"ret_xmm0: .byte 0x30,0x31,0x32,0x33,0x34,0x35,0x36,0x37,0x38,0x39,0x3a,0x3b,0x3c,0x3d,0x3e,0x3f\n"
"ret_xmm1: .byte 0x40,0x41,0x42,0x43,0x44,0x45,0x46,0x47,0x48,0x49,0x4a,0x4b,0x4c,0x4d,0x4e,0x4f\n"
".text\n"
".globl probe_args\n"
"probe_args:\n"
"  movq %rdi, saved+0(%rip)\n"
"  movq %rsi, saved+8(%rip)\n"
"  movq %rdx, saved+16(%rip)\n"
"  movq %rcx, saved+24(%rip)\n"
"  movq %r8, saved+32(%rip)\n"
"  movq %r9, saved+40(%rip)\n"
"  movq %rax, saved+48(%rip)\n"
"  movdqu %xmm0, saved+56(%rip)\n"
"  movdqu %xmm1, saved+72(%rip)\n"
"  movdqu %xmm2, saved+88(%rip)\n"
"  movdqu %xmm3, saved+104(%rip)\n"
"  movdqu %xmm4, saved+120(%rip)\n"
"  movdqu %xmm5, saved+136(%rip)\n"
"  movdqu %xmm6, saved+152(%rip)\n"
"  movdqu %xmm7, saved+168(%rip)\n"
"  leaq 8(%rsp), %rsi\n"
"  leaq saved+184(%rip), %rdi\n"
"  movl $STACKDUMP, %ecx\n"
"  rep movsb\n"
"  movq saved+0(%rip), %rax\n" /* an indirect result's buffer, as the callee must return it */
"  ret\n"
".globl probe_ret\n"
"probe_ret:\n"
"  movq $0, ret_indirect(%rip)\n"
"  cmpq $0x1234, %rdi\n" /* the call's only argument: rdi holds it unless a hidden pointer came first */
"  je 1f\n"
"  movq $1, ret_indirect(%rip)\n"
"  leaq ret_mem(%rip), %rsi\n"
"  movq ret_size(%rip), %rcx\n"
"  movq %rdi, %rax\n"
"  rep movsb\n"
"  ret\n"
"1:\n"
"  movq ret_rax(%rip), %rax\n"
"  movq ret_rdx(%rip), %rdx\n"
"  movdqu ret_xmm0(%rip), %xmm0\n"
"  movdqu ret_xmm1(%rip), %xmm1\n"
"  ret\n"
);
extern unsigned char saved[];
extern long ret_indirect, ret_size;
void probe_args(void);
void probe_ret(void);
static void hex(const char *tag, const void *p, int n) {
	const unsigned char *b = p;
	printf("%s ", tag);
	for (int i = 0; i < n; i++) printf("%02x", b[i]);
	printf("\n");
}
static void dump_args(int k) {
	printf("case %d\n", k);
	hex("gp", saved, 7*8);
	hex("xmm", saved+56, 8*16);
	hex("stack", saved+184, STACKDUMP);
}
static void dump_ret(const void *r, int n) {
	printf("ret %ld ", ret_indirect);
	hex("", r, n);
}
`

func gccSource(cases []*gccCase) string {
	ct := &cTypes{names: map[*abi.Type]string{}}
	var body strings.Builder
	r := rand.New(rand.NewPCG(3, 4))
	for k, c := range cases {
		sig := c.sig
		res := ct.name(sig.Result)
		proto := probePrototype(ct, sig)
		fmt.Fprintf(&body, "void case%d(void) {\n", k)
		args, names := declareArgs(&body, ct, r, sig)
		c.args = append(c.args, args...)
		fmt.Fprintf(&body, "\t((%s (*)(%s))probe_args)(%s);\n\tdump_args(%d);\n", res, proto, strings.Join(names, ", "), k)
		if sig.Result.Kind != abi.Void {
			fmt.Fprintf(&body, "\tret_size = sizeof(%s);\n\t%s r = ((%s (*)(long))probe_ret)(0x1234);\n\tdump_ret(&r, sizeof r);\n", res, res, res)
		} else {
			body.WriteString("\tprintf(\"ret 0 \\n\");\n")
		}
		body.WriteString("}\n")
	}
	var src strings.Builder
	src.WriteString("#include <stdio.h>\n#include <string.h>\n")
	src.WriteString(probeSource())
	src.WriteString(ct.b.String())
	src.WriteString(body.String())
	src.WriteString("int main(void) {\n")
	for k := range cases {
		fmt.Fprintf(&src, "\tcase%d();\n", k)
	}
	src.WriteString("\treturn 0;\n}\n")
	return src.String()
}

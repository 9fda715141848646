package arm64

import (
	"regexp"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/arm64"
)

// reservedRegs matches any view of x18 (the platform register) or x27 (golang-asm's
// hidden temporary, callee-saved under AAPCS64).
var reservedRegs = regexp.MustCompile(`\b[xw](18|27)\b`)

// listingLine matches one line of an arm64 listing and captures the instruction text.
var listingLine = regexp.MustCompile(`(?m)^ *[0-9a-f]+: [0-9a-f]{8}  (.*)$`)

// TestARM64Helpers emits each typed helper alone and checks that every word it produces
// decodes, in GNU syntax, to the intended instructions, and that none touches x18 or x27.
// The offsets probe each addressing form: scaled unsigned, unscaled signed, and the ones
// that need x17.
func TestARM64Helpers(t *testing.T) {
	tests := []struct {
		want string // instructions separated by "; "
		emit func(a *assembler)
	}{
		{"ldrsb x0, [x19,#24]", func(a *assembler) { a.loadInt(abi.X0, at(abi.X19, 0x18), 1, true) }},
		{"ldrb w0, [x19,#24]", func(a *assembler) { a.loadInt(abi.X0, at(abi.X19, 0x18), 1, false) }},
		{"ldrsh x1, [x19,#24]", func(a *assembler) { a.loadInt(abi.X1, at(abi.X19, 0x18), 2, true) }},
		{"ldrh w2, [x19,#24]", func(a *assembler) { a.loadInt(abi.X2, at(abi.X19, 0x18), 2, false) }},
		{"ldrsw x3, [x19,#24]", func(a *assembler) { a.loadInt(abi.X3, at(abi.X19, 0x18), 4, true) }},
		{"ldr w4, [x19,#24]", func(a *assembler) { a.loadInt(abi.X4, at(abi.X19, 0x18), 4, false) }},
		{"ldr x5, [x19,#24]", func(a *assembler) { a.loadInt(abi.X5, at(abi.X19, 0x18), 8, false) }},
		{"ldr x16, [sp]", func(a *assembler) { a.loadInt(abi.X16, at(regSP, 0), 8, true) }},
		{"ldur x0, [x19,#28]", func(a *assembler) { a.loadInt(abi.X0, at(abi.X19, 0x1c), 8, false) }},
		{"ldur x0, [sp,#-8]", func(a *assembler) { a.loadInt(abi.X0, at(regSP, -8), 8, false) }},
		{"ldr x0, [x19,#32760]", func(a *assembler) { a.loadInt(abi.X0, at(abi.X19, 0x7ff8), 8, false) }},
		{"add x17, x19, #0x8, lsl #12; ldr x0, [x17]", func(a *assembler) { a.loadInt(abi.X0, at(abi.X19, 0x8000), 8, false) }},
		{"add x17, x19, #0x12, lsl #12; ldr x0, [x17,#840]", func(a *assembler) { a.loadInt(abi.X0, at(abi.X19, 0x12348), 8, false) }},
		{"add x17, x19, #0x12, lsl #12; add x17, x17, #0x345; ldr x0, [x17]", func(a *assembler) { a.loadInt(abi.X0, at(abi.X19, 0x12345), 8, false) }},
		{"sub x17, x19, #0x200; ldrb w0, [x17]", func(a *assembler) { a.loadInt(abi.X0, at(abi.X19, -0x200), 1, false) }},
		{"strb w16, [sp]", func(a *assembler) { a.storeInt(abi.X16, at(regSP, 0), 1) }},
		{"strh w16, [sp,#2]", func(a *assembler) { a.storeInt(abi.X16, at(regSP, 2), 2) }},
		{"str w16, [sp,#4]", func(a *assembler) { a.storeInt(abi.X16, at(regSP, 4), 4) }},
		{"str x16, [x19,#16]", func(a *assembler) { a.storeInt(abi.X16, at(abi.X19, 0x10), 8) }},
		{"stur x16, [sp,#1]", func(a *assembler) { a.storeInt(abi.X16, at(regSP, 1), 8) }},
		{"str wzr, [x20]", func(a *assembler) { a.storeInt(regZR, at(abi.X20, 0), 4) }},
		{"ldr s0, [x19,#24]", func(a *assembler) { a.loadFloat(abi.V0, at(abi.X19, 0x18), 4) }},
		{"ldr d7, [x19,#24]", func(a *assembler) { a.loadFloat(abi.V7, at(abi.X19, 0x18), 8) }},
		{"str s3, [x19,#36]", func(a *assembler) { a.storeFloat(abi.V3, at(abi.X19, 0x24), 4) }},
		{"str d16, [sp,#8]", func(a *assembler) { a.storeFloat(abi.V16, at(regSP, 8), 8) }},
		{"fcvt d0, s0", func(a *assembler) { a.fcvtSD(abi.V0, abi.V0) }},
		{"stp x29, x30, [sp,#-32]!", func(a *assembler) { a.stp(abi.X29, abi.X30, regSP, -32, preIndex) }},
		{"stp x19, x20, [sp,#16]", func(a *assembler) { a.stp(abi.X19, abi.X20, regSP, 16, offsetMode) }},
		{"ldp x19, x20, [sp,#16]", func(a *assembler) { a.ldp(abi.X19, abi.X20, regSP, 16, offsetMode) }},
		{"ldp x29, x30, [sp],#32", func(a *assembler) { a.ldp(abi.X29, abi.X30, regSP, 32, postIndex) }},
		{"ldr x16, [x9],#8", func(a *assembler) { a.loadPost(abi.X16, abi.X9, 8) }},
		{"str x16, [x10],#8", func(a *assembler) { a.storePost(abi.X16, abi.X10, 8) }},
		{"add x8, x19, #0x30", func(a *assembler) { a.addImm(abi.X8, abi.X19, 0x30) }},
		{"add x8, sp, #0xfff", func(a *assembler) { a.addImm(abi.X8, regSP, 0xfff) }},
		{"add x8, sp, #0x12, lsl #12; add x8, x8, #0x345", func(a *assembler) { a.addImm(abi.X8, regSP, 0x12345) }},
		{"sub x9, x19, #0x10", func(a *assembler) { a.addImm(abi.X9, abi.X19, -0x10) }},
		{"mov x10, sp", func(a *assembler) { a.addImm(abi.X10, regSP, 0) }},
		{"add x19, x19, x16", func(a *assembler) { a.addReg(abi.X19, abi.X19, abi.X16) }},
		{"sub x16, x0, x16", func(a *assembler) { a.subReg(abi.X16, abi.X0, abi.X16) }},
		{"sub x1, x2, x3", func(a *assembler) { a.subReg(abi.X1, abi.X2, abi.X3) }},
		{"sub sp, sp, #0x40", func(a *assembler) { a.subSP(0x40) }},
		{"sub sp, sp, #0x1, lsl #12", func(a *assembler) { a.subSP(0x1000) }},
		{"sub sp, sp, #0x1, lsl #12; sub sp, sp, #0x10", func(a *assembler) { a.subSP(0x1010) }},
		{"mov x29, sp", func(a *assembler) { a.movReg(abi.X29, regSP) }},
		{"mov sp, x29", func(a *assembler) { a.movReg(regSP, abi.X29) }},
		{"mov x19, x0", func(a *assembler) { a.movReg(abi.X19, abi.X0) }},
		{"mov x16, #0x5670; movk x16, #0x1234, lsl #16; movk x16, #0x7f00, lsl #32", func(a *assembler) { a.movImm64(abi.X16, 0x7f0012345670) }},
		{"mov x16, #0x0", func(a *assembler) { a.movImm64(abi.X16, 0) }},
		{"mov x11, #0x2328", func(a *assembler) { a.movImm64(abi.X11, 9000) }},
		{"mov x16, #0x1; movk x16, #0x7fff, lsl #48", func(a *assembler) { a.movImm64(abi.X16, 0x7fff000000000001) }},
		{"and sp, x16, #0xffffffffffffffe0", func(a *assembler) { a.andSPAlign(abi.X16, 32) }},
		{"lsr x0, x0, #32", func(a *assembler) { a.lsrImm(abi.X0, 32) }},
		{"sxtb x0, w0", func(a *assembler) { a.extendReg(abi.X0, abi.X0, 1, true) }},
		{"ubfx x0, x0, #0, #8", func(a *assembler) { a.extendReg(abi.X0, abi.X0, 1, false) }},
		{"sxth x1, w1", func(a *assembler) { a.extendReg(abi.X1, abi.X1, 2, true) }},
		{"ubfx x1, x1, #0, #16", func(a *assembler) { a.extendReg(abi.X1, abi.X1, 2, false) }},
		{"sxtw x0, w0", func(a *assembler) { a.extendReg(abi.X0, abi.X0, 4, true) }},
		{"ubfx x0, x0, #0, #32", func(a *assembler) { a.extendReg(abi.X0, abi.X0, 4, false) }},
		{"subs x11, x11, #0x8", func(a *assembler) { a.subsImm(abi.X11, 8) }},
		{"b.ne .+0x0", func(a *assembler) { a.bne(a.mark()) }},
		{"subs x11, x11, #0x8; b.ne .+0xfffffffffffffffc", func(a *assembler) { l := a.mark(); a.subsImm(abi.X11, 8); a.bne(l) }},
		{"blr x16", func(a *assembler) { a.blr(abi.X16) }},
		{"ret", func(a *assembler) { a.ret() }},
	}
	for _, tt := range tests {
		a := assemblers.Get().(*assembler)
		a.reset()
		tt.emit(a)
		code, err := a.assemble()
		assemblers.Put(a)
		if err != nil {
			t.Errorf("%s: %v", tt.want, err)
			continue
		}
		listing, err := Disassemble(code)
		if err != nil {
			t.Errorf("%s: % x: %v", tt.want, code, err)
			continue
		}
		var got []string
		for _, m := range listingLine.FindAllStringSubmatch(listing, -1) {
			got = append(got, m[1])
		}
		if g := strings.Join(got, "; "); g != tt.want {
			t.Errorf("% x = %q, want %q", code, g, tt.want)
		}
		if m := reservedRegs.FindString(listing); m != "" {
			t.Errorf("%s touches %s", tt.want, m)
		}
	}
}

// TestARM64HelperMisuse checks that a wrong register, size or range is reported as an
// error instead of being encoded.
func TestARM64HelperMisuse(t *testing.T) {
	tests := []struct {
		name string
		emit func(a *assembler)
	}{
		{"vector register as base", func(a *assembler) { a.loadInt(abi.X0, at(abi.V0, 0), 8, false) }},
		{"general register as float", func(a *assembler) { a.loadFloat(abi.X0, at(abi.X19, 0), 8) }},
		{"amd64 register", func(a *assembler) { a.movReg(abi.RAX, abi.X0) }},
		{"x18", func(a *assembler) { a.movReg(abi.X18, abi.X0) }},
		{"x27", func(a *assembler) { a.loadInt(abi.X27, at(abi.X19, 0), 8, false) }},
		{"x17 as base", func(a *assembler) { a.loadInt(abi.X0, at(abi.X17, 0), 8, false) }},
		{"index register", func(a *assembler) { a.loadInt(abi.X0, atIndex(abi.X19, abi.X1, 0), 8, false) }},
		{"3-byte load", func(a *assembler) { a.loadInt(abi.X0, at(abi.X19, 0), 3, false) }},
		{"3-byte store", func(a *assembler) { a.storeInt(abi.X0, at(abi.X19, 0), 3) }},
		{"2-byte float", func(a *assembler) { a.storeFloat(abi.V0, at(abi.X19, 0), 2) }},
		{"16-byte extension", func(a *assembler) { a.extendReg(abi.X0, abi.X0, 8, true) }},
		{"pair offset", func(a *assembler) { a.stp(abi.X19, abi.X20, regSP, 1024, offsetMode) }},
		{"odd pair offset", func(a *assembler) { a.stp(abi.X19, abi.X20, regSP, 12, offsetMode) }},
		{"post-index step", func(a *assembler) { a.loadPost(abi.X16, abi.X9, 512) }},
		{"huge offset", func(a *assembler) { a.addImm(abi.X0, abi.X19, 1<<24) }},
		{"bit 63 constant", func(a *assembler) { a.movImm64(abi.X16, 1<<63) }},
		{"shift 64", func(a *assembler) { a.lsrImm(abi.X0, 64) }},
		{"align 24", func(a *assembler) { a.andSPAlign(abi.X16, 24) }},
		{"subs 4096", func(a *assembler) { a.subsImm(abi.X11, 4096) }},
		{"register add to sp", func(a *assembler) { a.addReg(regSP, regSP, abi.X16) }},
		{"register sub from xzr", func(a *assembler) { a.subReg(abi.X16, regZR, abi.X16) }},
		{"nothing", func(a *assembler) {}},
	}
	for _, tt := range tests {
		a := assemblers.Get().(*assembler)
		a.reset()
		tt.emit(a)
		code, err := a.assemble()
		assemblers.Put(a)
		if err == nil || !strings.Contains(err.Error(), "arm64") {
			t.Errorf("%s: got % x, %v; want an error", tt.name, code, err)
		}
	}
}

// TestARM64AssembleGuards feeds golang-asm instructions that bypass the typed helpers and
// that it would encode as more than the one word asked for (a literal-pool load, a
// constant built through x27), or with a relocation: assemble must refuse each.
func TestARM64AssembleGuards(t *testing.T) {
	tests := []struct {
		name string
		emit func(a *assembler)
	}{
		{"64-bit constant from a literal pool", func(a *assembler) {
			a.emit(arm64.AMOVD, constant(0x123456789abc), 0, a.regGPR(abi.X0))
			a.ret()
		}},
		{"offset through x27", func(a *assembler) {
			a.emit(arm64.AMOVD, obj.Addr{Type: obj.TYPE_MEM, Reg: arm64.REG_R19, Offset: 0x123457}, 0, a.regGPR(abi.X0))
			a.ret()
		}},
		{"float constant", func(a *assembler) {
			a.emit(arm64.AFMOVD, obj.Addr{Type: obj.TYPE_FCONST, Val: 1.1}, 0, a.regFPR(abi.V0))
			a.ret()
		}},
		{"call to a symbol", func(a *assembler) {
			a.emit(arm64.ABL, obj.Addr{}, 0, obj.Addr{Type: obj.TYPE_BRANCH, Sym: &obj.LSym{Name: "memcpy"}})
			a.ret()
		}},
	}
	for _, tt := range tests {
		a := assemblers.Get().(*assembler)
		a.reset()
		tt.emit(a)
		code, err := a.assemble()
		assemblers.Put(a)
		if err == nil {
			t.Errorf("%s: accepted as % x", tt.name, code)
		} else {
			t.Logf("%s: %v", tt.name, err)
		}
	}
}

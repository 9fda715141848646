package amd64

import (
	"math"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
	"golang.org/x/arch/x86/x86asm"
)

// TestAMD64Helpers emits each typed helper alone and checks that it decodes, as exactly
// one instruction covering every byte, to the intended Intel-syntax text.
func TestAMD64Helpers(t *testing.T) {
	tests := []struct {
		want string
		emit func(a *assembler)
	}{
		{"movsx eax, byte ptr [rbx+0x18]", func(a *assembler) { a.loadInt(abi.RAX, bits32, at(abi.RBX, 0x18), 1, true) }},
		{"movzx eax, byte ptr [rbx+0x18]", func(a *assembler) { a.loadInt(abi.RAX, bits32, at(abi.RBX, 0x18), 1, false) }},
		{"movsx rdi, byte ptr [rbx+0x18]", func(a *assembler) { a.loadInt(abi.RDI, bits64, at(abi.RBX, 0x18), 1, true) }},
		{"movzx r9d, byte ptr [rbx+0x18]", func(a *assembler) { a.loadInt(abi.R9, bits64, at(abi.RBX, 0x18), 1, false) }},
		{"movsx esi, word ptr [rbx+0x20]", func(a *assembler) { a.loadInt(abi.RSI, bits32, at(abi.RBX, 0x20), 2, true) }},
		{"movzx edx, word ptr [rbx+0x20]", func(a *assembler) { a.loadInt(abi.RDX, bits32, at(abi.RBX, 0x20), 2, false) }},
		{"movsx r8, word ptr [rbx+0x20]", func(a *assembler) { a.loadInt(abi.R8, bits64, at(abi.RBX, 0x20), 2, true) }},
		{"movzx ecx, word ptr [rbx+0x20]", func(a *assembler) { a.loadInt(abi.RCX, bits64, at(abi.RBX, 0x20), 2, false) }},
		{"mov edi, dword ptr [rbx+0x28]", func(a *assembler) { a.loadInt(abi.RDI, bits32, at(abi.RBX, 0x28), 4, true) }},
		{"mov r10d, dword ptr [rbx+0x28]", func(a *assembler) { a.loadInt(abi.R10, bits64, at(abi.RBX, 0x28), 4, false) }},
		{"movsxd rax, dword ptr [rbx+0x28]", func(a *assembler) { a.loadInt(abi.RAX, bits64, at(abi.RBX, 0x28), 4, true) }},
		{"mov r11, qword ptr [rbx+0x1000]", func(a *assembler) { a.loadInt(abi.R11, bits64, at(abi.RBX, 0x1000), 8, false) }},
		{"mov rax, qword ptr [rsp]", func(a *assembler) { a.loadInt(abi.RAX, bits64, at(abi.RSP, 0), 8, true) }},
		{"movsx rax, al", func(a *assembler) { a.extendReg(abi.RAX, bits64, abi.RAX, 1, true) }},
		{"movzx eax, al", func(a *assembler) { a.extendReg(abi.RAX, bits64, abi.RAX, 1, false) }},
		{"movsx rax, ax", func(a *assembler) { a.extendReg(abi.RAX, bits64, abi.RAX, 2, true) }},
		{"movzx eax, ax", func(a *assembler) { a.extendReg(abi.RAX, bits64, abi.RAX, 2, false) }},
		{"mov byte ptr [rsp+0x8], al", func(a *assembler) { a.storeInt(abi.RAX, at(abi.RSP, 8), 1) }},
		{"mov byte ptr [rbx+0x18], sil", func(a *assembler) { a.storeInt(abi.RSI, at(abi.RBX, 0x18), 1) }},
		{"mov word ptr [rbx+0x18], dx", func(a *assembler) { a.storeInt(abi.RDX, at(abi.RBX, 0x18), 2) }},
		{"mov dword ptr [rbx+0x10], eax", func(a *assembler) { a.storeInt(abi.RAX, at(abi.RBX, 0x10), 4) }},
		{"mov qword ptr [rsp+0x20], r10", func(a *assembler) { a.storeInt(abi.R10, at(abi.RSP, 0x20), 8) }},
		{"mov dword ptr [r12], 0x0", func(a *assembler) { a.storeImm32(at(abi.R12, 0), 0) }},
		{"mov dword ptr [rbx+0x10], -0x1", func(a *assembler) { a.storeImm32(at(abi.RBX, 0x10), -1) }},
		{"movss xmm0, dword ptr [rbx+0x18]", func(a *assembler) { a.loadFloat(abi.XMM0, at(abi.RBX, 0x18), 4) }},
		{"movsd xmm9, qword ptr [rbx+0x18]", func(a *assembler) { a.loadFloat(abi.XMM9, at(abi.RBX, 0x18), 8) }},
		{"movss dword ptr [rbx+0x20], xmm1", func(a *assembler) { a.storeFloat(abi.XMM1, at(abi.RBX, 0x20), 4) }},
		{"movsd qword ptr [rsp+0x8], xmm15", func(a *assembler) { a.storeFloat(abi.XMM15, at(abi.RSP, 8), 8) }},
		{"movups xmm6, xmmword ptr [rsp+0x10]", func(a *assembler) { a.loadVec(abi.XMM6, at(abi.RSP, 0x10)) }},
		{"movups xmmword ptr [rsp+0x10], xmm14", func(a *assembler) { a.storeVec(abi.XMM14, at(abi.RSP, 0x10)) }},
		{"movq rdx, xmm1", func(a *assembler) { a.xmmToGPR(abi.RDX, abi.XMM1) }},
		{"movq xmm3, r9", func(a *assembler) { a.gprToXMM(abi.XMM3, abi.R9) }},
		{"cvtss2sd xmm0, dword ptr [rbx+0x18]", func(a *assembler) { a.cvtss2sd(abi.XMM0, at(abi.RBX, 0x18)) }},
		{"lea rdi, ptr [rbx+0x30]", func(a *assembler) { a.lea(abi.RDI, at(abi.RBX, 0x30)) }},
		{"lea rcx, ptr [rsp+0x40]", func(a *assembler) { a.lea(abi.RCX, at(abi.RSP, 0x40)) }},
		{"mov rbx, rdi", func(a *assembler) { a.movReg(abi.RBX, abi.RDI) }},
		{"mov rbp, rsp", func(a *assembler) { a.movReg(abi.RBP, abi.RSP) }},
		{"mov rax, 0x7f1234567890", func(a *assembler) { a.movImm64(abi.RAX, 0x7f1234567890) }},
		{"mov rax, -0x80000000", func(a *assembler) { a.movImm64(abi.RAX, 0xffffffff80000000) }},
		{"mov eax, 0x8", func(a *assembler) { a.movImm32(abi.RAX, 8) }},
		{"mov eax, 0x0", func(a *assembler) { a.movImm32(abi.RAX, 0) }},
		{"shr rax, 0x20", func(a *assembler) { a.shrImm(abi.RAX, 32) }},
		{"push rbp", func(a *assembler) { a.push(abi.RBP) }},
		{"push r12", func(a *assembler) { a.push(abi.R12) }},
		{"pop rbx", func(a *assembler) { a.pop(abi.RBX) }},
		{"pop r15", func(a *assembler) { a.pop(abi.R15) }},
		{"add rsp, 0x18", func(a *assembler) { a.addRSP(0x18) }},
		{"add rsp, 0x1008", func(a *assembler) { a.addRSP(0x1008) }},
		{"sub rsp, 0x28", func(a *assembler) { a.subRSP(0x28) }},
		{"sub rsp, 0x208", func(a *assembler) { a.subRSP(0x208) }},
		{"and rsp, -0x20", func(a *assembler) { a.alignRSP(32) }},
		{"call qword ptr [rbx+0x8]", func(a *assembler) { a.callMem(at(abi.RBX, 8)) }},
		{"call rax", func(a *assembler) { a.callReg(abi.RAX) }},
		{"ret", func(a *assembler) { a.ret() }},
		{"mov rax, qword ptr [rbx+r10*1+0x38]", func(a *assembler) { a.loadInt(abi.RAX, bits64, atIndex(abi.RBX, abi.R10, 0x38), 8, false) }},
		{"mov qword ptr [rsp+r10*1+0x1000], rax", func(a *assembler) { a.storeInt(abi.RAX, atIndex(abi.RSP, abi.R10, 0x1000), 8) }},
		{"add r10, 0x8", func(a *assembler) { a.addImm(abi.R10, 8) }},
		{"add rbx, rax", func(a *assembler) { a.addReg(abi.RBX, abi.RAX) }},
		{"sub rax, r13", func(a *assembler) { a.subReg(abi.RAX, abi.R13) }},
		{"jnz .-0x2", func(a *assembler) { a.jnz(a.mark()) }},
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
		inst, err := x86asm.Decode(code, amd64Mode)
		if err != nil {
			t.Errorf("%s: % x does not decode: %v", tt.want, code, err)
			continue
		}
		if inst.Op == 0 || inst.Len != len(code) {
			t.Errorf("%s: % x: decoder used %d of %d bytes", tt.want, code, inst.Len, len(code))
		}
		if got := x86asm.IntelSyntax(inst, 0, nil); got != tt.want {
			t.Errorf("% x = %q, want %q", code, got, tt.want)
		}
	}
}

// TestAMD64HelperMisuse checks that a wrong register class or size is reported as an error
// instead of being encoded.
func TestAMD64HelperMisuse(t *testing.T) {
	tests := []struct {
		name string
		emit func(a *assembler)
	}{
		{"xmm as base", func(a *assembler) { a.loadInt(abi.RAX, bits64, at(abi.XMM0, 0), 8, false) }},
		{"gpr as xmm", func(a *assembler) { a.loadFloat(abi.RAX, at(abi.RBX, 0), 8) }},
		{"3-byte load", func(a *assembler) { a.loadInt(abi.RAX, bits64, at(abi.RBX, 0), 3, false) }},
		{"8 bytes into 32 bits", func(a *assembler) { a.loadInt(abi.RAX, bits32, at(abi.RBX, 0), 8, false) }},
		{"3-byte store", func(a *assembler) { a.storeInt(abi.RAX, at(abi.RBX, 0), 3) }},
		{"2-byte float", func(a *assembler) { a.storeFloat(abi.XMM0, at(abi.RBX, 0), 2) }},
		{"arm64 register", func(a *assembler) { a.push(abi.X0) }},
		{"huge offset", func(a *assembler) { a.lea(abi.RAX, at(abi.RBX, math.MaxInt)) }},
		{"shift 64", func(a *assembler) { a.shrImm(abi.RAX, 64) }},
		{"align 24", func(a *assembler) { a.alignRSP(24) }},
		{"rsp as index", func(a *assembler) { a.lea(abi.RAX, atIndex(abi.RBX, abi.RSP, 0)) }},
	}
	for _, tt := range tests {
		a := assemblers.Get().(*assembler)
		a.reset()
		tt.emit(a)
		code, err := a.assemble()
		assemblers.Put(a)
		if err == nil || !strings.Contains(err.Error(), "amd64") {
			t.Errorf("%s: got % x, %v; want an error", tt.name, code, err)
		}
	}
}

package jit

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/jitffi/jitffi/abi"
	"golang.org/x/arch/arm64/arm64asm"
	"golang.org/x/arch/x86/x86asm"
)

// amd64Mode is the decoder's operand mode: 64-bit code.
const amd64Mode = 64

// Disassemble returns a listing of code, machine code for the architecture of ABI a: one
// instruction per line, as "offset: bytes  instruction", in Intel syntax on amd64 and in
// GNU (vendor) syntax on arm64. It fails if some bytes do not decode, so a listing always
// accounts for every byte of code.
func Disassemble(code []byte, a abi.ABI) (string, error) {
	switch a {
	case abi.SysV, abi.Win64:
		return disassembleAMD64(code)
	case abi.AAPCS64, abi.AppleARM64:
		return disassembleARM64(code)
	}
	return "", fmt.Errorf("jit: unknown ABI %v", a)
}

// disassemblyBytesWidth is the width of the hex bytes column: the longest instruction a
// stub uses (movabs, ten bytes) fits.
const disassemblyBytesWidth = 2 * 10

func disassembleAMD64(code []byte) (string, error) {
	var b strings.Builder
	for pc := 0; pc < len(code); {
		inst, err := x86asm.Decode(code[pc:], amd64Mode)
		if err == nil && inst.Op == 0 {
			// The decoder turns bytes that start no instruction (a lone prefix, a
			// truncated tail) into a pseudo-instruction rather than an error.
			err = fmt.Errorf("% x is not an instruction", code[pc:pc+inst.Len])
		}
		if err != nil {
			return b.String(), fmt.Errorf("jit: cannot decode at offset %#x: %v", pc, err)
		}
		text := x86asm.IntelSyntax(inst, uint64(pc), nil)
		fmt.Fprintf(&b, "%4x: %-*x  %s\n", pc, disassemblyBytesWidth, code[pc:pc+inst.Len], text)
		pc += inst.Len
	}
	return b.String(), nil
}

// disassembleARM64 lists arm64 code, one 32-bit word per line, shown as the word's value
// (as the vendor's manuals print encodings). A word that is no instruction, or a tail
// shorter than a word, is an error.
func disassembleARM64(code []byte) (string, error) {
	var b strings.Builder
	if len(code)%insnSize != 0 {
		return "", fmt.Errorf("jit: %d bytes of arm64 code is not a whole number of instructions", len(code))
	}
	for pc := 0; pc < len(code); pc += insnSize {
		inst, err := arm64asm.Decode(code[pc:])
		if err != nil {
			return b.String(), fmt.Errorf("jit: cannot decode at offset %#x: %v", pc, err)
		}
		fmt.Fprintf(&b, "%4x: %08x  %s\n", pc, binary.LittleEndian.Uint32(code[pc:]), arm64asm.GNUSyntax(inst))
	}
	return b.String(), nil
}

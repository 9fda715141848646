package amd64

import (
	"fmt"
	"strings"

	"golang.org/x/arch/x86/x86asm"
)

// amd64Mode is the decoder's operand mode: 64-bit code.
const amd64Mode = 64

// disassemblyBytesWidth is the width of the hex bytes column: the longest instruction a
// stub uses (movabs, ten bytes) fits.
const disassemblyBytesWidth = 2 * 10

// Disassemble lists amd64 code, one instruction per line, in Intel syntax. It fails if
// some bytes do not decode, so a listing always accounts for every byte of code.
func Disassemble(code []byte) (string, error) {
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

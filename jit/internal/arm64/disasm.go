package arm64

import (
	"encoding/binary"
	"fmt"
	"strings"

	"golang.org/x/arch/arm64/arm64asm"
)

// Disassemble lists arm64 code, one 32-bit word per line, shown as the word's value
// (as the vendor's manuals print encodings). A word that is no instruction, or a tail
// shorter than a word, is an error.
func Disassemble(code []byte) (string, error) {
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

package asm

import "encoding/binary"

// probeSPMod16 is the stack pointer modulo 16 at a C function's entry on arm64: always
// 16-byte aligned.
const probeSPMod16 = 0

// directCallees returns the targets of the BL instructions of the function at entry. The
// scan stops at the function's end or after limit bytes.
func directCallees(entry uintptr, limit int) []uintptr {
	var targets []uintptr
	for pc := entry; pc < entry+uintptr(limit) && inFunc(pc, entry); pc += 4 {
		word := binary.LittleEndian.Uint32(codeAt(pc, 4))
		if word>>26 != 0b100101 { // BL imm26
			continue
		}
		offset := int64(int32(word<<6)>>6) * 4
		targets = append(targets, pc+uintptr(offset))
	}
	return targets
}

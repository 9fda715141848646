package asm

import "golang.org/x/arch/x86/x86asm"

// probeSPMod16 is the stack pointer modulo 16 at a C function's entry on x86-64: the
// caller aligned it to 16 before its call pushed the return address.
const probeSPMod16 = 8

// directCallees decodes the function at entry and returns the targets of its direct
// (rel32) calls. The scan stops at the function's end, at the first byte that does not
// decode, or after limit bytes.
func directCallees(entry uintptr, limit int) []uintptr {
	var targets []uintptr
	for pc := entry; pc < entry+uintptr(limit) && inFunc(pc, entry); {
		inst, err := x86asm.Decode(codeAt(pc, 16), 64)
		if err != nil {
			break
		}
		next := pc + uintptr(inst.Len)
		if rel, ok := inst.Args[0].(x86asm.Rel); ok && inst.Op == x86asm.CALL {
			targets = append(targets, next+uintptr(int64(rel)))
		}
		pc = next
	}
	return targets
}

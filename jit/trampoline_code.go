package jit

import "encoding/binary"

// amd64Trampoline returns one amd64 trampoline whose data slot starts dataDelta bytes
// after its first byte:
//
//	lea r11, [rip + dataDelta-7]   ; the data slot (rip is the end of this 7-byte lea)
//	jmp qword ptr [r11]            ; to the upcall stub, r11 still pointing at the slot
//
// r11 carries no argument in either x86-64 convention and is caller-saved in both.
func amd64Trampoline(dataDelta int) []byte {
	code := []byte{0x4C, 0x8D, 0x1D, 0, 0, 0, 0, 0x41, 0xFF, 0x23}
	binary.LittleEndian.PutUint32(code[3:], uint32(int32(dataDelta-7)))
	return code
}

// arm64Trampoline returns one arm64 trampoline whose data slot starts dataDelta bytes
// after its first instruction (|dataDelta| < 1 MiB):
//
//	adr x17, #dataDelta   ; the data slot
//	ldr x16, [x17]        ; the upcall stub
//	br  x16               ; x17 still pointing at the slot
//
// x16 and x17 are AAPCS64's intra-procedure-call scratch registers, meant for veneers
// like this one; neither carries an argument.
func arm64Trampoline(dataDelta int) []byte {
	imm := uint32(dataDelta) & 0x1FFFFF
	adr := imm&3<<29 | 0b10000<<24 | imm>>2<<5 | 17
	code := make([]byte, 12)
	for i, w := range []uint32{adr, 0xF9400230, 0xD61F0200} {
		binary.LittleEndian.PutUint32(code[4*i:], w)
	}
	return code
}

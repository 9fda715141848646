package amd64

import "encoding/binary"

// Trampoline returns one amd64 trampoline whose data slot starts dataDelta bytes
// after its first byte:
//
//	lea r11, [rip + dataDelta-7]   ; the data slot (rip is the end of this 7-byte lea)
//	jmp qword ptr [r11]            ; to the upcall stub, r11 still pointing at the slot
//
// r11 carries no argument in either x86-64 convention and is caller-saved in both.
func Trampoline(dataDelta int) []byte {
	code := []byte{0x4C, 0x8D, 0x1D, 0, 0, 0, 0, 0x41, 0xFF, 0x23}
	binary.LittleEndian.PutUint32(code[3:], uint32(int32(dataDelta-7)))
	return code
}

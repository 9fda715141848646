package arm64

import "encoding/binary"

// Trampoline returns one arm64 trampoline whose data slot starts dataDelta bytes
// after its first instruction (|dataDelta| < 1 MiB):
//
//	adr x17, #dataDelta   ; the data slot
//	ldr x16, [x17]        ; the upcall stub
//	br  x16               ; x17 still pointing at the slot
//
// x16 and x17 are AAPCS64's intra-procedure-call scratch registers, meant for veneers
// like this one; neither carries an argument.
func Trampoline(dataDelta int) []byte {
	imm := uint32(dataDelta) & 0x1FFFFF
	adr := imm&3<<29 | 0b10000<<24 | imm>>2<<5 | 17
	code := make([]byte, 12)
	for i, w := range []uint32{adr, 0xF9400230, 0xD61F0200} {
		binary.LittleEndian.PutUint32(code[4*i:], w)
	}
	return code
}

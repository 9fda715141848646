#include "go_asm.h"
#include "textflag.h"

// func CallFast(frame unsafe.Pointer)
// Calls runtime·asmcgocall(frame.Stub, frame): a switch to g0 and a C-ABI call, no more.
TEXT ·CallFast(SB), NOSPLIT, $24-8
	MOVQ frame+0(FP), BX
	MOVQ Header_Stub(BX), AX
	MOVQ AX, 0(SP)
	MOVQ BX, 8(SP)
	CALL runtime·asmcgocall(SB)
	RET

// func headerOffsets() (stub, fn, errno, size uintptr)
TEXT ·headerOffsets(SB), NOSPLIT, $0-32
	MOVQ $Header_Stub, stub+0(FP)
	MOVQ $Header_Fn, fn+8(FP)
	MOVQ $Header_Errno, errno+16(FP)
	MOVQ $Header__size, size+24(FP)
	RET

// func TopOfStackFunc() uintptr
TEXT ·TopOfStackFunc(SB), NOSPLIT, $0-8
	MOVQ $_cgo_topofstack(SB), AX
	MOVQ AX, ret+0(FP)
	RET

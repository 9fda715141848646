#include "go_asm.h"
#include "textflag.h"

// func CallFast(frame unsafe.Pointer)
// Calls asmcgocall(frame.Stub, frame), the runtime's switch to g0 and C-ABI call, through
// the address CheckFast found (the 1.27 linker refuses a direct reference). The ABI0
// outgoing arguments start at 8(RSP), above the saved link register: fn at 8, arg at 16 and
// the int32 result at 24, hence the 24-byte frame.
TEXT ·CallFast(SB), NOSPLIT, $24-8
	MOVD frame+0(FP), R1
	MOVD Header_Stub(R1), R0
	MOVD R0, 8(RSP)
	MOVD R1, 16(RSP)
	MOVD ·asmcgocallPC(SB), R2
	CALL (R2)
	RET

// func headerOffsets() (stub, fn, errno, size uintptr)
TEXT ·headerOffsets(SB), NOSPLIT, $0-32
	MOVD $Header_Stub, R0
	MOVD R0, stub+0(FP)
	MOVD $Header_Fn, R0
	MOVD R0, fn+8(FP)
	MOVD $Header_Errno, R0
	MOVD R0, errno+16(FP)
	MOVD $Header__size, R0
	MOVD R0, size+24(FP)
	RET

// func TopOfStackFunc() uintptr
TEXT ·TopOfStackFunc(SB), NOSPLIT, $0-8
	MOVD $_cgo_topofstack(SB), R0
	MOVD R0, ret+0(FP)
	RET

// fastProbe is a C-ABI function of one argument (R0), a *fastProbeFrame: it records its
// stack pointer and a mark. CheckFast calls it through CallFast.
TEXT fastProbe<>(SB), NOSPLIT|NOFRAME, $0
	MOVD RSP, R1
	MOVD R1, fastProbeFrame_SP(R0)
	MOVD $const_fastProbeMark, R1
	MOVD R1, fastProbeFrame_Mark(R0)
	MOVD ZR, R0
	RET

// func fastProbeStub() uintptr
TEXT ·fastProbeStub(SB), NOSPLIT, $0-8
	MOVD $fastProbe<>(SB), R0
	MOVD R0, ret+0(FP)
	RET

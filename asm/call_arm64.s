#include "go_asm.h"
#include "textflag.h"

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

#include "go_asm.h"
#include "textflag.h"

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

// fastProbe is a C-ABI function of one argument, a *fastProbeFrame: it records its stack
// pointer and a mark. CheckFast calls it through CallFast.
TEXT fastProbe<>(SB), NOSPLIT|NOFRAME, $0
#ifdef GOOS_windows
	MOVQ CX, DX
#else
	MOVQ DI, DX
#endif
	MOVQ SP, fastProbeFrame_SP(DX)
	MOVQ $const_fastProbeMark, AX
	MOVQ AX, fastProbeFrame_Mark(DX)
	XORL AX, AX
	RET

// func fastProbeStub() uintptr
TEXT ·fastProbeStub(SB), NOSPLIT, $0-8
	MOVQ $fastProbe<>(SB), AX
	MOVQ AX, ret+0(FP)
	RET

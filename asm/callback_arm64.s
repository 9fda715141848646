#include "go_asm.h"
#include "textflag.h"

// FAST_SLOT(tp, slot, tmp) leaves in slot the address of the fastThreads slot of thread
// pointer tp.
#define FAST_SLOT(tp, slot, tmp) \
	MOVD $const_fastThreadHash, slot \
	MUL tp, slot \
	LSR $(64-const_fastThreadBits), slot \
	MOVD $·fastThreads(SB), tmp \
	ADD slot<<3, tmp, slot

// callbackEntry is the callback door: a C-ABI function of one argument (R0), the upcall
// frame. It saves the registers AAPCS64 wants a callee to preserve (x19-x28, d8-d15, the
// frame record) and runs cgocallback(callbackDispatchPC, frame, 0), which enters Go on the
// goroutine that made the C call (or on one the runtime attaches to a C-created thread) and
// calls the dispatcher; on a thread inside a Fast call it throws instead, since the runtime
// would find no system-call frame to return to. The ABI0 arguments of the calls start at
// 8(RSP), above the slot the callee saves the link register in.
TEXT callbackEntry<>(SB), NOSPLIT|NOFRAME, $0
	SUB $(8*24), RSP
	STP (R19, R20), (8*4)(RSP)
	STP (R21, R22), (8*6)(RSP)
	STP (R23, R24), (8*8)(RSP)
	STP (R25, R26), (8*10)(RSP)
	STP (R27, g), (8*12)(RSP)
	FSTPD (F8, F9), (8*14)(RSP)
	FSTPD (F10, F11), (8*16)(RSP)
	FSTPD (F12, F13), (8*18)(RSP)
	FSTPD (F14, F15), (8*20)(RSP)
	STP (R29, R30), (8*22)(RSP)
	MOVD R0, R19
	BL runtime·load_g(SB)
	MRS TPIDR_EL0, R1
	CBZ R1, enter
	FAST_SLOT(R1, R2, R3)
	MOVD (R2), R3
	CMP R1, R3
	BEQ fast
enter:
	MOVD ·callbackDispatchPC(SB), R1
	MOVD R1, (8*1)(RSP)
	MOVD R19, (8*2)(RSP)
	MOVD ZR, (8*3)(RSP)
	BL runtime·cgocallback(SB)
	LDP (8*4)(RSP), (R19, R20)
	LDP (8*6)(RSP), (R21, R22)
	LDP (8*8)(RSP), (R23, R24)
	LDP (8*10)(RSP), (R25, R26)
	LDP (8*12)(RSP), (R27, g)
	FLDPD (8*14)(RSP), (F8, F9)
	FLDPD (8*16)(RSP), (F10, F11)
	FLDPD (8*18)(RSP), (F12, F13)
	FLDPD (8*20)(RSP), (F14, F15)
	LDP (8*22)(RSP), (R29, R30)
	ADD $(8*24), RSP
	RET
fast:
	MOVD $·fastCallbackText(SB), R1
	MOVD 0(R1), R2
	MOVD R2, (8*1)(RSP)
	MOVD 8(R1), R2
	MOVD R2, (8*2)(RSP)
	BL runtime·throw(SB)
	UNDEF

// func CallbackEntryFunc() uintptr
TEXT ·CallbackEntryFunc(SB), NOSPLIT, $0-8
	MOVD $callbackEntry<>(SB), R0
	MOVD R0, ret+0(FP)
	RET

// fastMark is a C-ABI function of no arguments: 1 if the calling thread is marked as inside
// a Fast call, else 0.
TEXT fastMark<>(SB), NOSPLIT|NOFRAME, $0
	MRS TPIDR_EL0, R1
	CBZ R1, unmarked
	FAST_SLOT(R1, R2, R3)
	MOVD (R2), R3
	CMP R1, R3
	BNE unmarked
	MOVD $1, R0
	RET
unmarked:
	MOVD ZR, R0
	RET

// func FastMarkFunc() uintptr
TEXT ·FastMarkFunc(SB), NOSPLIT, $0-8
	MOVD $fastMark<>(SB), R0
	MOVD R0, ret+0(FP)
	RET

// func CallFast(frame unsafe.Pointer)
// Marks the thread as inside a Fast call (see fastThreads), calls asmcgocall(frame.Stub,
// frame), the runtime's switch to g0 and C-ABI call, through the address CheckFast found
// (the 1.27 linker refuses a direct reference), and clears the mark. Assembly functions are
// not preempted asynchronously, so the goroutine stays on its thread throughout. The ABI0
// outgoing arguments start at 8(RSP), above the saved link register: fn at 8, arg at 16
// and the int32 result at 24; the slot's address waits at 32.
TEXT ·CallFast(SB), NOSPLIT, $40-8
	MRS TPIDR_EL0, R3
	FAST_SLOT(R3, R4, R5)
	MOVD R3, (R4)
	MOVD R4, 32(RSP)
	MOVD frame+0(FP), R1
	MOVD Header_Stub(R1), R0
	MOVD R0, 8(RSP)
	MOVD R1, 16(RSP)
	MOVD ·asmcgocallPC(SB), R2
	CALL (R2)
	MOVD 32(RSP), R4
	MOVD ZR, (R4)
	RET

#include "go_asm.h"
#include "textflag.h"

// The calling thread's pointer, unique among live threads, in AX: on Windows the TEB's
// self pointer (gs:0x30), elsewhere the thread-control block's self pointer (fs:0), which
// the x86-64 ELF TLS ABI requires. Spelled in bytes: the Go assembler has no segment
// operands outside the runtime's TLS pseudo-register.
#ifdef GOOS_windows
#define THREAD_POINTER_AX BYTE $0x65; BYTE $0x48; BYTE $0x8B; BYTE $0x04; BYTE $0x25; LONG $0x30
#else
#define THREAD_POINTER_AX BYTE $0x64; BYTE $0x48; BYTE $0x8B; BYTE $0x04; BYTE $0x25; LONG $0
#endif

// FAST_SLOT_OF_AX leaves in DX the address of the fastThreads slot of thread pointer AX.
#define FAST_SLOT_OF_AX \
	MOVQ $const_fastThreadHash, DX \
	IMULQ AX, DX \
	SHRQ $(64-const_fastThreadBits), DX \
	SHLQ $3, DX \
	LEAQ ·fastThreads(SB), R8 \
	ADDQ R8, DX

// The registers the host C convention wants a callee to preserve and Go ABI0 code does
// not preserve, saved around the entry into Go: BX, BP, R12-R15, and on Windows also DI,
// SI, X6-X15 and the direction flag (cleared for Go). The frame argument stays in DI
// (SysV) or CX (Win64) until it is stored for cgocallback.
#ifdef GOOS_windows
#define HOST_SAVED_BYTES (8*8 + 10*16)
#define FRAME_ARG CX
#define PUSH_HOST_SAVED \
	PUSHFQ \
	CLD \
	ADJSP $HOST_SAVED_BYTES \
	MOVQ DI, 0(SP) \
	MOVQ SI, 8(SP) \
	MOVQ BP, 16(SP) \
	MOVQ BX, 24(SP) \
	MOVQ R12, 32(SP) \
	MOVQ R13, 40(SP) \
	MOVQ R14, 48(SP) \
	MOVQ R15, 56(SP) \
	MOVUPS X6, 64(SP) \
	MOVUPS X7, 80(SP) \
	MOVUPS X8, 96(SP) \
	MOVUPS X9, 112(SP) \
	MOVUPS X10, 128(SP) \
	MOVUPS X11, 144(SP) \
	MOVUPS X12, 160(SP) \
	MOVUPS X13, 176(SP) \
	MOVUPS X14, 192(SP) \
	MOVUPS X15, 208(SP)
#define POP_HOST_SAVED \
	MOVQ 0(SP), DI \
	MOVQ 8(SP), SI \
	MOVQ 16(SP), BP \
	MOVQ 24(SP), BX \
	MOVQ 32(SP), R12 \
	MOVQ 40(SP), R13 \
	MOVQ 48(SP), R14 \
	MOVQ 56(SP), R15 \
	MOVUPS 64(SP), X6 \
	MOVUPS 80(SP), X7 \
	MOVUPS 96(SP), X8 \
	MOVUPS 112(SP), X9 \
	MOVUPS 128(SP), X10 \
	MOVUPS 144(SP), X11 \
	MOVUPS 160(SP), X12 \
	MOVUPS 176(SP), X13 \
	MOVUPS 192(SP), X14 \
	MOVUPS 208(SP), X15 \
	ADJSP $-HOST_SAVED_BYTES \
	POPFQ
#else
#define HOST_SAVED_BYTES (6*8)
#define FRAME_ARG DI
#define PUSH_HOST_SAVED \
	ADJSP $HOST_SAVED_BYTES \
	MOVQ BP, 40(SP) \
	LEAQ 40(SP), BP \
	MOVQ BX, 0(SP) \
	MOVQ R12, 8(SP) \
	MOVQ R13, 16(SP) \
	MOVQ R14, 24(SP) \
	MOVQ R15, 32(SP)
#define POP_HOST_SAVED \
	MOVQ 0(SP), BX \
	MOVQ 8(SP), R12 \
	MOVQ 16(SP), R13 \
	MOVQ 24(SP), R14 \
	MOVQ 32(SP), R15 \
	MOVQ 40(SP), BP \
	ADJSP $-HOST_SAVED_BYTES
#endif

// callbackEntry is the callback door: a C-ABI function of one argument, the upcall frame.
// It runs cgocallback(callbackDispatchPC, frame, 0), which enters Go on the goroutine that
// made the C call (or on one the runtime attaches to a C-created thread) and calls the
// dispatcher; on a thread inside a Fast call it throws instead, since the runtime would
// find no system-call frame to return to.
TEXT callbackEntry<>(SB), NOSPLIT|NOFRAME, $0
	PUSH_HOST_SAVED
	THREAD_POINTER_AX
	TESTQ AX, AX
	JZ enter
	FAST_SLOT_OF_AX
	CMPQ AX, (DX)
	JEQ fast
enter:
	ADJSP $24
	MOVQ ·callbackDispatchPC(SB), AX
	MOVQ AX, 0(SP)
	MOVQ FRAME_ARG, 8(SP)
	MOVQ $0, 16(SP)
	CALL runtime·cgocallback(SB)
	ADJSP $-24
	POP_HOST_SAVED
	RET
fast:
	ADJSP $16
	MOVQ ·fastCallbackText+0(SB), AX
	MOVQ AX, 0(SP)
	MOVQ ·fastCallbackText+8(SB), AX
	MOVQ AX, 8(SP)
	CALL runtime·throw(SB)
	INT $3

// func CallbackEntryFunc() uintptr
TEXT ·CallbackEntryFunc(SB), NOSPLIT, $0-8
	MOVQ $callbackEntry<>(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// fastMark is a C-ABI function of no arguments: 1 if the calling thread is marked as inside
// a Fast call, else 0.
TEXT fastMark<>(SB), NOSPLIT|NOFRAME, $0
	THREAD_POINTER_AX
	TESTQ AX, AX
	JZ unmarked
	FAST_SLOT_OF_AX
	CMPQ AX, (DX)
	JNE unmarked
	MOVL $1, AX
	RET
unmarked:
	XORL AX, AX
	RET

// func FastMarkFunc() uintptr
TEXT ·FastMarkFunc(SB), NOSPLIT, $0-8
	MOVQ $fastMark<>(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// func CallFast(frame unsafe.Pointer)
// Marks the thread as inside a Fast call (see fastThreads), calls asmcgocall(frame.Stub,
// frame), the runtime's switch to g0 and C-ABI call, through the address CheckFast found
// (the 1.27 linker refuses a direct reference), and clears the mark. Assembly functions are
// not preempted asynchronously, so the goroutine stays on its thread throughout.
TEXT ·CallFast(SB), NOSPLIT, $32-8
	THREAD_POINTER_AX
	FAST_SLOT_OF_AX
	MOVQ AX, (DX)
	MOVQ DX, 24(SP)
	MOVQ frame+0(FP), BX
	MOVQ Header_Stub(BX), AX
	MOVQ AX, 0(SP)
	MOVQ BX, 8(SP)
	MOVQ ·asmcgocallPC(SB), AX
	CALL AX
	MOVQ 24(SP), DX
	MOVQ $0, (DX)
	RET

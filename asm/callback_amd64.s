#include "go_asm.h"
#include "textflag.h"

// The calling thread's pointer, unique among live threads, in AX: on Windows the TEB's
// self pointer (gs:0x30), elsewhere the thread-control block's self pointer (fs:0), which
// the x86-64 ELF TLS ABI requires. Spelled in bytes: the Go assembler has no segment
// operands outside the runtime's TLS pseudo-register.
// THREAD_POINTER_CX is the same into CX.
#ifdef GOOS_windows
#define THREAD_POINTER_AX BYTE $0x65; BYTE $0x48; BYTE $0x8B; BYTE $0x04; BYTE $0x25; LONG $0x30
#define THREAD_POINTER_CX BYTE $0x65; BYTE $0x48; BYTE $0x8B; BYTE $0x0C; BYTE $0x25; LONG $0x30
#else
#define THREAD_POINTER_AX BYTE $0x64; BYTE $0x48; BYTE $0x8B; BYTE $0x04; BYTE $0x25; LONG $0
#define THREAD_POINTER_CX BYTE $0x64; BYTE $0x48; BYTE $0x8B; BYTE $0x0C; BYTE $0x25; LONG $0
#endif

#define FAST_MASK ((1<<const_fastThreadBits)-1)

// FAST_HOME leaves in R9 the index of the owned slot that key CX hashes to in the
// fastTable at R8, and in DX that slot's address.
#define FAST_HOME \
	MOVQ fastTable_hash(R8), R9 \
	IMULQ CX, R9 \
	SHRQ $(64-const_fastThreadBits), R9 \
	LEAQ fastTable_slots(R8)(R9*8), DX

// FAST_MARK(slow) marks the thread of key CX in the fastTable at R8 (see fastTable) if
// the thread owns its hash slot, with one plain store, and jumps to slow otherwise, where
// FAST_MARK_SLOW(slow, marked) lies out of the way: it marks the thread through
// fastClaimSlow and jumps back to marked. Either way DX is then the marked slot's address
// and CX the value that clears the mark. Clobbers AX, R9-R12.
#define FAST_MARK(slow) \
	FAST_HOME \
	CMPQ CX, (DX) \
	JNE slow \
	LEAQ 1(CX), AX \
	MOVQ AX, (DX)

#define FAST_MARK_SLOW(slow, marked) \
slow: \
	CALL fastClaimSlow<>(SB) \
	JMP marked

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
	LEAQ ·fastThreads(SB), R8
	CALL fastFind<>(SB)
	TESTQ R11, R11
	JNZ fast
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
	LEAQ ·fastThreads(SB), R8
	CALL fastFind<>(SB)
	MOVQ R11, AX
	RET
unmarked:
	XORL AX, AX
	RET

// func FastMarkFunc() uintptr
TEXT ·FastMarkFunc(SB), NOSPLIT, $0-8
	MOVQ $fastMark<>(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// fastFind reports in R11 whether the thread of pointer AX is marked in the fastTable
// at R8: 1 if so, else 0. Clobbers AX, DX, R9, R10; leaves CX and DI (the callback door's
// frame argument) alone.
TEXT fastFind<>(SB), NOSPLIT|NOFRAME, $0
	ORQ $2, AX
	MOVQ fastTable_hash(R8), R9
	IMULQ AX, R9
	SHRQ $(64-const_fastThreadBits), R9
	MOVQ fastTable_probe(R8), R10
owned:
	MOVQ fastTable_slots(R8)(R9*8), R11
	MOVQ R11, DX
	ANDQ $-2, DX
	CMPQ DX, AX
	JEQ mine
	SUBQ $1, R10
	JCS spilled
	INCQ R9
	ANDQ $FAST_MASK, R9
	JMP owned
mine:
	ANDQ $1, R11
	RET
spilled:
	XORL R11, R11
	CMPQ fastTable_spilled(R8), $0
	JEQ done
	ORQ $1, AX
	XORL R9, R9
spill:
	CMPQ AX, fastTable_spill(R8)(R9*8)
	JEQ found
	INCQ R9
	CMPQ R9, $const_fastSpillSlots
	JNE spill
done:
	RET
found:
	MOVL $1, R11
	RET

// fastClaimSlow marks the thread of key CX in the fastTable at R8 when it does not own
// its hash slot R9: in the slot it owns further on, else in a free neighbour it claims
// for good, else in a spill slot it claims for this call (waiting while all are taken).
// Leaves in DX the marked slot's address and in CX the value that clears the mark: the
// key for an owned slot, 0 for a spill slot. Clobbers AX, R10-R12.
TEXT fastClaimSlow<>(SB), NOSPLIT|NOFRAME, $0
	LEAQ 1(CX), R12
	// Owned further on? Only this thread writes its own key, so a plain store marks it.
	MOVQ R9, R10
	MOVQ fastTable_probe(R8), R11
own:
	LEAQ fastTable_slots(R8)(R10*8), DX
	MOVQ (DX), AX
	ANDQ $-2, AX
	CMPQ AX, CX
	JEQ owned
	SUBQ $1, R11
	JCS claim
	INCQ R10
	ANDQ $FAST_MASK, R10
	JMP own
owned:
	MOVQ R12, (DX)
	RET
claim:
	// A free neighbour, claimed for good, already marked.
	XORL R11, R11
next:
	LEAQ (R9)(R11*1), R10
	ANDQ $FAST_MASK, R10
	LEAQ fastTable_slots(R8)(R10*8), DX
	XORL AX, AX
	LOCK
	CMPXCHGQ R12, (DX)
	JEQ raise
	INCQ R11
	CMPQ R11, $const_fastNeighbours
	JNE next
	// Every neighbour is owned: a spill slot, for this call only.
	MOVQ $1, fastTable_spilled(R8)
spill:
	XORL R11, R11
spillNext:
	LEAQ fastTable_spill(R8)(R11*8), DX
	XORL AX, AX
	LOCK
	CMPXCHGQ R12, (DX)
	JEQ spilled
	INCQ R11
	CMPQ R11, $const_fastSpillSlots
	JNE spillNext
	PAUSE
	JMP spill
spilled:
	XORL CX, CX
	RET
raise:
	// The door looks probe slots past the hash slot: at least this one's distance.
	MOVQ fastTable_probe(R8), AX
	CMPQ AX, R11
	JCC raised
	LOCK
	CMPXCHGQ R11, fastTable_probe(R8)
	JNE raise
raised:
	RET

// func fastClaim(t *fastTable, tp uintptr) (slot *uintptr, idle uintptr)
TEXT ·fastClaim(SB), NOSPLIT, $8-32
	MOVQ t+0(FP), R8
	MOVQ tp+8(FP), CX
	ORQ $2, CX
	FAST_MARK(slow)
marked:
	MOVQ DX, slot+16(FP)
	MOVQ CX, idle+24(FP)
	RET
	FAST_MARK_SLOW(slow, marked)

// func fastFound(t *fastTable, tp uintptr) bool
TEXT ·fastFound(SB), NOSPLIT, $8-17
	MOVQ t+0(FP), R8
	MOVQ tp+8(FP), AX
	CALL fastFind<>(SB)
	MOVB R11, ret+16(FP)
	RET

// func CallFast(frame unsafe.Pointer)
// Marks the thread as inside a Fast call (see fastTable), calls asmcgocall(frame.Stub,
// frame), the runtime's switch to g0 and C-ABI call, through the address CheckFast found
// (the 1.27 linker refuses a direct reference), and clears the mark. Assembly functions are
// not preempted asynchronously, so the goroutine stays on its thread throughout. The
// marked slot's address waits at 24(SP), the value that clears it at 32(SP).
TEXT ·CallFast(SB), NOSPLIT, $40-8
	THREAD_POINTER_CX
	ORQ $2, CX
	LEAQ ·fastThreads(SB), R8
	FAST_MARK(slow)
marked:
	MOVQ DX, 24(SP)
	MOVQ CX, 32(SP)
	MOVQ frame+0(FP), BX
	MOVQ Header_Stub(BX), AX
	MOVQ AX, 0(SP)
	MOVQ BX, 8(SP)
	MOVQ ·asmcgocallPC(SB), AX
	CALL AX
	MOVQ 24(SP), DX
	MOVQ 32(SP), CX
	MOVQ CX, (DX)
	RET
	FAST_MARK_SLOW(slow, marked)

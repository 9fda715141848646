#include "go_asm.h"
#include "textflag.h"

#define FAST_MASK ((1<<const_fastThreadBits)-1)

// FAST_HOME leaves in R10 the index of the owned slot that key R9 hashes to in the
// fastTable at R8, and in R11 that slot's address.
#define FAST_HOME \
	MOVD fastTable_hash(R8), R10 \
	MUL R9, R10 \
	LSR $(64-const_fastThreadBits), R10 \
	ADD $fastTable_slots, R8, R11 \
	ADD R10<<3, R11, R11

// FAST_MARK(slow) marks the thread of key R9 in the fastTable at R8 (see fastTable) if the
// thread owns its hash slot, with one plain store, and branches to slow otherwise, where
// FAST_MARK_SLOW(slow, marked) lies out of the way: it marks the thread through
// fastClaimSlow and branches back to marked. Either way R11 is then the marked slot's
// address and R9 the value that clears the mark. Clobbers R10, R12-R15 and the link
// register.
#define FAST_MARK(slow) \
	FAST_HOME \
	MOVD (R11), R12 \
	CMP R9, R12 \
	BNE slow \
	ORR $1, R9, R12 \
	MOVD R12, (R11)

#define FAST_MARK_SLOW(slow, marked) \
slow: \
	BL fastClaimSlow<>(SB) \
	B marked

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
	MRS TPIDR_EL0, R9
	CBZ R9, enter
	MOVD $·fastThreads(SB), R8
	BL fastFind<>(SB)
	CBNZ R11, fast
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
	MRS TPIDR_EL0, R9
	CBZ R9, unmarked
	MOVD R30, R15
	MOVD $·fastThreads(SB), R8
	BL fastFind<>(SB)
	MOVD R11, R0
	MOVD R15, R30
	RET
unmarked:
	MOVD ZR, R0
	RET

// func FastMarkFunc() uintptr
TEXT ·FastMarkFunc(SB), NOSPLIT, $0-8
	MOVD $fastMark<>(SB), R0
	MOVD R0, ret+0(FP)
	RET

// fastFind reports in R11 whether the thread of pointer R9 is marked in the fastTable at
// R8: 1 if so, else 0. Clobbers R9, R10, R12-R14; leaves R19 (the callback door's frame)
// and R15 alone.
TEXT fastFind<>(SB), NOSPLIT|NOFRAME, $0
	ORR $2, R9
	MOVD fastTable_hash(R8), R10
	MUL R9, R10
	LSR $(64-const_fastThreadBits), R10
	MOVD fastTable_probe(R8), R13
	ADD $fastTable_slots, R8, R14
owned:
	MOVD (R14)(R10<<3), R11
	AND $-2, R11, R12
	CMP R9, R12
	BEQ mine
	CBZ R13, spilled
	SUB $1, R13
	ADD $1, R10
	AND $FAST_MASK, R10
	B owned
mine:
	AND $1, R11
	RET
spilled:
	MOVD ZR, R11
	MOVD fastTable_spilled(R8), R12
	CBZ R12, done
	ORR $1, R9
	ADD $fastTable_spill, R8, R14
	MOVD ZR, R10
spill:
	MOVD (R14)(R10<<3), R12
	CMP R9, R12
	BEQ found
	ADD $1, R10
	CMP $const_fastSpillSlots, R10
	BNE spill
done:
	RET
found:
	MOVD $1, R11
	RET

// fastClaimSlow marks the thread of key R9 in the fastTable at R8 when it does not own its
// hash slot R10: in the slot it owns further on, else in a free neighbour it claims for
// good, else in a spill slot it claims for this call (waiting while all are taken); claims
// are load- and store-exclusive pairs. Leaves in R11 the marked slot's address and in R9
// the value that clears the mark: the key for an owned slot, 0 for a spill slot. Clobbers
// R12-R15.
TEXT fastClaimSlow<>(SB), NOSPLIT|NOFRAME, $0
	ORR $1, R9, R15
	// Owned further on? Only this thread writes its own key, so a plain store marks it.
	MOVD R10, R13
	MOVD fastTable_probe(R8), R14
own:
	ADD $fastTable_slots, R8, R11
	ADD R13<<3, R11, R11
	MOVD (R11), R12
	AND $-2, R12
	CMP R9, R12
	BEQ owned
	CBZ R14, claim
	SUB $1, R14
	ADD $1, R13
	AND $FAST_MASK, R13
	B own
owned:
	MOVD R15, (R11)
	RET
claim:
	// A free neighbour, claimed for good, already marked.
	MOVD ZR, R14
next:
	ADD R14, R10, R13
	AND $FAST_MASK, R13
	ADD $fastTable_slots, R8, R11
	ADD R13<<3, R11, R11
retry:
	LDXR (R11), R12
	CBNZ R12, taken
	STXR R15, (R11), R12
	CBNZ R12, retry
	// The door looks probe slots past the hash slot: at least this one's distance.
	ADD $fastTable_probe, R8, R13
raise:
	LDXR (R13), R12
	CMP R14, R12
	BHS raised
	STXR R14, (R13), R12
	CBNZ R12, raise
	RET
raised:
	CLREX
	RET
taken:
	CLREX
	ADD $1, R14
	CMP $const_fastNeighbours, R14
	BNE next
	// Every neighbour is owned: a spill slot, for this call only.
	MOVD $1, R12
	MOVD R12, fastTable_spilled(R8)
spill:
	MOVD ZR, R14
spillNext:
	ADD $fastTable_spill, R8, R11
	ADD R14<<3, R11, R11
spillRetry:
	LDXR (R11), R12
	CBNZ R12, spillTaken
	STXR R15, (R11), R12
	CBNZ R12, spillRetry
	MOVD ZR, R9
	RET
spillTaken:
	CLREX
	ADD $1, R14
	CMP $const_fastSpillSlots, R14
	BNE spillNext
	YIELD
	B spill

// func fastClaim(t *fastTable, tp uintptr) (slot *uintptr, idle uintptr)
TEXT ·fastClaim(SB), NOSPLIT, $16-32
	MOVD t+0(FP), R8
	MOVD tp+8(FP), R9
	ORR $2, R9
	FAST_MARK(slow)
marked:
	MOVD R11, slot+16(FP)
	MOVD R9, idle+24(FP)
	RET
	FAST_MARK_SLOW(slow, marked)

// func fastFound(t *fastTable, tp uintptr) bool
TEXT ·fastFound(SB), NOSPLIT, $16-17
	MOVD t+0(FP), R8
	MOVD tp+8(FP), R9
	BL fastFind<>(SB)
	MOVB R11, ret+16(FP)
	RET

// func CallFast(frame unsafe.Pointer)
// Marks the thread as inside a Fast call (see fastTable), calls asmcgocall(frame.Stub,
// frame), the runtime's switch to g0 and C-ABI call, through the address CheckFast found
// (the 1.27 linker refuses a direct reference), and clears the mark. Assembly functions are
// not preempted asynchronously, so the goroutine stays on its thread throughout. The ABI0
// outgoing arguments start at 8(RSP), above the saved link register: fn at 8, arg at 16
// and the int32 result at 24; the marked slot's address waits at 32, the value that clears
// it at 40.
TEXT ·CallFast(SB), NOSPLIT, $48-8
	MRS TPIDR_EL0, R9
	ORR $2, R9
	MOVD $·fastThreads(SB), R8
	FAST_MARK(slow)
marked:
	MOVD R11, 32(RSP)
	MOVD R9, 40(RSP)
	MOVD frame+0(FP), R1
	MOVD Header_Stub(R1), R0
	MOVD R0, 8(RSP)
	MOVD R1, 16(RSP)
	MOVD ·asmcgocallPC(SB), R2
	CALL (R2)
	MOVD 32(RSP), R4
	MOVD 40(RSP), R5
	MOVD R5, (R4)
	RET
	FAST_MARK_SLOW(slow, marked)

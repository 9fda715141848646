//go:build !windows

#include "textflag.h"

// CTR_EL0 fields: log2 of the smallest data and instruction cache line, in 4-byte words.
#define CTR_DMINLINE_SHIFT 16
#define CTR_MINLINE_BITS 4
#define CTR_IMINLINE_MASK 15
#define CTR_WORD 4
// Barrier options: inner shareable (every core of the system), and full system.
#define BARRIER_ISH 11
#define BARRIER_SY 15
// IC IVAU as the generic SYS instruction (op1 3, CRn 7, CRm 5, op2 1, at their bit
// positions), which the Go assembler does not name.
#define SYS_IC_IVAU 0x37520

// func flushCache(addr, size uintptr)
// Makes code written at [addr, addr+size) visible to instruction fetch on every core: the
// data cache is cleaned to the point of unification line by line, the instruction cache
// invalidated line by line, each pass completed by a dsb, and an isb discards anything
// this core already fetched.
TEXT ·flushCache(SB), NOSPLIT|NOFRAME, $0-16
	MOVD addr+0(FP), R0
	MOVD size+8(FP), R1
	CBZ  R1, done
	ADD  R0, R1, R1 // end
	MRS  CTR_EL0, R2

	UBFX $CTR_DMINLINE_SHIFT, R2, $CTR_MINLINE_BITS, R3
	MOVD $CTR_WORD, R4
	LSL  R3, R4, R3 // data line size in bytes
	SUB  $1, R3, R5
	BIC  R5, R0, R6 // first line
dline:
	DC   CVAU, R6
	ADD  R3, R6, R6
	CMP  R1, R6
	BLO  dline
	DSB  $BARRIER_ISH

	AND  $CTR_IMINLINE_MASK, R2, R3
	MOVD $CTR_WORD, R4
	LSL  R3, R4, R3 // instruction line size in bytes
	SUB  $1, R3, R5
	BIC  R5, R0, R6
iline:
	SYS  $SYS_IC_IVAU, R6
	ADD  R3, R6, R6
	CMP  R1, R6
	BLO  iline
	DSB  $BARRIER_ISH
	ISB  $BARRIER_SY
done:
	RET

// func cacheTypeRegister() uint64
TEXT ·cacheTypeRegister(SB), NOSPLIT|NOFRAME, $0-8
	MRS  CTR_EL0, R0
	MOVD R0, ret+0(FP)
	RET

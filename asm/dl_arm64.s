//go:build !cgo && linux

#include "go_asm.h"
#include "textflag.h"

// dlDoor is the dl door, a C-ABI function of one argument, a *dlFrame (see dl_nocgo.go):
// it clears dlerror, runs the frame's dlopen, dlsym or dlclose, and on failure copies
// dlerror's text into the frame, all on the calling thread, whose dlerror state it is.
TEXT dlDoor<>(SB), NOSPLIT|NOFRAME, $0
	SUB  $32, RSP
	STP  (R29, R30), 0(RSP)
	MOVD RSP, R29
	MOVD R19, 16(RSP)
	MOVD R0, R19
	CALL jitffi_asm_dlerror(SB)
	MOVD dlFrame_op(R19), R0
	CMP  $const_dlOpOpen, R0
	BEQ  open
	CMP  $const_dlOpSym, R0
	BEQ  sym
	MOVD dlFrame_a(R19), R0
	CALL jitffi_asm_dlclose(SB)
	MOVW R0, R0                       // sign-extend the int
	MOVD R0, dlFrame_result(R19)
	CBNZ R0, failed
	B    done

open:
	MOVD dlFrame_a(R19), R0
	MOVD dlFrame_b(R19), R1
	CALL jitffi_asm_dlopen(SB)
	MOVD R0, dlFrame_result(R19)
	CBZ  R0, failed
	B    done

sym:
	MOVD dlFrame_a(R19), R0
	MOVD dlFrame_b(R19), R1
	CALL jitffi_asm_dlsym(SB)
	MOVD R0, dlFrame_result(R19)
	CBNZ R0, done

	// A NULL address: dlerror says whether that is a failure or the symbol's value.
failed:
	CALL jitffi_asm_dlerror(SB)
	CBZ  R0, done
	MOVD $1, R1
	MOVD R1, dlFrame_failed(R19)
	MOVD ZR, R2
	ADD  $dlFrame_err, R19, R3

copy:
	MOVBU (R0)(R2), R4
	CBZW  R4, copied
	CMP   $const_dlErrBytes, R2
	BHS   cut
	MOVB  R4, (R3)(R2)
	ADD   $1, R2
	B     copy

cut:
	MOVD $1, R1
	MOVD R1, dlFrame_cut(R19)

copied:
	MOVD R2, dlFrame_errLen(R19)

done:
	MOVD 16(RSP), R19
	LDP  0(RSP), (R29, R30)
	ADD  $32, RSP
	RET

// func dlDoorFunc() uintptr
TEXT ·dlDoorFunc(SB), NOSPLIT, $0-8
	MOVD $dlDoor<>(SB), R0
	MOVD R0, ret+0(FP)
	RET

// errnoLocation is a C-ABI function without arguments that returns the address of the
// calling thread's errno: the C library's __errno_location, reached through the PLT.
TEXT errnoLocation<>(SB), NOSPLIT|NOFRAME, $0
	JMP jitffi_asm___errno_location(SB)

// func ErrnoLocationFunc() uintptr
TEXT ·ErrnoLocationFunc(SB), NOSPLIT, $0-8
	MOVD $errnoLocation<>(SB), R0
	MOVD R0, ret+0(FP)
	RET

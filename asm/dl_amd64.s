//go:build !cgo && linux

#include "go_asm.h"
#include "textflag.h"

// dlDoor is the dl door, a C-ABI function of one argument, a *dlFrame (see dl_nocgo.go):
// it clears dlerror, runs the frame's dlopen, dlsym or dlclose, and on failure copies
// dlerror's text into the frame, all on the calling thread, whose dlerror state it is.
TEXT dlDoor<>(SB), NOSPLIT|NOFRAME, $0
	PUSHQ BX
	MOVQ  DI, BX
	CALL  jitffi_asm_dlerror(SB)
	MOVQ  dlFrame_op(BX), AX
	CMPQ  AX, $const_dlOpOpen
	JEQ   open
	CMPQ  AX, $const_dlOpSym
	JEQ   sym
	MOVQ  dlFrame_a(BX), DI
	CALL  jitffi_asm_dlclose(SB)
	MOVLQSX AX, AX
	MOVQ  AX, dlFrame_result(BX)
	TESTQ AX, AX
	JNZ   failed
	JMP   done

open:
	MOVQ  dlFrame_a(BX), DI
	MOVQ  dlFrame_b(BX), SI
	CALL  jitffi_asm_dlopen(SB)
	MOVQ  AX, dlFrame_result(BX)
	TESTQ AX, AX
	JZ    failed
	JMP   done

sym:
	MOVQ  dlFrame_a(BX), DI
	MOVQ  dlFrame_b(BX), SI
	CALL  jitffi_asm_dlsym(SB)
	MOVQ  AX, dlFrame_result(BX)
	TESTQ AX, AX
	JNZ   done

	// A NULL address: dlerror says whether that is a failure or the symbol's value.
failed:
	CALL  jitffi_asm_dlerror(SB)
	TESTQ AX, AX
	JZ    done
	MOVQ  $1, dlFrame_failed(BX)
	XORL  CX, CX

copy:
	MOVBLZX (AX)(CX*1), DX
	TESTB DL, DL
	JZ    copied
	CMPQ  CX, $const_dlErrBytes
	JAE   cut
	MOVB  DL, dlFrame_err(BX)(CX*1)
	INCQ  CX
	JMP   copy

cut:
	MOVQ $1, dlFrame_cut(BX)

copied:
	MOVQ CX, dlFrame_errLen(BX)

done:
	POPQ BX
	RET

// func dlDoorFunc() uintptr
TEXT ·dlDoorFunc(SB), NOSPLIT, $0-8
	MOVQ $dlDoor<>(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// errnoLocation is a C-ABI function without arguments that returns the address of the
// calling thread's errno: the C library's __errno_location, reached through the PLT.
TEXT errnoLocation<>(SB), NOSPLIT|NOFRAME, $0
	JMP jitffi_asm___errno_location(SB)

// func ErrnoLocationFunc() uintptr
TEXT ·ErrnoLocationFunc(SB), NOSPLIT, $0-8
	MOVQ $errnoLocation<>(SB), AX
	MOVQ AX, ret+0(FP)
	RET

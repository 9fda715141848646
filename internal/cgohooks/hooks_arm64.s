//go:build !cgo && linux && !jitffi_nocgohooks

#include "go_asm.h"
#include "textflag.h"

// Every hook is a C-ABI function (AAPCS64): arguments in R0-R7, result in R0; R19-R29 and
// the low halves of F8-F15 preserved; the stack pointer 16-byte aligned at all times. Each
// saves the frame record (R29, R30) and the callee-saved registers it keeps values in at
// the bottom of a frame it sizes from the constants in hooks.go. Symbols are reached
// through their address in an ordinary register, never by a load from sym(SB), which
// would go through the assembler's scratch register R27, one C expects preserved.

// The runtime's hook variables and the syscall package's credential hooks, defined with
// values here; the runtime and syscall declare them without one (see hooks.go).
DATA _cgo_init+0(SB)/8, $cgoInitHook<>(SB)
GLOBL _cgo_init(SB), NOPTR, $8
DATA _cgo_thread_start+0(SB)/8, $threadStartHook<>(SB)
GLOBL _cgo_thread_start(SB), NOPTR, $8
DATA _cgo_notify_runtime_init_done+0(SB)/8, $notifyInitDoneHook<>(SB)
GLOBL _cgo_notify_runtime_init_done(SB), NOPTR, $8
DATA _cgo_pthread_key_created+0(SB)/8, $·keyCreated(SB)
GLOBL _cgo_pthread_key_created(SB), NOPTR, $8
DATA _cgo_bindm+0(SB)/8, $bindMHook<>(SB)
GLOBL _cgo_bindm(SB), NOPTR, $8
DATA _cgo_getstackbound+0(SB)/8, $getStackBoundHook<>(SB)
GLOBL _cgo_getstackbound(SB), NOPTR, $8
DATA runtime·_cgo_setenv+0(SB)/8, $setenvHook<>(SB)
GLOBL runtime·_cgo_setenv(SB), NOPTR, $8
DATA runtime·_cgo_unsetenv+0(SB)/8, $unsetenvHook<>(SB)
GLOBL runtime·_cgo_unsetenv(SB), NOPTR, $8
DATA syscall·cgo_libc_setegid+0(SB)/8, $setegidHook<>(SB)
GLOBL syscall·cgo_libc_setegid(SB), NOPTR, $8
DATA syscall·cgo_libc_seteuid+0(SB)/8, $seteuidHook<>(SB)
GLOBL syscall·cgo_libc_seteuid(SB), NOPTR, $8
DATA syscall·cgo_libc_setgid+0(SB)/8, $setgidHook<>(SB)
GLOBL syscall·cgo_libc_setgid(SB), NOPTR, $8
DATA syscall·cgo_libc_setuid+0(SB)/8, $setuidHook<>(SB)
GLOBL syscall·cgo_libc_setuid(SB), NOPTR, $8
DATA syscall·cgo_libc_setregid+0(SB)/8, $setregidHook<>(SB)
GLOBL syscall·cgo_libc_setregid(SB), NOPTR, $8
DATA syscall·cgo_libc_setreuid+0(SB)/8, $setreuidHook<>(SB)
GLOBL syscall·cgo_libc_setreuid(SB), NOPTR, $8
DATA syscall·cgo_libc_setresgid+0(SB)/8, $setresgidHook<>(SB)
GLOBL syscall·cgo_libc_setresgid(SB), NOPTR, $8
DATA syscall·cgo_libc_setresuid+0(SB)/8, $setresuidHook<>(SB)
GLOBL syscall·cgo_libc_setresuid(SB), NOPTR, $8
DATA syscall·cgo_libc_setgroups+0(SB)/8, $setgroupsHook<>(SB)
GLOBL syscall·cgo_libc_setgroups(SB), NOPTR, $8

// void cgoInitHook(G *g0, void (*setg)(G*), void **tlsg, void **tlsbase)
// rt0_go calls it on the main thread's stack before anything else in the runtime runs.
// It keeps setg for new threads and lowers g0's stack.lo to the thread's real stack bound
// (the runtime assumed 64 KiB below its entry). Its being set, with iscgo, makes the
// runtime keep g in the C library's thread-local storage (TPIDR_EL0), where C-created
// threads and the callback door find it.
TEXT cgoInitHook<>(SB), NOSPLIT|NOFRAME, $0
	SUB  $48, RSP
	STP  (R29, R30), 0(RSP)
	MOVD RSP, R29
	MOVD R19, 16(RSP)
	MOVD R0, R19                      // g0
	MOVD $·setgGCC(SB), R2
	MOVD R1, (R2)
	ADD  $32, RSP, R0                 // bounds[2]
	CALL getStackBoundHook<>(SB)
	MOVD 32(RSP), R0                  // the thread's lowest stack address, 0 if unknown
	MOVD stackBounds_hi(R19), R1
	MOVD $·initStackLo(SB), R2
	MOVD R0, (R2)
	MOVD $·initStackHi(SB), R2
	MOVD R1, (R2)
	CBZ  R0, initDone                 // unknown: keep the runtime's estimate
	CMP  R1, R0
	BHS  badBounds
	MOVD R0, stackBounds_lo(R19)

initDone:
	MOVD 16(RSP), R19
	LDP  0(RSP), (R29, R30)
	ADD  $48, RSP
	RET

badBounds:
	MOVD R1, R3
	MOVD R0, R2
	MOVD $·badStackBounds(SB), R1
	MOVD (R1), R1
	MOVD $const_stderrFD, R0
	CALL jitffi_cgohooks_dprintf(SB)
	CALL jitffi_cgohooks_abort(SB)
	UNDEF

// void getStackBoundHook(uintptr bounds[2])
// Sets bounds to the calling thread's stack [lo, hi), or to zeros when the C library
// cannot tell. The runtime calls it (_cgo_getstackbound) when a thread C created enters
// Go, to learn the stack its extra M's g0 runs on.
#define GSB_ATTR 32
#define GSB_ADDR (GSB_ATTR+const_attrBytes)
#define GSB_SIZE (GSB_ADDR+8)
#define GSB_FRAME (GSB_SIZE+8)
TEXT getStackBoundHook<>(SB), NOSPLIT|NOFRAME, $0
	SUB  $GSB_FRAME, RSP
	STP  (R29, R30), 0(RSP)
	MOVD RSP, R29
	MOVD R19, 16(RSP)
	MOVD R0, R19
	MOVD ZR, 0(R19)
	MOVD ZR, 8(R19)

	// As runtime/cgo: pthread_attr_init first, since glibc before 2.32 did not always
	// initialise the attributes in pthread_getattr_np.
	ADD   $GSB_ATTR, RSP, R0
	CALL  jitffi_cgohooks_pthread_attr_init(SB)
	CALL  jitffi_cgohooks_pthread_self(SB)
	ADD   $GSB_ATTR, RSP, R1
	CALL  jitffi_cgohooks_pthread_getattr_np(SB)
	CBNZW R0, gsbDestroy
	ADD   $GSB_ATTR, RSP, R0
	ADD   $GSB_ADDR, RSP, R1
	ADD   $GSB_SIZE, RSP, R2
	CALL  jitffi_cgohooks_pthread_attr_getstack(SB)
	CBNZW R0, gsbDestroy
	MOVD  GSB_ADDR(RSP), R0
	MOVD  R0, 0(R19)
	MOVD  GSB_SIZE(RSP), R1
	ADD   R1, R0, R0
	MOVD  R0, 8(R19)

gsbDestroy:
	ADD  $GSB_ATTR, RSP, R0
	CALL jitffi_cgohooks_pthread_attr_destroy(SB)
	MOVD 16(RSP), R19
	LDP  0(RSP), (R29, R30)
	ADD  $GSB_FRAME, RSP
	RET

// void threadStartHook(ThreadStart *ts)
// The runtime's way to start a thread for a new M when iscgo is set (newm1, through
// asmcgocall on a g0 stack). Copies the record, which lives on the caller's stack, into
// malloc'ed memory the new thread frees; starts a detached pthread with every signal
// blocked (minit unblocks them once the M can handle them) running threadEntry; tells the
// runtime the thread's stack size through g0's stack.hi, leaving stack.lo 0 so that
// mstart takes its bounds from where it runs.
#define TS_IGN 48
#define TS_OLD (TS_IGN+const_sigsetBytes)
#define TS_ATTR (TS_OLD+const_sigsetBytes)
#define TS_THREAD (TS_ATTR+const_attrBytes)
#define TS_SIZE (TS_THREAD+8)
#define TS_SLEEP (TS_SIZE+8)
#define TS_FRAME (TS_SLEEP+16)
TEXT threadStartHook<>(SB), NOSPLIT|NOFRAME, $0
	SUB  $TS_FRAME, RSP
	STP  (R29, R30), 0(RSP)
	MOVD RSP, R29
	STP  (R19, R20), 16(RSP)
	STP  (R21, R22), 32(RSP)
	MOVD R0, R20                      // the runtime's record
	MOVD $threadStart__size, R0
	CALL jitffi_cgohooks_malloc(SB)
	CBZ  R0, tsOutOfMemory
	MOVD R0, R19                      // the copy the new thread owns
	MOVD threadStart_g(R20), R1
	MOVD R1, threadStart_g(R19)
	MOVD threadStart_tls(R20), R1
	MOVD R1, threadStart_tls(R19)
	MOVD threadStart_fn(R20), R1
	MOVD R1, threadStart_fn(R19)
	MOVD $·lastThreadFn(SB), R2
	MOVD R1, (R2)
	MOVD $·threadsStarted(SB), R2
tsCount:
	LDAXR (R2), R1
	ADD   $1, R1
	STLXR R1, (R2), R3
	CBNZW R3, tsCount

	ADD  $TS_IGN, RSP, R0
	CALL jitffi_cgohooks_sigfillset(SB)
	MOVD $const_sigSetmask, R0
	ADD  $TS_IGN, RSP, R1
	ADD  $TS_OLD, RSP, R2
	CALL jitffi_cgohooks_pthread_sigmask(SB)

	ADD  $TS_ATTR, RSP, R0
	CALL jitffi_cgohooks_pthread_attr_init(SB)
	ADD  $TS_ATTR, RSP, R0
	MOVD $const_pthreadCreateDetached, R1
	CALL jitffi_cgohooks_pthread_attr_setdetachstate(SB)
	ADD  $TS_ATTR, RSP, R0
	ADD  $TS_SIZE, RSP, R1
	CALL jitffi_cgohooks_pthread_attr_getstacksize(SB)
	MOVD threadStart_g(R19), R0
	MOVD TS_SIZE(RSP), R1
	MOVD R1, stackBounds_hi(R0)

	MOVD ZR, R21                      // tries so far
tsCreate:
	ADD  $TS_THREAD, RSP, R0
	ADD  $TS_ATTR, RSP, R1
	MOVD $threadEntry<>(SB), R2
	MOVD R19, R3
	CALL jitffi_cgohooks_pthread_create(SB)
	CBZW R0, tsCreated
	CMPW $const_errEAGAIN, R0
	BNE  tsCreated                    // a hard error: reported below
	ADD  $1, R21
	CMP  $const_threadStartTries, R21
	BGE  tsCreated
	MOVD ZR, TS_SLEEP(RSP)            // tv_sec
	MOVD $const_nanosPerMilli, R1
	MUL  R21, R1, R1
	MOVD R1, (TS_SLEEP+8)(RSP)        // tv_nsec: one more millisecond each try
	ADD  $TS_SLEEP, RSP, R0
	MOVD ZR, R1
	CALL jitffi_cgohooks_nanosleep(SB)
	B    tsCreate

tsCreated:
	MOVW R0, R20                      // pthread_create's result
	MOVD $const_sigSetmask, R0
	ADD  $TS_OLD, RSP, R1
	MOVD ZR, R2
	CALL jitffi_cgohooks_pthread_sigmask(SB)
	ADD  $TS_ATTR, RSP, R0
	CALL jitffi_cgohooks_pthread_attr_destroy(SB)
	CBNZW R20, tsFailed
	LDP  16(RSP), (R19, R20)
	LDP  32(RSP), (R21, R22)
	LDP  0(RSP), (R29, R30)
	ADD  $TS_FRAME, RSP
	RET

tsFailed:
	MOVW R20, R0
	CALL jitffi_cgohooks_strerror(SB)
	MOVD R0, R2
	MOVD $·threadCreateFailed(SB), R1
	MOVD (R1), R1
	MOVD $const_stderrFD, R0
	CALL jitffi_cgohooks_dprintf(SB)
	CALL jitffi_cgohooks_abort(SB)
	UNDEF

tsOutOfMemory:
	MOVD $·threadOutOfMemory(SB), R1
	MOVD (R1), R1
	MOVD $const_stderrFD, R0
	CALL jitffi_cgohooks_dprintf(SB)
	CALL jitffi_cgohooks_abort(SB)
	UNDEF

// void *threadEntry(ThreadStart *ts)
// A new thread's start routine. Frees the record, makes ts->g (the M's g0) the thread's g
// through the runtime's setg_gcc and runs ts->fn, runtime.mstart. mstart returns only when
// the runtime ends the M (a goroutine that locked its thread exited): the pthread then
// returns, and the C library frees the stack the M ran on. Every register C expects
// preserved, the frame record included, is saved on entry and restored from the stack
// pointer, which mstart returns intact, unlike R29.
TEXT threadEntry<>(SB), NOSPLIT|NOFRAME, $0
	SUB   $160, RSP
	STP   (R29, R30), 0(RSP)
	MOVD  RSP, R29
	STP   (R19, R20), 16(RSP)
	STP   (R21, R22), 32(RSP)
	STP   (R23, R24), 48(RSP)
	STP   (R25, R26), 64(RSP)
	STP   (R27, g), 80(RSP)
	FSTPD (F8, F9), 96(RSP)
	FSTPD (F10, F11), 112(RSP)
	FSTPD (F12, F13), 128(RSP)
	FSTPD (F14, F15), 144(RSP)
	MOVD  R0, R19
	MOVD  threadStart_g(R19), R20
	MOVD  threadStart_fn(R19), R21
	MOVD  R19, R0
	CALL  jitffi_cgohooks_free(SB)
	MOVD  R20, R0
	MOVD  $·setgGCC(SB), R1
	MOVD  (R1), R1
	CALL  (R1)
	CALL  (R21)
	LDP   16(RSP), (R19, R20)
	LDP   32(RSP), (R21, R22)
	LDP   48(RSP), (R23, R24)
	LDP   64(RSP), (R25, R26)
	LDP   80(RSP), (R27, g)
	FLDPD 96(RSP), (F8, F9)
	FLDPD 112(RSP), (F10, F11)
	FLDPD 128(RSP), (F12, F13)
	FLDPD 144(RSP), (F14, F15)
	LDP   0(RSP), (R29, R30)
	ADD   $160, RSP
	MOVD  ZR, R0
	RET

// void notifyInitDoneHook(void *unused)
// runtime.main calls it once the runtime is initialised, through cgocall. It creates the
// pthread key that binds an extra M to each C-created thread that calls into Go, and
// whose destructor returns the M when the thread exits; once keyCreated is 1 the runtime
// uses it (runtime/cgo creates the key when a C thread first waits for initialisation).
TEXT notifyInitDoneHook<>(SB), NOSPLIT|NOFRAME, $0
	SUB   $16, RSP
	STP   (R29, R30), 0(RSP)
	MOVD  RSP, R29
	MOVD  $·threadKey(SB), R0
	MOVD  $keyDestructor<>(SB), R1
	CALL  jitffi_cgohooks_pthread_key_create(SB)
	CBNZW R0, notifyDone
	MOVD  $·keyCreated(SB), R1
	MOVD  $1, R2
	MOVD  R2, (R1)

notifyDone:
	LDP 0(RSP), (R29, R30)
	ADD $16, RSP
	RET

// void bindMHook(G *g)
// Stores the g of a C-created thread's extra M as the thread's value of the key
// (_cgo_bindm, called once per thread from needAndBindM).
TEXT bindMHook<>(SB), NOSPLIT|NOFRAME, $0
	MOVD  R0, R1
	MOVD  $·threadKey(SB), R0
	MOVWU (R0), R0
	JMP   jitffi_cgohooks_pthread_setspecific(SB)

// void keyDestructor(G *g)
// The key's destructor, run by the C library as a bound C thread exits: calls
// runtime.cgocallback(nil, g, 0), which restores g and returns its extra M (dropm), as
// runtime/cgo's destructor does through crosscall2. It saves the registers C expects
// preserved, which Go code does not. The ABI0 arguments start at 8(RSP), above the slot
// the callee saves the link register in.
TEXT keyDestructor<>(SB), NOSPLIT|NOFRAME, $0
	SUB   $(8*24), RSP
	STP   (R29, R30), (8*22)(RSP)
	STP   (R19, R20), (8*4)(RSP)
	STP   (R21, R22), (8*6)(RSP)
	STP   (R23, R24), (8*8)(RSP)
	STP   (R25, R26), (8*10)(RSP)
	STP   (R27, g), (8*12)(RSP)
	FSTPD (F8, F9), (8*14)(RSP)
	FSTPD (F10, F11), (8*16)(RSP)
	FSTPD (F12, F13), (8*18)(RSP)
	FSTPD (F14, F15), (8*20)(RSP)
	MOVD  ZR, (8*1)(RSP)              // fn: none, drop the M
	MOVD  R0, (8*2)(RSP)              // frame: the thread's g
	MOVD  ZR, (8*3)(RSP)              // ctxt
	CALL  runtime·cgocallback(SB)
	LDP   (8*4)(RSP), (R19, R20)
	LDP   (8*6)(RSP), (R21, R22)
	LDP   (8*8)(RSP), (R23, R24)
	LDP   (8*10)(RSP), (R25, R26)
	LDP   (8*12)(RSP), (R27, g)
	FLDPD (8*14)(RSP), (F8, F9)
	FLDPD (8*16)(RSP), (F10, F11)
	FLDPD (8*18)(RSP), (F12, F13)
	FLDPD (8*20)(RSP), (F14, F15)
	LDP   (8*22)(RSP), (R29, R30)
	ADD   $(8*24), RSP
	RET

// void setenvHook(char **kv), void unsetenvHook(char **k)
// os.Setenv and os.Unsetenv call them through asmcgocall, so that C's getenv sees what Go
// sets.
TEXT setenvHook<>(SB), NOSPLIT|NOFRAME, $0
	MOVD 8(R0), R1
	MOVD 0(R0), R0
	MOVD $1, R2                       // overwrite
	JMP  jitffi_cgohooks_setenv(SB)

TEXT unsetenvHook<>(SB), NOSPLIT|NOFRAME, $0
	MOVD 0(R0), R0
	JMP  jitffi_cgohooks_unsetenv(SB)

// The credential hooks: void xHook(argset *a) calls the C library's x with a->args and
// stores its result in a->retval, or errno when it returns -1, as runtime/cgo's
// linux_syscall.c does. The C library runs the change on every thread of the process
// (glibc's SIGSETXID), which is why syscall.Setuid and its relatives go through it.
#define CREDENTIAL_HOOK_BEGIN \
	SUB  $32, RSP \
	STP  (R29, R30), 0(RSP) \
	MOVD RSP, R29 \
	MOVD R19, 16(RSP) \
	MOVD R0, R19 \
	MOVD argset_args(R19), R9

#define CREDENTIAL_HOOK_END(fn) \
	CALL fn(SB) \
	MOVD R0, R1 \
	MOVD R19, R0 \
	CALL credentialResult<>(SB) \
	MOVD 16(RSP), R19 \
	LDP  0(RSP), (R29, R30) \
	ADD  $32, RSP \
	RET

TEXT setegidHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVD 0(R9), R0
	CREDENTIAL_HOOK_END(jitffi_cgohooks_setegid)

TEXT seteuidHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVD 0(R9), R0
	CREDENTIAL_HOOK_END(jitffi_cgohooks_seteuid)

TEXT setgidHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVD 0(R9), R0
	CREDENTIAL_HOOK_END(jitffi_cgohooks_setgid)

TEXT setuidHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVD 0(R9), R0
	CREDENTIAL_HOOK_END(jitffi_cgohooks_setuid)

TEXT setregidHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVD 0(R9), R0
	MOVD 8(R9), R1
	CREDENTIAL_HOOK_END(jitffi_cgohooks_setregid)

TEXT setreuidHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVD 0(R9), R0
	MOVD 8(R9), R1
	CREDENTIAL_HOOK_END(jitffi_cgohooks_setreuid)

TEXT setresgidHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVD 0(R9), R0
	MOVD 8(R9), R1
	MOVD 16(R9), R2
	CREDENTIAL_HOOK_END(jitffi_cgohooks_setresgid)

TEXT setresuidHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVD 0(R9), R0
	MOVD 8(R9), R1
	MOVD 16(R9), R2
	CREDENTIAL_HOOK_END(jitffi_cgohooks_setresuid)

TEXT setgroupsHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVD 0(R9), R0
	MOVD 8(R9), R1
	CREDENTIAL_HOOK_END(jitffi_cgohooks_setgroups)

// void credentialResult(argset *a, int r): a->retval = r == -1 ? errno : (uintptr)r.
TEXT credentialResult<>(SB), NOSPLIT|NOFRAME, $0
	SUB  $32, RSP
	STP  (R29, R30), 0(RSP)
	MOVD RSP, R29
	MOVD R19, 16(RSP)
	MOVD R0, R19
	MOVW R1, R0                       // sign-extend the int
	CMN  $1, R0
	BNE  credentialStore
	CALL jitffi_cgohooks___errno_location(SB)
	MOVW (R0), R0

credentialStore:
	MOVD R0, argset_retval(R19)
	MOVD 16(RSP), R19
	LDP  0(RSP), (R29, R30)
	ADD  $32, RSP
	RET

// func goroutineStack() (lo, hi, sp uintptr)
// Returns the first two words of the calling goroutine's g and the stack pointer, which
// must lie between them if the g still starts with its stack bounds.
TEXT ·goroutineStack(SB), NOSPLIT, $0-24
	MOVD stackBounds_lo(g), R0
	MOVD R0, lo+0(FP)
	MOVD stackBounds_hi(g), R0
	MOVD R0, hi+8(FP)
	MOVD RSP, R0
	MOVD R0, sp+16(FP)
	RET

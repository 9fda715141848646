//go:build !cgo && linux && !jitffi_nocgohooks

#include "go_asm.h"
#include "textflag.h"

// Every hook is a C-ABI function (System V): arguments in DI, SI, DX, CX; BX, BP and R12-R15
// preserved; the stack 16-byte aligned at each call, so 8 bytes off on entry. Each keeps
// what it needs across its calls into the C library in callee-saved registers it saves
// first, and its C objects in a frame it sizes from the constants in hooks.go.

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
// (the runtime assumed 64 KiB below its entry). Its being set also keeps the runtime from
// pointing FS at a TLS block of its own: FS stays the C library's, which has room for the
// Go runtime's g slot in the executable's TLS segment.
TEXT cgoInitHook<>(SB), NOSPLIT|NOFRAME, $0
	PUSHQ BX
	ADJSP $16                         // bounds[2]
	MOVQ  DI, BX                      // g0
	MOVQ  SI, ·setgGCC(SB)
	MOVQ  SP, DI
	CALL  getStackBoundHook<>(SB)
	MOVQ  0(SP), AX                   // the thread's lowest stack address, 0 if unknown
	MOVQ  stackBounds_hi(BX), CX
	MOVQ  AX, ·initStackLo(SB)
	MOVQ  CX, ·initStackHi(SB)
	TESTQ AX, AX
	JZ    initDone                    // unknown: keep the runtime's estimate
	CMPQ  AX, CX
	JAE   badBounds
	MOVQ  AX, stackBounds_lo(BX)

initDone:
	ADJSP $-16
	POPQ  BX
	RET

badBounds:
	MOVL $const_stderrFD, DI
	MOVQ ·badStackBounds(SB), SI
	MOVQ AX, DX
	XORL AX, AX                       // no vector arguments to the variadic function
	CALL jitffi_cgohooks_dprintf(SB)
	CALL jitffi_cgohooks_abort(SB)
	INT  $3

// void getStackBoundHook(uintptr bounds[2])
// Sets bounds to the calling thread's stack [lo, hi), or to zeros when the C library
// cannot tell. The runtime calls it (_cgo_getstackbound) when a thread C created enters
// Go, to learn the stack its extra M's g0 runs on.
#define GSB_ATTR 0
#define GSB_ADDR (GSB_ATTR+const_attrBytes)
#define GSB_SIZE (GSB_ADDR+8)
#define GSB_FRAME (GSB_SIZE+8)
TEXT getStackBoundHook<>(SB), NOSPLIT|NOFRAME, $0
	PUSHQ BX
	ADJSP $GSB_FRAME
	MOVQ  DI, BX
	MOVQ  $0, 0(BX)
	MOVQ  $0, 8(BX)

	// As runtime/cgo: pthread_attr_init first, since glibc before 2.32 did not always
	// initialise the attributes in pthread_getattr_np.
	LEAQ  GSB_ATTR(SP), DI
	CALL  jitffi_cgohooks_pthread_attr_init(SB)
	CALL  jitffi_cgohooks_pthread_self(SB)
	MOVQ  AX, DI
	LEAQ  GSB_ATTR(SP), SI
	CALL  jitffi_cgohooks_pthread_getattr_np(SB)
	TESTL AX, AX
	JNZ   gsbDestroy
	LEAQ  GSB_ATTR(SP), DI
	LEAQ  GSB_ADDR(SP), SI
	LEAQ  GSB_SIZE(SP), DX
	CALL  jitffi_cgohooks_pthread_attr_getstack(SB)
	TESTL AX, AX
	JNZ   gsbDestroy
	MOVQ  GSB_ADDR(SP), AX
	MOVQ  AX, 0(BX)
	ADDQ  GSB_SIZE(SP), AX
	MOVQ  AX, 8(BX)

gsbDestroy:
	LEAQ  GSB_ATTR(SP), DI
	CALL  jitffi_cgohooks_pthread_attr_destroy(SB)
	ADJSP $-GSB_FRAME
	POPQ  BX
	RET

// void threadStartHook(ThreadStart *ts)
// The runtime's way to start a thread for a new M when iscgo is set (newm1, through
// asmcgocall on a g0 stack). Copies the record, which lives on the caller's stack, into
// malloc'ed memory the new thread frees; starts a detached pthread with every signal
// blocked (minit unblocks them once the M can handle them) running threadEntry; tells the
// runtime the thread's stack size through g0's stack.hi, leaving stack.lo 0 so that
// mstart takes its bounds from where it runs.
#define TS_IGN 0
#define TS_OLD (TS_IGN+const_sigsetBytes)
#define TS_ATTR (TS_OLD+const_sigsetBytes)
#define TS_THREAD (TS_ATTR+const_attrBytes)
#define TS_SIZE (TS_THREAD+8)
#define TS_SLEEP (TS_SIZE+8)
#define TS_FRAME (TS_SLEEP+16)
TEXT threadStartHook<>(SB), NOSPLIT|NOFRAME, $0
	PUSHQ BX
	PUSHQ R12
	PUSHQ R13
	ADJSP $TS_FRAME
	MOVQ  DI, R12                     // the runtime's record
	MOVQ  $threadStart__size, DI
	CALL  jitffi_cgohooks_malloc(SB)
	TESTQ AX, AX
	JZ    tsOutOfMemory
	MOVQ  AX, BX                      // the copy the new thread owns
	MOVQ  threadStart_g(R12), AX
	MOVQ  AX, threadStart_g(BX)
	MOVQ  threadStart_tls(R12), AX
	MOVQ  AX, threadStart_tls(BX)
	MOVQ  threadStart_fn(R12), AX
	MOVQ  AX, threadStart_fn(BX)
	MOVQ  AX, ·lastThreadFn(SB)
	LOCK
	INCQ  ·threadsStarted(SB)

	LEAQ TS_IGN(SP), DI
	CALL jitffi_cgohooks_sigfillset(SB)
	MOVL $const_sigSetmask, DI
	LEAQ TS_IGN(SP), SI
	LEAQ TS_OLD(SP), DX
	CALL jitffi_cgohooks_pthread_sigmask(SB)

	LEAQ TS_ATTR(SP), DI
	CALL jitffi_cgohooks_pthread_attr_init(SB)
	LEAQ TS_ATTR(SP), DI
	MOVL $const_pthreadCreateDetached, SI
	CALL jitffi_cgohooks_pthread_attr_setdetachstate(SB)
	LEAQ TS_ATTR(SP), DI
	LEAQ TS_SIZE(SP), SI
	CALL jitffi_cgohooks_pthread_attr_getstacksize(SB)
	MOVQ threadStart_g(BX), AX
	MOVQ TS_SIZE(SP), CX
	MOVQ CX, stackBounds_hi(AX)

	XORL R13, R13                     // tries so far
tsCreate:
	LEAQ  TS_THREAD(SP), DI
	LEAQ  TS_ATTR(SP), SI
	MOVQ  $threadEntry<>(SB), DX
	MOVQ  BX, CX
	CALL  jitffi_cgohooks_pthread_create(SB)
	TESTL AX, AX
	JZ    tsCreated
	CMPL  AX, $const_errEAGAIN
	JNE   tsCreated                   // a hard error: reported below
	INCL  R13
	CMPL  R13, $const_threadStartTries
	JGE   tsCreated
	MOVQ  $0, TS_SLEEP(SP)            // tv_sec
	MOVLQSX R13, CX
	IMULQ $const_nanosPerMilli, CX
	MOVQ  CX, (TS_SLEEP+8)(SP)        // tv_nsec: one more millisecond each try
	LEAQ  TS_SLEEP(SP), DI
	XORL  SI, SI
	CALL  jitffi_cgohooks_nanosleep(SB)
	JMP   tsCreate

tsCreated:
	MOVL AX, R12                      // pthread_create's result
	MOVL $const_sigSetmask, DI
	LEAQ TS_OLD(SP), SI
	XORL DX, DX
	CALL jitffi_cgohooks_pthread_sigmask(SB)
	LEAQ TS_ATTR(SP), DI
	CALL jitffi_cgohooks_pthread_attr_destroy(SB)
	TESTL R12, R12
	JNZ   tsFailed
	ADJSP $-TS_FRAME
	POPQ  R13
	POPQ  R12
	POPQ  BX
	RET

tsFailed:
	MOVL R12, DI
	CALL jitffi_cgohooks_strerror(SB)
	MOVQ AX, DX
	MOVL $const_stderrFD, DI
	MOVQ ·threadCreateFailed(SB), SI
	XORL AX, AX
	CALL jitffi_cgohooks_dprintf(SB)
	CALL jitffi_cgohooks_abort(SB)
	INT  $3

tsOutOfMemory:
	MOVL $const_stderrFD, DI
	MOVQ ·threadOutOfMemory(SB), SI
	XORL AX, AX
	CALL jitffi_cgohooks_dprintf(SB)
	CALL jitffi_cgohooks_abort(SB)
	INT  $3

// void *threadEntry(ThreadStart *ts)
// A new thread's start routine. Frees the record, makes ts->g (the M's g0) the thread's g
// through the runtime's setg_gcc and runs ts->fn, runtime.mstart. mstart returns only when
// the runtime ends the M (a goroutine that locked its thread exited): the pthread then
// returns, and the C library frees the stack the M ran on. Every register C expects
// preserved is saved on entry and restored from the stack pointer, never from BP, which
// mstart does not return intact.
TEXT threadEntry<>(SB), NOSPLIT|NOFRAME, $0
	PUSHQ BX
	PUSHQ BP
	PUSHQ R12
	PUSHQ R13
	PUSHQ R14
	PUSHQ R15
	ADJSP $8
	MOVQ  DI, BX
	MOVQ  threadStart_g(BX), R12
	MOVQ  threadStart_fn(BX), R13
	MOVQ  BX, DI
	CALL  jitffi_cgohooks_free(SB)
	MOVQ  R12, DI
	MOVQ  ·setgGCC(SB), AX
	CALL  AX
	CALL  R13
	ADJSP $-8
	POPQ  R15
	POPQ  R14
	POPQ  R13
	POPQ  R12
	POPQ  BP
	POPQ  BX
	XORL  AX, AX
	RET

// void notifyInitDoneHook(void *unused)
// runtime.main calls it once the runtime is initialised, through cgocall. It creates the
// pthread key that binds an extra M to each C-created thread that calls into Go, and
// whose destructor returns the M when the thread exits; once keyCreated is 1 the runtime
// uses it (runtime/cgo creates the key when a C thread first waits for initialisation).
TEXT notifyInitDoneHook<>(SB), NOSPLIT|NOFRAME, $0
	ADJSP $8
	LEAQ  ·threadKey(SB), DI
	MOVQ  $keyDestructor<>(SB), SI
	CALL  jitffi_cgohooks_pthread_key_create(SB)
	TESTL AX, AX
	JNZ   notifyDone
	MOVQ  $1, ·keyCreated(SB)

notifyDone:
	ADJSP $-8
	RET

// void bindMHook(G *g)
// Stores the g of a C-created thread's extra M as the thread's value of the key
// (_cgo_bindm, called once per thread from needAndBindM).
TEXT bindMHook<>(SB), NOSPLIT|NOFRAME, $0
	MOVQ DI, SI
	MOVL ·threadKey(SB), DI
	JMP  jitffi_cgohooks_pthread_setspecific(SB)

// void keyDestructor(G *g)
// The key's destructor, run by the C library as a bound C thread exits: calls
// runtime.cgocallback(nil, g, 0), which restores g and returns its extra M (dropm), as
// runtime/cgo's destructor does through crosscall2. It saves the registers C expects
// preserved, which Go code does not.
TEXT keyDestructor<>(SB), NOSPLIT|NOFRAME, $0
	PUSHQ BX
	PUSHQ BP
	PUSHQ R12
	PUSHQ R13
	PUSHQ R14
	PUSHQ R15
	ADJSP $24
	MOVQ  $0, 0(SP)                   // fn: none, drop the M
	MOVQ  DI, 8(SP)                   // frame: the thread's g
	MOVQ  $0, 16(SP)                  // ctxt
	CALL  runtime·cgocallback(SB)
	ADJSP $-24
	POPQ  R15
	POPQ  R14
	POPQ  R13
	POPQ  R12
	POPQ  BP
	POPQ  BX
	RET

// void setenvHook(char **kv), void unsetenvHook(char **k)
// os.Setenv and os.Unsetenv call them through asmcgocall, so that C's getenv sees what Go
// sets.
TEXT setenvHook<>(SB), NOSPLIT|NOFRAME, $0
	MOVQ 8(DI), SI
	MOVQ 0(DI), DI
	MOVL $1, DX                       // overwrite
	JMP  jitffi_cgohooks_setenv(SB)

TEXT unsetenvHook<>(SB), NOSPLIT|NOFRAME, $0
	MOVQ 0(DI), DI
	JMP  jitffi_cgohooks_unsetenv(SB)

// The credential hooks: void xHook(argset *a) calls the C library's x with a->args and
// stores its result in a->retval, or errno when it returns -1, as runtime/cgo's
// linux_syscall.c does. The C library runs the change on every thread of the process
// (glibc's SIGSETXID), which is why syscall.Setuid and its relatives go through it.
#define CREDENTIAL_HOOK_BEGIN \
	ADJSP $8 \
	MOVQ  DI, 0(SP) \
	MOVQ  argset_args(DI), AX

#define CREDENTIAL_HOOK_END(fn) \
	CALL  fn(SB) \
	MOVQ  0(SP), DI \
	MOVL  AX, SI \
	CALL  credentialResult<>(SB) \
	ADJSP $-8 \
	RET

TEXT setegidHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVQ 0(AX), DI
	CREDENTIAL_HOOK_END(jitffi_cgohooks_setegid)

TEXT seteuidHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVQ 0(AX), DI
	CREDENTIAL_HOOK_END(jitffi_cgohooks_seteuid)

TEXT setgidHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVQ 0(AX), DI
	CREDENTIAL_HOOK_END(jitffi_cgohooks_setgid)

TEXT setuidHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVQ 0(AX), DI
	CREDENTIAL_HOOK_END(jitffi_cgohooks_setuid)

TEXT setregidHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVQ 8(AX), SI
	MOVQ 0(AX), DI
	CREDENTIAL_HOOK_END(jitffi_cgohooks_setregid)

TEXT setreuidHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVQ 8(AX), SI
	MOVQ 0(AX), DI
	CREDENTIAL_HOOK_END(jitffi_cgohooks_setreuid)

TEXT setresgidHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVQ 16(AX), DX
	MOVQ 8(AX), SI
	MOVQ 0(AX), DI
	CREDENTIAL_HOOK_END(jitffi_cgohooks_setresgid)

TEXT setresuidHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVQ 16(AX), DX
	MOVQ 8(AX), SI
	MOVQ 0(AX), DI
	CREDENTIAL_HOOK_END(jitffi_cgohooks_setresuid)

TEXT setgroupsHook<>(SB), NOSPLIT|NOFRAME, $0
	CREDENTIAL_HOOK_BEGIN
	MOVQ 8(AX), SI
	MOVQ 0(AX), DI
	CREDENTIAL_HOOK_END(jitffi_cgohooks_setgroups)

// void credentialResult(argset *a, int r): a->retval = r == -1 ? errno : (uintptr)r.
TEXT credentialResult<>(SB), NOSPLIT|NOFRAME, $0
	MOVLQSX SI, AX
	CMPQ    AX, $-1
	JNE     credentialStore
	PUSHQ   DI
	CALL    jitffi_cgohooks___errno_location(SB)
	POPQ    DI
	MOVLQSX (AX), AX

credentialStore:
	MOVQ AX, argset_retval(DI)
	RET

// func goroutineStack() (lo, hi, sp uintptr)
// Returns the first two words of the calling goroutine's g and the stack pointer, which
// must lie between them if the g still starts with its stack bounds.
TEXT ·goroutineStack(SB), NOSPLIT, $0-24
	MOVQ TLS, CX
	MOVQ 0(CX)(TLS*1), AX
	MOVQ stackBounds_lo(AX), BX
	MOVQ BX, lo+0(FP)
	MOVQ stackBounds_hi(AX), BX
	MOVQ BX, hi+8(FP)
	MOVQ SP, sp+16(FP)
	RET

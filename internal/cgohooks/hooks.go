//go:build !cgo && linux && (amd64 || arm64) && !jitffi_nocgohooks

package cgohooks

import (
	"errors"
	"fmt"
	"runtime"
	_ "unsafe" // for go:linkname
)

// Own reports whether this package installs the runtime's cgo hooks itself. It does
// unless the program is built with -tags jitffi_nocgohooks.
const Own = true

// The C library's functions the hooks call, through the dynamic linker. Their local names
// carry the package's name, so that they never clash with another package's imports of the
// same functions. The "_ _" lines make each library a DT_NEEDED entry of the binary. glibc
// 2.34 moved the pthread functions into libc.so.6 and keeps libpthread.so.0 as a stub; the
// dynamic linker finds each function in whichever of the two defines it.
//
//go:cgo_import_dynamic jitffi_cgohooks_malloc malloc "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_free free "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_abort abort "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_dprintf dprintf "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_strerror strerror "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_nanosleep nanosleep "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_setenv setenv "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_unsetenv unsetenv "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_sigfillset sigfillset "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks___errno_location __errno_location "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_setegid setegid "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_seteuid seteuid "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_setgid setgid "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_setuid setuid "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_setregid setregid "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_setreuid setreuid "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_setresgid setresgid "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_setresuid setresuid "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_setgroups setgroups "libc.so.6"
//go:cgo_import_dynamic jitffi_cgohooks_pthread_sigmask pthread_sigmask "libpthread.so.0"
//go:cgo_import_dynamic jitffi_cgohooks_pthread_attr_init pthread_attr_init "libpthread.so.0"
//go:cgo_import_dynamic jitffi_cgohooks_pthread_attr_destroy pthread_attr_destroy "libpthread.so.0"
//go:cgo_import_dynamic jitffi_cgohooks_pthread_attr_setdetachstate pthread_attr_setdetachstate "libpthread.so.0"
//go:cgo_import_dynamic jitffi_cgohooks_pthread_attr_getstacksize pthread_attr_getstacksize "libpthread.so.0"
//go:cgo_import_dynamic jitffi_cgohooks_pthread_attr_getstack pthread_attr_getstack "libpthread.so.0"
//go:cgo_import_dynamic jitffi_cgohooks_pthread_getattr_np pthread_getattr_np "libpthread.so.0"
//go:cgo_import_dynamic jitffi_cgohooks_pthread_self pthread_self "libpthread.so.0"
//go:cgo_import_dynamic jitffi_cgohooks_pthread_create pthread_create "libpthread.so.0"
//go:cgo_import_dynamic jitffi_cgohooks_pthread_key_create pthread_key_create "libpthread.so.0"
//go:cgo_import_dynamic jitffi_cgohooks_pthread_setspecific pthread_setspecific "libpthread.so.0"
//go:cgo_import_dynamic _ _ "libc.so.6"
//go:cgo_import_dynamic _ _ "libpthread.so.0"

// The runtime's hook variables (_cgo_init, _cgo_thread_start, _cgo_notify_runtime_init_done,
// _cgo_pthread_key_created, _cgo_bindm, _cgo_getstackbound, runtime._cgo_setenv,
// runtime._cgo_unsetenv) and the syscall package's credential hooks
// (syscall.cgo_libc_setuid and its relatives) are defined with their values in
// hooks_$GOARCH.s, as runtime/cgo defines them in Go: the runtime and syscall declare them
// without a value, and the linker keeps the definition that has one.

// isCgo tells the runtime that cgo's hooks are installed: rt0_go then calls _cgo_init
// instead of setting up thread-local storage itself, new threads start through
// _cgo_thread_start, and runtime.cgocall and runtime.cgocallback work. The runtime pushes
// iscgo with a linkname (go.dev/issue/67401), and a definition with a value is not a pull.
//
//go:linkname isCgo runtime.iscgo
var isCgo bool = true

// setCrosscall2 is the runtime's set_crosscall2, which runtime.main calls once when iscgo
// is set. runtime/cgo's points x_crosscall2_ptr at crosscall2 for its pthread key
// destructor; this package's destructor calls runtime.cgocallback itself, so there is
// nothing to set. The runtime pushes set_crosscall2 with a linkname. A named function, so
// that the compiler initialises the variable statically: runtime.main calls it before any
// package's init runs.
//
//go:linkname setCrosscall2 runtime.set_crosscall2
var setCrosscall2 = noCrosscall2

func noCrosscall2() {}

// threadKey is the pthread key whose per-thread value is the g of a C-created thread
// bound to an extra M (_cgo_bindm); its destructor returns the M when the thread exits.
// keyCreated, which _cgo_pthread_key_created points to, is 1 once the key exists: the
// runtime then binds an extra M to a C thread for the thread's life instead of borrowing
// and returning one around every call into Go.
var (
	threadKey  uint32
	keyCreated uintptr
)

// setgGCC is the runtime's setg_gcc, which _cgo_init receives: a function of one argument,
// a g, that makes it the calling thread's g. A new thread calls it before runtime.mstart.
var setgGCC uintptr

// What the hooks saw, for Check: how many threads _cgo_thread_start started, the function
// the last one was started with, and the stack bounds _cgo_init gave the main thread's g0.
var (
	threadsStarted uint64
	lastThreadFn   uintptr
	initStackLo    uintptr
	initStackHi    uintptr
)

// threadStart mirrors the runtime's cgothreadstart, the argument of _cgo_thread_start
// (runtime/cgo's ThreadStart): the new M's g0, its TLS slot and the function the thread
// runs, runtime.mstart.
type threadStart struct {
	g   uintptr
	tls uintptr
	fn  uintptr
}

// stackBounds mirrors the start of the runtime's g, its stack bounds [lo, hi), which
// _cgo_init and _cgo_thread_start set (runtime/cgo's G).
type stackBounds struct {
	lo uintptr
	hi uintptr
}

// argset mirrors the runtime's argset, the argument syscall.cgocaller hands the
// credential hooks: a pointer to the arguments and the result.
type argset struct {
	args   uintptr
	retval uintptr
}

// The C constants the hooks use, as glibc defines them on amd64 and arm64 (the C compiler
// confirms each in TestCConstants).
const (
	// attrBytes is at least sizeof(pthread_attr_t): 56 on amd64, 64 on arm64.
	attrBytes = 64
	// sigsetBytes is sizeof(sigset_t).
	sigsetBytes = 128
	// sigSetmask is SIG_SETMASK.
	sigSetmask = 2
	// pthreadCreateDetached is PTHREAD_CREATE_DETACHED.
	pthreadCreateDetached = 1
	// errEAGAIN is EAGAIN, the one pthread_create error worth retrying.
	errEAGAIN = 11
)

// Retrying pthread_create as runtime/cgo does: up to threadStartTries times, sleeping one
// more millisecond each time.
const (
	threadStartTries = 20
	nanosPerMilli    = 1000000
)

// stderrFD is where the hooks report the failures they cannot return, before aborting.
const stderrFD = 2

// The messages of those failures, NUL-terminated format strings for dprintf.
var (
	threadCreateFailed = "runtime: jitffi's cgo hooks: pthread_create failed: %s\n\x00"
	threadOutOfMemory  = "runtime: jitffi's cgo hooks: out of memory in thread_start\n\x00"
	badStackBounds     = "runtime: jitffi's cgo hooks: bad stack bounds: lo=%p hi=%p\n\x00"
)

// goroutineStack returns the first two words of the calling goroutine's g, which the
// runtime's g starts with its stack bounds [lo, hi), and the stack pointer.
func goroutineStack() (lo, hi, sp uintptr)

// checkOwn checks, once the program runs, what the hooks rely on in this runtime: each
// answer says which assumption failed.
func checkOwn() error {
	if lo, hi, sp := goroutineStack(); !(lo < sp && sp <= hi) {
		return fmt.Errorf("cgohooks: the runtime's g no longer starts with its stack bounds (read [%#x, %#x), stack pointer %#x) in %s", lo, hi, sp, runtime.Version())
	}
	if threadsStarted == 0 {
		return fmt.Errorf("cgohooks: the runtime started no thread through _cgo_thread_start in %s", runtime.Version())
	}
	if f := runtime.FuncForPC(lastThreadFn); f == nil || f.Entry() != lastThreadFn || f.Name() != "runtime.mstart" {
		return fmt.Errorf("cgohooks: _cgo_thread_start's record no longer holds runtime.mstart where runtime/cgo's ThreadStart has fn (found %#x) in %s", lastThreadFn, runtime.Version())
	}
	if initStackLo == 0 || initStackLo >= initStackHi {
		return fmt.Errorf("cgohooks: _cgo_init found no stack bounds for the main thread (lo %#x, hi %#x)", initStackLo, initStackHi)
	}
	if keyCreated != 1 {
		return errors.New("cgohooks: the pthread key for C-created threads was not created (pthread_key_create failed, or the runtime never called _cgo_notify_runtime_init_done)")
	}
	return nil
}

// Package cgohooks gives a Go program built with CGO_ENABLED=0 on linux/amd64 and
// linux/arm64 the runtime's cgo hooks, the C functions that package runtime/cgo normally
// links in, so that jitffi can call C (runtime.cgocall) and C can call Go
// (runtime.cgocallback) without a C compiler at build time.
//
// # Goals
//
// The Go runtime calls C code of runtime/cgo at a handful of points: when it starts
// (_cgo_init: the main thread's stack bounds, and the promise that thread-local storage
// is the C library's), whenever it starts a thread (_cgo_thread_start: through
// pthread_create, so that the C library sets up the thread's own errno, dlerror state and
// malloc arenas), once it is initialised (_cgo_notify_runtime_init_done), when the
// environment changes (_cgo_setenv, _cgo_unsetenv, so that C's getenv sees os.Setenv),
// when a thread C created first calls into Go (_cgo_getstackbound, _cgo_bindm and
// _cgo_pthread_key_created: the runtime lends that thread an extra M and keeps it bound
// until the thread exits, when a pthread key destructor gives it back), and when the
// syscall package changes credentials (syscall.Setuid and its relatives go through the C
// library so that every thread changes). This package implements each of them in
// assembly that calls the C library through the dynamic linker: no C object is linked, no
// C compiler runs, and the binary is dynamically linked against libc.so.6 and
// libpthread.so.0 (glibc 2.17 or newer).
//
// Every hook runs before or beside the Go runtime, on a system stack, with no g to
// speak of, so none of them is Go code: each is a small C-ABI function written by hand
// per architecture, keeping the C calling convention (callee-saved registers, 16-byte
// stack alignment) and allocating nothing from Go. The contract they follow is the one
// runtime/cgo's C files define for Go 1.24 to 1.27 (gcc_libinit.c, gcc_linux_*.c,
// gcc_util.c, gcc_setenv.c, linux_syscall.c and their 1.27 successors gcc_unix.c,
// gcc_libinit_unix.c, pthread_unix.c).
//
// # Support
//
// The hooks are built only for `!cgo && linux && (amd64 || arm64)`. With cgo, runtime/cgo
// is linked as usual and this package is empty. On every other platform without cgo it is
// empty too: jitffi does not support those platforms and reports ErrUnsupportedPlatform
// (Windows needs no hooks).
//
// Two packages that both install cgo hooks cannot link into one program (the linker
// reports a duplicated definition of runtime.iscgo or _cgo_init). purego installs its own
// when built without cgo; a program that imports jitffi and purego builds with
// `-tags jitffi_nocgohooks`, which makes this package install nothing and jitffi rely on
// the hooks the other package installed. Check reports whether some package did.
//
// What the hooks leave out, as runtime/cgo's would be needed for: runtime.SetCgoTraceback
// (its functions are never called), the sanitizers' mmap and sigaction interceptors, and
// the c-archive and c-shared build modes, which need cgo anyway.
//
// # Usage
//
// Import the package for its side effects; jitffi's root package and its loader do:
//
//	import _ "github.com/jitffi/jitffi/internal/cgohooks"
//
// Check tells, once the program runs, whether the runtime's cgo hooks are installed and
// whether the runtime still lays out what the hooks write (a goroutine's stack bounds at
// the start of its g, the thread-start record the runtime passes); jitffi refuses to open
// libraries or bind functions with an error wrapping ErrNoCgo when it fails.
package cgohooks

package jitffi

import "github.com/jitffi/jitffi/abi"

// An Option changes how a function is bound.
type Option func(*bindConfig)

type bindConfig struct {
	fast  bool
	fixed int     // number of fixed parameters of a variadic function, or -1
	abi   abi.ABI // calling convention of the target when not the host's (WithABI), or 0
	// goStrings and goSlices mark the parameters a typed binding takes as Go strings and
	// slices, goStringResult a string result: their frame slots hold Go headers.
	goStrings, goSlices uint64
	goStringResult      bool
	// callbacks marks the *Callback parameters, whose stub passes the callback's address.
	callbacks uint64
	// errnoFrom is the C runtime whose errno CallErrno reads (ErrnoFrom), or nil.
	errnoFrom *Library
}

func newBindConfig(opts []Option) bindConfig {
	c := bindConfig{fixed: -1}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// Fast makes calls skip the scheduler transition that cgo and the default mode make
// (runtime.cgocall's entersyscall/exitsyscall): the call only switches to the system stack.
// It costs well under half of a default call.
//
// Contract: the C function must return quickly (microseconds), must not block (no I/O, no
// locks that may wait, no sleeping) and must never call back into Go. While it runs:
//   - the goroutine keeps its P, so that P runs nothing else, and a stop-the-world pause of
//     the garbage collector waits for the call to return;
//   - the goroutine still counts as running Go code, so the runtime may send its thread
//     preemption signals (SIGURG): a system call made by the C code can fail with EINTR,
//     and C code that does not retry on EINTR sees spurious failures;
//   - a callback into Go aborts the process (the runtime finds no system-call frame);
//   - CPU profiles attribute the time to the calling Go function without C frames, and
//     the race detector sees no synchronisation with the C code.
//
// Breaking the timing part of the contract stalls the scheduler and the GC but corrupts
// nothing. Comparable to Java's Linker.Option.critical and .NET's SuppressGCTransition.
func Fast() Option { return func(c *bindConfig) { c.fast = true } }

// Variadic declares a C variadic function whose first fixed parameters are named; the
// remaining Go parameters are its variadic arguments at this call site. They follow C's
// default argument promotions, applied by the stub: float32 is passed as a double, and
// integers narrower than int are widened to int. fixed must be between 0 and the number of
// parameters, or binding fails with ErrBadVariadic.
func Variadic(fixed int) Option { return func(c *bindConfig) { c.fixed = fixed } }

// ErrnoFrom makes CallErrno read the errno of the C runtime crt instead of the host's
// default error code. It is for Windows, where CallErrno otherwise returns
// GetLastError(), while the C runtime's functions (strtol, fopen, ...) set errno, a
// variable private to each C runtime DLL: bind them with ErrnoFrom(ucrt), where ucrt is
// the runtime the function comes from (ucrtbase.dll, msvcrt.dll, or the library itself
// for a function it re-exports). The stub clears that errno before the call and reads it
// right after, through the runtime's _errno function, as on Linux. On other systems the
// C library's own errno is the default already, and ErrnoFrom(libc) reads the same.
func ErrnoFrom(crt *Library) Option { return func(c *bindConfig) { c.errnoFrom = crt } }

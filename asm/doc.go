// Package asm holds jitffi's hand-written assembly: the doors through which Go code runs a
// JIT-compiled call stub on the thread's system (g0) stack.
//
// A call stub is a C-ABI function of one argument, a pointer to a call frame that starts
// with a Header. Two doors lead to it:
//
//   - CallDefault goes through runtime.cgocall, exactly as cgo does: the goroutine enters a
//     system call, so a C function that blocks releases its P and the garbage collector
//     keeps running. On Linux it needs the runtime's cgo hooks: runtime/cgo's, or without
//     cgo those of package internal/cgohooks.
//   - CallFast goes through the runtime's asmcgocall only: it switches to the system stack
//     and calls the stub with no scheduler transition. It is for short C functions that
//     never block and never call back into Go; while one runs, its P runs nothing else and
//     a stop-the-world pause waits for it. Go 1.27's linker refuses a reference to
//     asmcgocall from outside the runtime, so CheckFast finds its address in
//     runtime.cgocall's code and checks it once per process; CallFast calls it indirectly.
//
// JIT code never runs as a frame of a goroutine stack: both doors switch to g0 first, so
// the garbage collector only ever unwinds ordinary Go and assembly frames.
//
// The package also holds the hand-written doors the other way, and those that need no
// stub: the callback door, through which C enters Go (runtime.cgocallback), and, in a
// CGO_ENABLED=0 Linux build, the dl door, through which the loader calls dlopen, dlsym and
// dlclose and reads dlerror in one C call (Dlopen, Dlsym, Dlclose), and ErrnoLocationFunc.
package asm

// Header is the fixed start of every call frame. The assembly reads Stub through the
// offsets the compiler writes to go_asm.h; the JIT stub reads Fn and writes Errno.
type Header struct {
	// Stub is the address of the JIT-compiled call stub to run.
	Stub uintptr
	// Fn is the address of the C function the stub calls.
	Fn uintptr
	// Errno receives errno (GetLastError on Windows) read right after the call, when the
	// stub was compiled to capture it.
	Errno int32
	_     int32
}

// UpcallHeader is the fixed start of every upcall frame, the frame a JIT upcall stub
// builds on the C stack and hands to the callback door. The stub copies its trampoline's
// data slot into it; the Go dispatcher reads it. It has Header's size, so both directions
// share one frame layout.
type UpcallHeader struct {
	// Stub is the upcall stub's address as the trampoline found it.
	Stub uintptr
	// Context is the callback's context word from the trampoline's data slot.
	Context uintptr
	_       uintptr
}

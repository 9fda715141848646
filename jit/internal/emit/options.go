package emit

import "github.com/jitffi/jitffi/abi"

// ErrnoKind says how a stub reads the C library's error code right after the call.
type ErrnoKind uint8

// The ways to read the error code.
const (
	// NoErrno: the stub does not read it.
	NoErrno ErrnoKind = iota
	// ErrnoLocation: ErrnoFunc returns a pointer to the calling thread's errno (glibc's and
	// musl's __errno_location). As cgo does, the stub sets errno to 0 before the call and
	// stores the int it points to in Header.Errno after it, so a call that succeeds
	// reports 0 rather than an earlier call's error.
	ErrnoLocation
	// ErrnoValue: ErrnoFunc returns the error code itself (Windows' GetLastError). The
	// stub does not clear it before the call.
	ErrnoValue
)

// Options are the compile-time choices for a stub other than its plan. Two requests with
// equal plans and equal Options share one stub.
type Options struct {
	// Entry is the host's calling convention, the one Go's side of the stub uses: a
	// downcall stub is entered with it, an upcall stub calls the callback door with it.
	// Zero means the plan's ABI. A Linux host running a Win64 plan against gcc ms_abi
	// functions enters the stub SysV-style, with the frame in rdi, and the stub calls the
	// target Win64-style; an upcall stub for ms_abi C code is called Win64-style and calls
	// the door SysV-style.
	Entry abi.ABI
	Errno ErrnoKind
	// ErrnoFunc is the address of the C function that yields the error code; it must be
	// set when Errno is not NoErrno. Addresses in Options are the target's, 64 bits on
	// every ABI jitffi emits, whatever the word size of the host that assembles the stub.
	ErrnoFunc uint64
	// TopOfStack, when set, is the address of a C-callable function that returns the top
	// of the calling goroutine's stack (the runtime's _cgo_topofstack). The stub then
	// follows its frame when the goroutine stack moved during the call, which happens when
	// the C function calls back into Go and the callback grows the stack, and it has an
	// indirect result written to its own frame on the system stack first. cgo does the
	// same; calls that can never call back into Go (the fast mode) leave it unset.
	TopOfStack uint64
	// Upcall asks for an upcall stub instead of a downcall stub: C calls it, through a
	// trampoline, with the plan's convention; it stores the arguments in an upcall frame
	// on the C stack, calls the callback door at Door with that frame, and returns the
	// result the frame then holds. Errno and TopOfStack do not apply to upcall stubs.
	Upcall bool
	// Door is the address of the callback door (asm.CallbackEntryFunc), for upcall stubs.
	Door uint64
	// GoStringArgs and GoSliceArgs mark, bit i for argument i, the pointer arguments a
	// typed binding fills from a Go string or slice: the argument's frame slot holds the Go
	// header (16 or 24 bytes) and the C pointer is its first word. GoStringResult: the
	// result is a pointer whose slot is a Go string header (16 bytes); the stub stores the
	// C pointer in its first word. They change the frame layout (LayoutWith), not the code
	// that moves each value.
	GoStringArgs, GoSliceArgs uint64
	GoStringResult            bool
	// DerefArgs marks, bit i for argument i, pointer arguments whose frame slot holds a Go
	// pointer to the value to pass: the stub passes the 8 bytes it points to, or NULL
	// for a nil pointer. A typed binding passes a *jitffi.Callback so, whose first word is
	// its C address.
	DerefArgs uint64
}

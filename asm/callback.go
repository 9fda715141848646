//go:build amd64 || arm64

package asm

import (
	"reflect"
	"unsafe"
)

// callbackDispatchPC is the ABIInternal entry of the Go function that C-to-Go calls run:
// the callback door hands it to runtime.cgocallback, which calls it on the goroutine with
// the upcall frame as its argument. Set once by SetCallbackDispatcher.
var callbackDispatchPC uintptr

// SetCallbackDispatcher makes fn the Go function every callback enters. fn must be a
// top-level function, not a closure or a method value: the runtime calls its code with a
// context of its own. It receives the upcall frame the JIT upcall stub built on the C
// stack; that memory is valid until fn returns.
func SetCallbackDispatcher(fn func(frame unsafe.Pointer)) {
	callbackDispatchPC = reflect.ValueOf(fn).Pointer()
}

// CallbackEntryFunc returns the address of the callback door, a C-ABI function of one
// argument, an upcall frame: it saves the registers the host C convention wants preserved,
// refuses (with a fatal error) to enter Go on a thread that is inside a Fast call, and
// enters Go through runtime.cgocallback, which attaches C-created threads to the runtime
// and runs the dispatcher on a goroutine. JIT upcall stubs call it.
func CallbackEntryFunc() uintptr

// fastCallbackText is the fatal error of a callback made during a Fast call: the runtime
// would otherwise abort with a message that says nothing of Fast.
var fastCallbackText = "jitffi: C code called back into Go during a call bound with Fast; Fast calls must never call back into Go: bind that function without Fast"

// fastThreadBits sizes the table of threads inside a Fast call: 2^fastThreadBits slots.
const fastThreadBits = 10

// fastThreads marks the threads that are inside a Fast call: CallFast stores the thread's
// pointer (its C thread-control block, unique per live thread) in the slot its hash picks,
// and clears it after the call. Only the thread itself reads its slot, so plain stores
// suffice; two threads sharing a slot can only hide a mark, never fake one.
var fastThreads [1 << fastThreadBits]uintptr

// fastThreadHash is Fibonacci hashing's multiplier: thread pointers differ in high bits.
const fastThreadHash = -7046029254386353131 // 0x9E3779B97F4A7C15 as an int64

// FastMarkFunc returns the address of a C-ABI function of no arguments that returns 1 when
// the calling thread is marked as inside a Fast call, as the callback door checks it, and 0
// otherwise. Tests call it through bindings of both modes.
func FastMarkFunc() uintptr

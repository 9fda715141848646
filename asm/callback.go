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

// A fastTable marks the threads that are inside a Fast call, for the callback door to
// check. Its slots belong to threads, keyed by the thread pointer (the thread-control
// block's address, unique among live threads and at least 4-byte aligned) with bit 1 set,
// so that no key is 0; a slot holds its owner's key, with bit 0 set while the owner is
// inside a Fast call.
//
// A thread's first Fast call claims a free slot for good, with a compare-and-swap, at the
// slot its key hashes to or one of the fastNeighbours after it. From then on its Fast
// calls find the slot at the first or nearly first look and set and clear bit 0 with plain
// stores: no other thread ever writes an owned slot, so two threads that hash alike keep
// their marks apart, and the hot path needs no atomic instruction. A slot stays owned
// when its thread ends; a later thread with the same pointer takes it over.
//
// A thread that finds all its neighbours owned by others (live, or ended) marks each of
// its Fast calls in spill instead: it claims a free spill slot with a compare-and-swap,
// writing its key with bit 0 set, and frees it after the call. When all fastSpillSlots
// spill slots are taken, which needs that many such threads in Fast calls at once (each
// keeps its P, so GOMAXPROCS above that), the call waits for one to be freed.
//
// Only the thread itself looks for its mark (the callback door, on that thread): in its
// hash slot and the probe slots after it, then in spill if any thread ever spilled.
type fastTable struct {
	// hash is the multiplier of the keys' hash: Fibonacci hashing's, as thread pointers
	// differ in high bits. A variable so that tests can make every thread hash to the
	// same slot.
	hash uint64
	// probe is the longest distance from its hash slot at which a thread owns a slot
	// (below fastNeighbours), raised with a compare-and-swap and never lowered.
	probe uint64
	// spilled is set once a thread has marked a Fast call in spill.
	spilled uint64
	slots   [1 << fastThreadBits]uintptr
	spill   [fastSpillSlots]uintptr
}

const (
	// fastThreadBits sizes the owned slots: 2^fastThreadBits.
	fastThreadBits = 12
	// fastNeighbours is how many slots, from its hash slot on, a thread may own.
	fastNeighbours = 8
	// fastSpillSlots is the number of spill slots.
	fastSpillSlots = 128
	// fastThreadHash is Fibonacci hashing's multiplier, 2^64 divided by the golden ratio.
	fastThreadHash = 0x9E3779B97F4A7C15
)

// fastThreads is the table CallFast and the callback door use.
var fastThreads = fastTable{hash: fastThreadHash}

// fastClaim marks the thread of pointer tp in t as CallFast does for its own, and returns
// the slot of the mark and the value that clears it; fastFound reports whether tp is
// marked in t, as the callback door checks its own thread. Tests call them on tables of
// their own, and store idle in slot to end the mark.
func fastClaim(t *fastTable, tp uintptr) (slot *uintptr, idle uintptr)
func fastFound(t *fastTable, tp uintptr) bool

// FastMarkFunc returns the address of a C-ABI function of no arguments that returns 1 when
// the calling thread is marked as inside a Fast call, as the callback door checks it, and 0
// otherwise. Tests call it through bindings of both modes.
func FastMarkFunc() uintptr

//go:build amd64 || arm64

package asm

import (
	"sync/atomic"
	"unsafe"
)

// FindCallee, FindABI0Callee, JudgeProbe and FastDoorPC expose the fast door's discovery and
// the checks of its probe call to the black-box tests.
var (
	FindCallee     = findCallee
	FindABI0Callee = findABI0Callee
	JudgeProbe     = judgeProbe
)

// FastProbeMark is what the probe stub records when it runs; ProbeSPMod16 is the stack
// pointer modulo 16 the C ABI gives it at entry.
const (
	FastProbeMark = fastProbeMark
	ProbeSPMod16  = probeSPMod16
)

func FastDoorPC() uintptr { return asmcgocallPC }

// FastTableSlots is the number of owned slots of a table of Fast marks, FastNeighbours
// how many of them from its hash slot on a thread may own, and FastSpillSlots the number
// of spill slots.
const (
	FastTableSlots = 1 << fastThreadBits
	FastNeighbours = fastNeighbours
	FastSpillSlots = fastSpillSlots
)

// FastThreadHash is the multiplier of the thread pointers' hash.
const FastThreadHash = fastThreadHash

// A FastTable is a table of Fast marks of a test's own, run by the same code as CallFast
// and the callback door.
type FastTable struct{ t fastTable }

// NewFastTable returns an empty table whose hash multiplies keys by hash: 0 sends every
// thread to slot 0.
func NewFastTable(hash uint64) *FastTable { return &FastTable{t: fastTable{hash: hash}} }

// A FastMark is a mark Mark made.
type FastMark struct {
	slot *uintptr
	idle uintptr
}

// Mark marks the thread of pointer tp as CallFast does for its own thread, waiting while
// it needs a spill slot and all are taken.
func (f *FastTable) Mark(tp uintptr) FastMark {
	slot, idle := fastClaim(&f.t, tp)
	return FastMark{slot, idle}
}

// Marked reports whether the thread of pointer tp is marked, as the callback door checks
// its own thread.
func (f *FastTable) Marked(tp uintptr) bool { return fastFound(&f.t, tp) }

// Clear ends mark m, as CallFast does after the call.
func (f *FastTable) Clear(m FastMark) { atomic.StoreUintptr(m.slot, m.idle) }

// Where tells where mark m is: its index among the owned slots (owned true) or among the
// spill slots (owned false).
func (f *FastTable) Where(m FastMark) (index int, owned bool) {
	p := uintptr(unsafe.Pointer(m.slot))
	if base := uintptr(unsafe.Pointer(&f.t.slots[0])); p >= base && p < base+unsafe.Sizeof(f.t.slots) {
		return int((p - base) / unsafe.Sizeof(uintptr(0))), true
	}
	return int((p - uintptr(unsafe.Pointer(&f.t.spill[0]))) / unsafe.Sizeof(uintptr(0))), false
}

// Value returns what mark m's slot holds now.
func (f *FastTable) Value(m FastMark) uintptr { return atomic.LoadUintptr(m.slot) }

// Probe returns how many owned slots after a thread's hash slot the door looks at.
func (f *FastTable) Probe() uint64 { return atomic.LoadUint64(&f.t.probe) }

// FastHome returns the slot that the thread of pointer tp hashes to under the multiplier
// hash.
func FastHome(hash uint64, tp uintptr) int {
	return int(uint64(tp|2) * hash >> (64 - fastThreadBits))
}

// SetFastThreadHash sets the multiplier of the hash CallFast and the callback door use,
// and returns the one before: 0 sends every thread to slot 0. No Fast call may be in
// progress while it changes; the slots threads own under one multiplier stay theirs (and
// unused) under another.
func SetFastThreadHash(hash uint64) (old uint64) {
	old = fastThreads.hash
	fastThreads.hash = hash
	return old
}

package jit

// The code arena.
//
// A batch of stubs sealed into pages of its own costs a whole page (4 KiB or more) and two
// system calls however small it is, and a page once executable is never writable again.
// So where the system allows it, stubs go into an arena instead: chunks of memory mapped
// twice, once read-execute (the only view code runs from and whose addresses are handed
// out) and once read-write (a private view, never executable, that only this file writes
// through). Every batch appends to the current chunk, so stubs of different batches share
// pages, and compiling one costs no system call. No mapping is ever writable and
// executable at once; the writable view's address never leaves this file.
//
// Where the system refuses the double mapping (no memfd, an exec-forbidding policy), or a
// batch is larger than a chunk, allocCode falls back to sealing each batch into pages of
// its own.

import (
	"fmt"
	"sync"
	"unsafe"
)

// A dualMapper maps fresh memory twice, the two views sharing their pages: rw readable and
// writable, rx readable and executable. Each operating system's file sets dualPages; where
// it stays nil there is no arena.
type dualMapper interface {
	mapDual(size int) (rw []byte, rx uintptr, err error)
}

var dualPages dualMapper

// arenaChunkSize is the size of one arena chunk: room for a few thousand stubs.
const arenaChunkSize = 1 << 20

var arena struct {
	sync.Mutex
	rw     []byte  // the current chunk's writable view
	rx     uintptr // the same chunk's executable view
	used   int     // bytes of the current chunk handed out
	failed error   // why the arena is not used, once mapping a chunk failed
}

// arenaAlloc copies blobs into the arena and returns each one's executable address. It
// returns ok false, with nothing allocated, when the arena cannot take the batch: the
// caller then seals the batch into pages of its own.
func arenaAlloc(blobs [][]byte) (addrs []uintptr, ok bool) {
	if dualPages == nil {
		return nil, false
	}
	offsets, size, err := codeLayout(blobs, codeAlign)
	if err != nil || size > arenaChunkSize {
		return nil, false
	}
	arena.Lock()
	defer arena.Unlock()
	if arena.failed != nil {
		return nil, false
	}
	start := alignUp(arena.used, codeAlign)
	if arena.rw == nil || start+size > len(arena.rw) {
		rw, rx, err := dualPages.mapDual(arenaChunkSize)
		if err != nil {
			arena.failed = fmt.Errorf("jit: mapping a code arena chunk: %w", err)
			return nil, false
		}
		fillTrap(rw)
		mappedBytes.Add(arenaChunkSize)
		arena.rw, arena.rx, arena.used, start = rw, rx, 0, 0
	}
	addrs = make([]uintptr, len(blobs))
	for i, b := range blobs {
		copy(arena.rw[start+offsets[i]:], b)
		addrs[i] = arena.rx + uintptr(start+offsets[i])
	}
	flushICache(arena.rx+uintptr(start), uintptr(size))
	arena.used = start + size
	return addrs, true
}

// ArenaInUse reports whether stubs are packed into the code arena, and if not, why.
func ArenaInUse() (bool, error) {
	if dualPages == nil {
		return false, fmt.Errorf("jit: no code arena on this system")
	}
	arena.Lock()
	defer arena.Unlock()
	return arena.failed == nil, arena.failed
}

// arenaViews returns the current chunk's two views, for tests.
func arenaViews() (rw, rx uintptr) {
	arena.Lock()
	defer arena.Unlock()
	if arena.rw == nil {
		return 0, 0
	}
	return uintptr(unsafe.Pointer(unsafe.SliceData(arena.rw))), arena.rx
}

package jit

// Executable memory.
//
// Stubs are written into fresh anonymous pages that are readable and writable, and only
// then sealed read-execute. No page is ever writable and executable at once, so hardened
// kernels (SELinux execmem, PaX) accept it, and a page that has become executable is
// never made writable again, because another thread may already be running in it. Stubs
// compiled in one batch share pages, and a batch's pages are sealed together; a later
// batch always gets pages of its own.
//
// Where the system allows it, batches are not sealed into pages of their own but packed
// into the code arena (codearena.go), written through a second, private, writable view.
//
// Stub memory is never returned to the system: stubs are cached per signature and
// bindings keep their addresses for the life of the process. The memory is bounded by the
// number of distinct (ABI, signature, Options) keys compiled, plus at most one partly
// filled page per batch (or per arena chunk).

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"unsafe"
)

// codeAlign is the alignment of each stub within its pages; 16 bytes is what compilers
// give function entries so that the first instructions fetch in one go.
const codeAlign = 16

// A pageMapper maps, seals and unmaps anonymous pages for code. Each operating system's
// file sets pages; where it stays nil, jitffi cannot make executable memory.
type pageMapper interface {
	// mapRW maps size bytes (a multiple of the page size) of fresh zeroed memory,
	// readable and writable but not executable.
	mapRW(size int) ([]byte, error)
	// sealRX makes mem readable and executable and no longer writable.
	sealRX(mem []byte) error
	// unmap returns mem, which mapRW returned and which was never sealed.
	unmap(mem []byte) error
}

var pages pageMapper

// trapFill is the instruction pattern written into every byte of a batch's pages that no
// stub occupies, so a jump past a stub's end stops at once instead of running into the
// next stub: int3 on amd64, udf #0 (the all-zero word) on arm64. It is nil where jitffi
// knows no trap instruction.
var trapFill = map[string][]byte{
	"amd64": {0xCC},
	"arm64": {0x00, 0x00, 0x00, 0x00},
}[runtime.GOARCH]

// fillTrap fills mem with trapFill's pattern, doubling the filled part with each copy:
// a megabyte takes twenty copies rather than a million.
func fillTrap(mem []byte) {
	filled := copy(mem, trapFill)
	for filled < len(mem) {
		filled += copy(mem[filled:], mem[:filled])
	}
}

// flushICache makes freshly written code at [addr, addr+size) visible to instruction
// fetch on every core. x86 keeps its instruction cache coherent with data writes, so on
// amd64 it does nothing; arm64 needs a real flush (dc cvau, ic ivau, dsb, isb), which
// icache_arm64.go installs. Where it stays nil, allocCode refuses to run rather than hand
// out code the processor may not see.
var flushICache = map[string]func(addr, size uintptr){
	"amd64": func(addr, size uintptr) {},
}[runtime.GOARCH]

// mappedBytes counts the bytes of code memory mapped and kept, for tests.
var mappedBytes atomic.Int64

// codeLayout returns the offset of each blob in a batch and the batch's total size in
// bytes: each blob starts on a codeAlign boundary right after the previous one, and the
// total is rounded up to whole pages.
func codeLayout(blobs [][]byte, pageSize int) (offsets []int, size int, err error) {
	offsets = make([]int, len(blobs))
	off := 0
	for i, b := range blobs {
		if len(b) == 0 {
			return nil, 0, fmt.Errorf("jit: code blob %d of %d is empty", i, len(blobs))
		}
		off = alignUp(off, codeAlign)
		offsets[i] = off
		off += len(b)
	}
	return offsets, alignUp(off, pageSize), nil
}

// allocCode copies blobs into fresh pages, seals the pages read-execute and returns the
// address of each blob's copy. The memory is never freed (see the package comment). On
// failure nothing stays mapped.
func allocCode(blobs [][]byte) ([]uintptr, error) {
	if len(blobs) == 0 {
		return nil, nil
	}
	switch {
	case pages == nil:
		return nil, fmt.Errorf("jit: executable memory is not supported on %s", runtime.GOOS)
	case trapFill == nil:
		return nil, fmt.Errorf("jit: no trap instruction known for %s", runtime.GOARCH)
	case flushICache == nil:
		return nil, fmt.Errorf("jit: no instruction-cache flush for %s yet", runtime.GOARCH)
	}
	offsets, size, err := codeLayout(blobs, os.Getpagesize())
	if err != nil {
		return nil, err
	}
	if addrs, ok := arenaAlloc(blobs); ok {
		return addrs, nil
	}
	mem, err := pages.mapRW(size)
	if err != nil {
		return nil, fmt.Errorf("jit: mapping %d bytes for %d stubs: %w", size, len(blobs), err)
	}
	// The filler goes everywhere first, so the gaps between blobs trap as well as the tail.
	fillTrap(mem)
	for i, b := range blobs {
		copy(mem[offsets[i]:], b)
	}
	if err := pages.sealRX(mem); err != nil {
		if uerr := pages.unmap(mem); uerr != nil {
			err = errors.Join(err, fmt.Errorf("unmapping after the failure: %w", uerr))
		}
		return nil, fmt.Errorf("jit: making %d bytes of code executable: %w", size, err)
	}
	base := uintptr(unsafe.Pointer(unsafe.SliceData(mem)))
	flushICache(base, uintptr(size))
	mappedBytes.Add(int64(size))
	addrs := make([]uintptr, len(blobs))
	for i, off := range offsets {
		addrs[i] = base + uintptr(off)
	}
	return addrs, nil
}

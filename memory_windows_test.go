package jitffi_test

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// MEM_COMMIT and MEM_PRIVATE: committed memory that is not mapped from a file.
const (
	memCommit  = 0x1000
	memPrivate = 0x20000
)

// processMemory returns the number of private executable regions (the pages of JIT code
// and trampolines) and the working set size in bytes.
func processMemory(t *testing.T) (codeMappings int, rss int64) {
	t.Helper()
	var addr uintptr
	for {
		var mbi windows.MemoryBasicInformation
		if err := windows.VirtualQuery(addr, &mbi, unsafe.Sizeof(mbi)); err != nil || mbi.RegionSize == 0 {
			break
		}
		if mbi.State == memCommit && mbi.Type == memPrivate && mbi.Protect == windows.PAGE_EXECUTE_READ {
			codeMappings++
		}
		next := mbi.BaseAddress + mbi.RegionSize
		if next <= addr {
			break
		}
		addr = next
	}
	var pmc processMemoryCounters
	pmc.cb = uint32(unsafe.Sizeof(pmc))
	if ok, _, err := getProcessMemoryInfo.Call(uintptr(windows.CurrentProcess()), uintptr(unsafe.Pointer(&pmc)), uintptr(pmc.cb)); ok == 0 {
		t.Fatal(err)
	}
	return codeMappings, int64(pmc.workingSetSize)
}

// processMemoryCounters is psapi's PROCESS_MEMORY_COUNTERS.
type processMemoryCounters struct {
	cb                         uint32
	pageFaultCount             uint32
	peakWorkingSetSize         uintptr
	workingSetSize             uintptr
	quotaPeakPagedPoolUsage    uintptr
	quotaPagedPoolUsage        uintptr
	quotaPeakNonPagedPoolUsage uintptr
	quotaNonPagedPoolUsage     uintptr
	pagefileUsage              uintptr
	peakPagefileUsage          uintptr
}

var getProcessMemoryInfo = windows.NewLazySystemDLL("psapi.dll").NewProc("GetProcessMemoryInfo")

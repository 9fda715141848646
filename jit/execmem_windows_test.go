package jit

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// TestWindowsCodePagesAreRX checks on Windows what checkWX checks through /proc/self/maps
// on Linux: every page holding stubs is committed PAGE_EXECUTE_READ, neither writable nor
// executable-and-writable, and stays so when later batches are mapped.
func TestWindowsCodePagesAreRX(t *testing.T) {
	var all []uintptr
	for _, b := range [][][]byte{testBlobs(3, 100), testBlobs(50, 300), testBlobs(1, 10)} {
		addrs, err := allocCode(b)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, addrs...)
	}
	checkCodePagesRX(t, all)
}

func init() { checkCodePagesOS = checkCodePagesRX }

// checkCodePagesRX fails the test unless every address in addrs is in committed
// PAGE_EXECUTE_READ memory.
func checkCodePagesRX(t *testing.T, addrs []uintptr) {
	t.Helper()
	for _, a := range addrs {
		var mbi windows.MemoryBasicInformation
		if err := windows.VirtualQuery(a, &mbi, unsafe.Sizeof(mbi)); err != nil {
			t.Fatalf("VirtualQuery(%#x): %v", a, err)
		}
		if mbi.State != windows.MEM_COMMIT || mbi.Protect != windows.PAGE_EXECUTE_READ {
			t.Errorf("code at %#x: region %#x+%#x state %#x protection %#x, want committed PAGE_EXECUTE_READ (%#x)",
				a, mbi.BaseAddress, mbi.RegionSize, mbi.State, mbi.Protect, windows.PAGE_EXECUTE_READ)
		}
	}
}

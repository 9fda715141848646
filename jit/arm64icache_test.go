package jit

import (
	"errors"
	"os"
	"testing"
)

// countFlushes replaces the instruction-cache hook for the rest of the test with one that
// records each range it is asked to flush, then does what the real one does.
func countFlushes(t *testing.T) *[][2]uintptr {
	t.Helper()
	old := flushICache
	if old == nil {
		t.Skip("no instruction-cache hook on this platform, so allocCode refuses to run")
	}
	var calls [][2]uintptr
	flushICache = func(addr, size uintptr) {
		calls = append(calls, [2]uintptr{addr, size})
		old(addr, size)
	}
	t.Cleanup(func() { flushICache = old })
	return &calls
}

// TestAllocCodeFlushesEveryBatch checks that every path on which allocCode makes memory
// executable flushes exactly the pages it sealed, once, and that the paths that make
// nothing executable flush nothing. qemu cannot catch a missing flush on arm64: real
// cores would run stale bytes, so the call itself is what the test pins.
func TestAllocCodeFlushesEveryBatch(t *testing.T) {
	withoutArena(t) // TestArenaFlushesEveryBatch checks the arena's path
	calls := countFlushes(t)
	ps := uintptr(os.Getpagesize())
	for _, blobs := range [][][]byte{testBlobs(1, 8), testBlobs(40, 100), {make([]byte, 3*ps)}} {
		*calls = nil
		addrs, err := allocCode(blobs)
		if err != nil {
			t.Fatal(err)
		}
		if len(*calls) != 1 {
			t.Fatalf("%d blobs: %d flushes, want 1", len(blobs), len(*calls))
		}
		c := (*calls)[0]
		last := len(blobs) - 1
		end := addrs[last] + uintptr(len(blobs[last]))
		if c[0] != pageOf(addrs[0]) || c[0]%ps != 0 || c[1]%ps != 0 || c[0]+c[1] < end {
			t.Errorf("flushed [%#x, +%#x), want the whole pages holding [%#x, %#x)", c[0], c[1], addrs[0], end)
		}
	}

	for _, f := range []*failingPages{{failMap: true}, {failSeal: true}} {
		*calls = nil
		injectPages(t, f)
		if _, err := allocCode(testBlobs(2, 8)); !errors.Is(err, errInjected) {
			t.Fatalf("allocCode = %v, want the injected error", err)
		}
		if len(*calls) != 0 {
			t.Errorf("a failed batch (map %v, seal %v) flushed %v", f.failMap, f.failSeal, *calls)
		}
	}
}

// TestAllocCodeRefusesWithoutFlush checks that a platform without an instruction-cache
// hook gets an error rather than code its processor may not see.
func TestAllocCodeRefusesWithoutFlush(t *testing.T) {
	old := flushICache
	flushICache = nil
	t.Cleanup(func() { flushICache = old })
	f := &failingPages{}
	injectPages(t, f)
	if _, err := allocCode(testBlobs(1, 8)); err == nil {
		t.Fatal("allocCode ran without an instruction-cache flush")
	}
	if f.mapped != nil {
		t.Error("allocCode mapped memory it was going to refuse")
	}
}

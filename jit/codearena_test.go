package jit

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

// needArena skips where the system gives no double mapping; on Linux it must exist.
func needArena(t *testing.T) {
	t.Helper()
	if ok, err := ArenaInUse(); !ok {
		if runtime.GOOS == "linux" {
			t.Fatalf("no code arena on Linux: %v", err)
		}
		t.Skipf("no code arena here: %v", err)
	}
}

// TestArenaPacksBatches checks that separate batches share pages through the arena, that
// what runs is what was written, and that no mapping is writable and executable at once:
// the writable view is not executable and the executable one is not writable.
func TestArenaPacksBatches(t *testing.T) {
	needArena(t)
	var addrs []uintptr
	var blobs [][]byte
	for i := 0; i < 10; i++ {
		b := testBlobs(1, 40+i)
		a, err := allocCode(b)
		if err != nil {
			t.Fatal(err)
		}
		addrs, blobs = append(addrs, a[0]), append(blobs, b[0])
	}
	for i, a := range addrs {
		if got := codeAt(a, len(blobs[i])); !bytes.Equal(got, blobs[i]) {
			t.Errorf("batch %d at %#x reads % x, want % x", i, a, got, blobs[i])
		}
		if i > 0 && pageOf(a) != pageOf(addrs[0]) && a-addrs[i-1] > 128 {
			t.Errorf("batch %d at %#x is not packed after batch %d at %#x", i, a, i-1, addrs[i-1])
		}
	}
	if pageOf(addrs[0]) != pageOf(addrs[1]) && pageOf(addrs[1]) != pageOf(addrs[2]) {
		t.Errorf("three small batches landed on three pages: %#x %#x %#x", addrs[0], addrs[1], addrs[2])
	}
	checkWX(t, addrs)
	if runtime.GOOS == "linux" {
		rw, rx := arenaViews()
		for _, m := range readMaps(t) {
			switch {
			case m.lo <= rw && rw < m.hi && !strings.HasPrefix(m.perms, "rw-s"):
				t.Errorf("the arena's writable view %#x is mapped %s, want rw-s", rw, m.perms)
			case m.lo <= rx && rx < m.hi && !strings.HasPrefix(m.perms, "r-xs"):
				t.Errorf("the arena's executable view %#x is mapped %s, want r-xs", rx, m.perms)
			}
		}
	}
}

// TestArenaFlushesEveryBatch checks that each batch packed into the arena flushes exactly
// its own bytes, through the executable view.
func TestArenaFlushesEveryBatch(t *testing.T) {
	needArena(t)
	calls := countFlushes(t)
	for _, blobs := range [][][]byte{testBlobs(1, 8), testBlobs(40, 100)} {
		*calls = nil
		addrs, err := allocCode(blobs)
		if err != nil {
			t.Fatal(err)
		}
		last := len(blobs) - 1
		end := addrs[last] + uintptr(len(blobs[last]))
		if len(*calls) != 1 || (*calls)[0][0] != addrs[0] || (*calls)[0][0]+(*calls)[0][1] < end {
			t.Errorf("%d blobs at [%#x, %#x): flushes %#x, want one over the batch", len(blobs), addrs[0], end, *calls)
		}
	}
}

// TestArenaFallsBackToPages checks that a batch larger than a chunk still compiles, into
// pages of its own.
func TestArenaFallsBackToPages(t *testing.T) {
	needArena(t)
	big := make([]byte, arenaChunkSize+1)
	for i := range big {
		big[i] = trapFill[i%len(trapFill)]
	}
	addrs, err := allocCode([][]byte{big})
	if err != nil {
		t.Fatal(err)
	}
	if rw, rx := arenaViews(); addrs[0] >= rx && addrs[0] < rx+arenaChunkSize || addrs[0] == rw {
		t.Errorf("a %d-byte batch landed in the arena", len(big))
	}
	checkWX(t, addrs)
}

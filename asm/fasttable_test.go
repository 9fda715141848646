//go:build amd64 || arm64

package asm_test

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"github.com/jitffi/jitffi/asm"
)

// Thread pointers in these tests are made up: any values 4-byte aligned, as real ones are.

// markAt marks thread tp in ft and fails the test unless the mark is at index want among
// the owned slots (owned) or the spill slots, with bit 0 set on the thread's key.
func markAt(t *testing.T, ft *asm.FastTable, tp uintptr, want int, owned bool) asm.FastMark {
	t.Helper()
	m := ft.Mark(tp)
	if i, o := ft.Where(m); i != want || o != owned {
		t.Fatalf("thread %#x marked at %s slot %d, want %s slot %d", tp, kind(o), i, kind(owned), want)
	}
	if v := ft.Value(m); v != tp|3 {
		t.Fatalf("thread %#x's marked slot holds %#x, want %#x", tp, v, tp|3)
	}
	return m
}

func kind(owned bool) string {
	if owned {
		return "owned"
	}
	return "spill"
}

// checkMarked fails the test unless exactly the threads in want are marked among tps.
func checkMarked(t *testing.T, ft *asm.FastTable, tps []uintptr, want ...uintptr) {
	t.Helper()
	for _, tp := range tps {
		w := false
		for _, x := range want {
			w = w || x == tp
		}
		if got := ft.Marked(tp); got != w {
			t.Errorf("Marked(%#x) = %v, want %v", tp, got, w)
		}
	}
}

// TestFastTableOwnedSlots sends every thread to slot 0: the second thread must own the
// next slot rather than overwrite the first's, its mark must survive the first's ending
// (the marks a table of one plain store per call lost), and each thread's later calls
// come back to the slot it owns.
func TestFastTableOwnedSlots(t *testing.T) {
	ft := asm.NewFastTable(0)
	a, b, c := uintptr(0x1000), uintptr(0x2000), uintptr(0x3000)
	tps := []uintptr{a, b, c}
	ma := markAt(t, ft, a, 0, true)
	mb := markAt(t, ft, b, 1, true)
	if ft.Probe() != 1 {
		t.Fatalf("probe %d after a thread took the slot after its hash slot, want 1", ft.Probe())
	}
	checkMarked(t, ft, tps, a, b)
	ft.Clear(ma)
	if v := ft.Value(ma); v != a|2 {
		t.Fatalf("slot 0 holds %#x after its owner's call, want the owner's key %#x", v, a|2)
	}
	checkMarked(t, ft, tps, b)
	mc := markAt(t, ft, c, 2, true) // slot 0 stays a's
	checkMarked(t, ft, tps, b, c)
	ma = markAt(t, ft, a, 0, true)
	checkMarked(t, ft, tps, a, b, c)
	for _, m := range []asm.FastMark{ma, mb, mc} {
		ft.Clear(m)
	}
	checkMarked(t, ft, tps)
	markAt(t, ft, b, 1, true)
	checkMarked(t, ft, tps, b)
}

// TestFastTableSpills fills a hash slot's neighbours with owners: a further thread marks
// its calls in a spill slot, freed after each call, and the owners keep theirs.
func TestFastTableSpills(t *testing.T) {
	ft := asm.NewFastTable(0)
	var owners []uintptr
	for i := range asm.FastNeighbours {
		tp := uintptr(i+1) << 8
		owners = append(owners, tp)
		ft.Clear(markAt(t, ft, tp, i, true))
	}
	x, y := uintptr(0xa000), uintptr(0xb000)
	tps := append([]uintptr{x, y}, owners...)
	mx := markAt(t, ft, x, 0, false)
	my := markAt(t, ft, y, 1, false)
	mo := markAt(t, ft, owners[3], 3, true)
	checkMarked(t, ft, tps, x, y, owners[3])
	ft.Clear(mx)
	if v := ft.Value(mx); v != 0 {
		t.Fatalf("spill slot 0 holds %#x after the call, want 0", v)
	}
	checkMarked(t, ft, tps, y, owners[3])
	ft.Clear(my)
	ft.Clear(mo)
	checkMarked(t, ft, tps)
	markAt(t, ft, y, 0, false)
	checkMarked(t, ft, tps, y)
}

// TestFastTableWrapsAround marks two threads whose hash slot is the last one: the second
// owns slot 0.
func TestFastTableWrapsAround(t *testing.T) {
	last := asm.FastTableSlots - 1
	var tps []uintptr
	for tp := uintptr(1) << 12; len(tps) < 2; tp += 1 << 12 {
		if asm.FastHome(asm.FastThreadHash, tp) == last {
			tps = append(tps, tp)
		}
	}
	ft := asm.NewFastTable(asm.FastThreadHash)
	ma := markAt(t, ft, tps[0], last, true)
	markAt(t, ft, tps[1], 0, true)
	checkMarked(t, ft, tps, tps[0], tps[1])
	ft.Clear(ma)
	checkMarked(t, ft, tps, tps[1])
}

// TestFastTableSpillFull takes every spill slot: a further thread that must spill waits
// until one is freed instead of overwriting one.
func TestFastTableSpillFull(t *testing.T) {
	ft := asm.NewFastTable(0)
	for i := range asm.FastNeighbours {
		ft.Clear(ft.Mark(uintptr(i+1) << 8))
	}
	var spilled []asm.FastMark
	for i := range asm.FastSpillSlots {
		spilled = append(spilled, markAt(t, ft, uintptr(i+1)<<16, i, false))
	}

	// The waiting mark spins in assembly, which holds its P and cannot stop for a
	// collection: this goroutine needs a P of its own, and no collection may start.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	runtime.GC()
	const late = uintptr(0xfff000)
	marked := make(chan asm.FastMark, 1)
	go func() { marked <- ft.Mark(late) }()
	select {
	case m := <-marked:
		i, owned := ft.Where(m)
		t.Fatalf("a thread marked itself in %s slot %d (holding %#x) while every spill slot was taken", kind(owned), i, ft.Value(m))
	case <-time.After(50 * time.Millisecond):
	}
	const freed = 70
	ft.Clear(spilled[freed])
	m := <-marked
	if i, owned := ft.Where(m); i != freed || owned || ft.Value(m) != late|3 {
		t.Fatalf("the waiting thread marked itself in %s slot %d holding %#x, want spill slot %d holding %#x", kind(owned), i, ft.Value(m), freed, late|3)
	}
	if !ft.Marked(late) || ft.Marked(uintptr(freed+1)<<16) {
		t.Fatalf("after the wait: the waiting thread marked %v, the one that left %v", ft.Marked(late), ft.Marked(uintptr(freed+1)<<16))
	}
}

// TestFastTableConcurrentMarks has goroutines mark, check and clear at once, all sent to
// slot 0, twice as many as can own a slot there: no mark may land where another thread's
// is, nor be lost while others come and go.
func TestFastTableConcurrentMarks(t *testing.T) {
	ft := asm.NewFastTable(0)
	workers, rounds := 2*asm.FastNeighbours, 10_000
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tp := uintptr(w+1) << 8
			check := func(r int, m asm.FastMark, when string, want bool) bool {
				if got := ft.Marked(tp); got != want || want && ft.Value(m) != tp|3 {
					i, owned := ft.Where(m)
					errs <- fmt.Errorf("thread %d, round %d, %s: marked %v, want %v; its %s slot %d holds %#x", w, r, when, got, want, kind(owned), i, ft.Value(m))
					return false
				}
				return true
			}
			for r := range rounds {
				m := ft.Mark(tp)
				if !check(r, m, "after marking", true) {
					return
				}
				runtime.Gosched() // stay marked while others mark
				if !check(r, m, "while others marked", true) {
					return
				}
				ft.Clear(m)
				if !check(r, m, "after clearing", false) {
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

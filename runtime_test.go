//go:build cgo || windows || (linux && (amd64 || arm64))

package jitffi_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/jitffi/jitffi"
)

// TestConcurrentBindAndCall binds the same and different signatures from 100 goroutines
// at once and calls them concurrently; run it under -race too.
func TestConcurrentBindAndCall(t *testing.T) {
	libc := openLib(t, libcName)
	libm := openLib(t, libmName)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := 0; g < 100; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch g % 4 {
			case 0:
				abs, err := jitffi.Bind1[int32, int32](libc, "abs")
				if err != nil {
					errs <- err
					return
				}
				for i := int32(0); i < 200; i++ {
					if got := abs.Call(-i - int32(g)); got != i+int32(g) {
						t.Errorf("abs(%d) = %d", -i-int32(g), got)
						return
					}
				}
			case 1:
				labs, err := jitffi.Bind1[int64, int64](libc, abs64Name, jitffi.Fast())
				if err != nil {
					errs <- err
					return
				}
				for i := int64(0); i < 200; i++ {
					if got := labs.Call(-i << 33); got != i<<33 {
						t.Errorf("labs = %d", got)
						return
					}
				}
			case 2:
				ldiv, err := jitffi.Bind2[int64, int64, ldivT](libc, div64Name)
				if err != nil {
					errs <- err
					return
				}
				for i := int64(1); i < 200; i++ {
					if got := ldiv.Call(int64(g)*1000+i, i); got.Quot != (int64(g)*1000+i)/i || got.Rem != (int64(g)*1000+i)%i {
						t.Errorf("ldiv(%d, %d) = %+v", int64(g)*1000+i, i, got)
						return
					}
				}
			case 3:
				fmax, err := jitffi.Bind2[float64, float64, float64](libm, "fmax")
				if err != nil {
					errs <- err
					return
				}
				for i := 0; i < 200; i++ {
					if got := fmax.Call(float64(i), float64(g)); got != max(float64(i), float64(g)) {
						t.Errorf("fmax = %v", got)
						return
					}
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

// TestGCWhileCalling runs the collector in a loop while other goroutines make calls that
// pass heap pointers; every call must see its own data intact.
func TestGCWhileCalling(t *testing.T) {
	libc := openLib(t, libcName)
	strlen := must(jitffi.Bind1[*byte, uintptr](libc, "strlen"))
	memset := must(jitffi.Bind3[unsafe.Pointer, int32, uintptr, unsafe.Pointer](libc, "memset", jitffi.Fast()))
	stop := make(chan struct{})
	var gcs atomic.Int64
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
				gcs.Add(1)
			}
		}
	}()
	var wg sync.WaitGroup
	var calls atomic.Int64
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				n := 1 + (i+g)%300
				buf := make([]byte, n+1)
				memset.Call(unsafe.Pointer(&buf[0]), 'x', uintptr(n))
				if got := strlen.Call(&buf[0]); got != uintptr(n) {
					t.Errorf("strlen after memset(%d) = %d", n, got)
					return
				}
				calls.Add(1)
			}
		}()
	}
	// Each cycle must stop goroutines that spin on calls, which a loaded machine makes
	// slow: the count matters, not the time.
	const wantGCs = 10
	deadline := time.Now().Add(60 * time.Second)
	for gcs.Load() < wantGCs && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if gcs.Load() < wantGCs || calls.Load() == 0 {
		t.Fatalf("%d GC cycles and %d calls ran together, want at least %d and some", gcs.Load(), calls.Load(), wantGCs)
	}
}

// TestBlockingCallStallsNothing makes a default-mode call that sleeps 1.5 s in C and checks
// that other goroutines keep running and that a full GC cycle completes meanwhile: the call
// released its P, as a cgo call does.
func TestBlockingCallStallsNothing(t *testing.T) {
	// Long enough that the checks below finish well within it even on a loaded machine.
	sleepLong := sleepInC(t, 1500*time.Millisecond)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1)) // one P: a held P would stall everything
	started := make(chan struct{})
	done := make(chan time.Duration, 1)
	var returned atomic.Bool
	go func() {
		close(started)
		t0 := time.Now()
		sleepLong()
		returned.Store(true)
		done <- time.Since(t0)
	}()
	<-started
	time.Sleep(20 * time.Millisecond) // let the sleeper enter C
	var ticks int
	t0 := time.Now()
	for time.Since(t0) < 50*time.Millisecond {
		ticks++
		runtime.Gosched()
	}
	gcStart := time.Now()
	runtime.GC()
	gcTook := time.Since(gcStart)
	// With the only P held by the sleeper, none of the above could run before the sleep
	// ended: the order of events, not only their durations, shows the P was released.
	if returned.Load() {
		t.Fatal("the work on the only P ran only after the C sleep had returned: the call held its P")
	}
	slept := <-done
	if slept < 1490*time.Millisecond {
		t.Fatalf("a 1.5 s sleep in C returned after %v", slept)
	}
	if ticks == 0 {
		t.Error("no progress on the only P while C slept")
	}
	if gcTook > 1200*time.Millisecond {
		t.Errorf("runtime.GC took %v while C slept: the call held its P", gcTook)
	}
}

// TestCallsDoNotAllocate checks the hot path: a typed call allocates nothing, in both
// modes, with integer, float, struct and pointer arguments.
func TestCallsDoNotAllocate(t *testing.T) {
	libc := openLib(t, libcName)
	libm := openLib(t, libmName)
	abs := must(jitffi.Bind1[int32, int32](libc, "abs"))
	absFast := must(jitffi.Bind1[int32, int32](libc, "abs", jitffi.Fast()))
	pow := must(jitffi.Bind2[float64, float64, float64](libm, "pow"))
	ldiv := must(jitffi.Bind2[int64, int64, ldivT](libc, div64Name))
	strlen := must(jitffi.Bind1[*byte, uintptr](libc, "strlen"))
	str := must(jitffi.CString("heap string"))
	for name, f := range map[string]func(){
		"abs":          func() { abs.Call(-3) },
		"abs-fast":     func() { absFast.Call(-3) },
		"pow":          func() { pow.Call(2, 0.5) },
		"ldiv":         func() { ldiv.Call(100, 7) },
		"strlen":       func() { strlen.Call(str) },
		"strlen-errno": func() { strlen.CallErrno(str) },
	} {
		if n := testing.AllocsPerRun(1000, f); n != 0 {
			t.Errorf("%s: %v allocations per call, want 0", name, n)
		}
	}
}

// TestPointerArgumentsEscape checks the cgo rule: a pointer to a local variable passed
// through Call moves that variable to the heap (one allocation), and the NoEscape view
// leaves it on the stack (none).
func TestPointerArgumentsEscape(t *testing.T) {
	libc := openLib(t, libcName)
	strlen := must(jitffi.Bind1[*[8]byte, uintptr](libc, "strlen"))
	noEscape := strlen.NoEscape()
	escaping := testing.AllocsPerRun(1000, func() {
		local := [8]byte{'a', 'b', 'c'}
		if strlen.Call(&local) != 3 {
			panic("strlen")
		}
	})
	staying := testing.AllocsPerRun(1000, func() {
		local := [8]byte{'a', 'b', 'c'}
		if noEscape.Call(&local) != 3 {
			panic("strlen")
		}
	})
	if escaping != 1 || staying != 0 {
		t.Errorf("allocations per call: Call %v (want 1: the local escapes), NoEscape %v (want 0)", escaping, staying)
	}
}

// TestPurego451ConcurrentStructResults is the regression test for purego #451, where
// concurrent calls returning structs swapped result buffers: here each goroutine's results
// live in its own frame, in both call modes, and pointer out-parameters stay per call.
func TestPurego451ConcurrentStructResults(t *testing.T) {
	libc := openLib(t, libcName)
	ldiv := must(jitffi.Bind2[int64, int64, ldivT](libc, div64Name))
	ldivFast := must(jitffi.Bind2[int64, int64, ldivT](libc, div64Name, jitffi.Fast()))
	type wide struct{ A, B, C int64 }
	memcpyWide := must(jitffi.Bind3[*wide, *wide, uintptr, unsafe.Pointer](libc, "memcpy"))
	var wg sync.WaitGroup
	for g := int64(1); g <= 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int64(1); i <= 2000; i++ {
				f := ldiv
				if i%2 == 0 {
					f = ldivFast
				}
				n := g*1_000_003 + i
				if got := f.Call(n, g+1); got.Quot != n/(g+1) || got.Rem != n%(g+1) {
					t.Errorf("goroutine %d: ldiv(%d, %d) = %+v", g, n, g+1, got)
					return
				}
				src, dst := &wide{g, i, -g * i}, new(wide)
				memcpyWide.Call(dst, src, unsafe.Sizeof(*src))
				if *dst != *src {
					t.Errorf("goroutine %d: memcpy copied %+v, want %+v", g, *dst, *src)
					return
				}
			}
		}()
	}
	wg.Wait()
}

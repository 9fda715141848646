//go:build (linux && (cgo || amd64 || arm64)) || windows

package jitffi_test

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

// callbackLib binds the C side of the callback tests (fixtures.CallbacksSource).
type callbackLib struct {
	call    jitffi.Func2[*jitffi.Callback, int64, int64]
	callN   jitffi.Func2[*jitffi.Callback, int64, int64]
	threads jitffi.Func3[*jitffi.Callback, int32, int64, int64]
}

func openCallbackLib(t *testing.T) callbackLib {
	t.Helper()
	lib := fixtureLib(t, "callbacks")
	return callbackLib{
		call:    must(jitffi.Bind2[*jitffi.Callback, int64, int64](lib, "cb_call")),
		callN:   must(jitffi.Bind2[*jitffi.Callback, int64, int64](lib, "cb_call_n")),
		threads: must(jitffi.Bind3[*jitffi.Callback, int32, int64, int64](lib, "cb_threads")),
	}
}

func newCallback(t testing.TB, fn func(int64) int64) *jitffi.Callback {
	t.Helper()
	cb, err := jitffi.NewCallback1(fn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cb.Free)
	return cb
}

// sumOf returns the sum of f(i) for i in [0, n).
func sumOf(n int64, f func(int64) int64) int64 {
	var s int64
	for i := int64(0); i < n; i++ {
		s += f(i)
	}
	return s
}

// TestCallbackFromCThread has a thread that C created call a callback 10^4 times: the
// runtime attaches the thread to Go for each call.
func TestCallbackFromCThread(t *testing.T) {
	c := openCallbackLib(t)
	var calls atomic.Int64
	cb := newCallback(t, func(x int64) int64 { calls.Add(1); return 2*x + 1 })
	const n = 10_000
	if got, want := c.threads.Call(cb, 1, n), sumOf(n, func(x int64) int64 { return 2*x + 1 }); got != want {
		t.Fatalf("sum over a C thread = %d, want %d", got, want)
	}
	if calls.Load() != n {
		t.Fatalf("the callback ran %d times, want %d", calls.Load(), n)
	}
}

// TestCallbacksFromManyCThreads has 8 C threads call one callback at once; CI runs it
// with the race detector too.
func TestCallbacksFromManyCThreads(t *testing.T) {
	c := openCallbackLib(t)
	var mu sync.Mutex
	seen := map[int64]int{}
	cb := newCallback(t, func(x int64) int64 {
		mu.Lock()
		seen[x]++
		mu.Unlock()
		return x
	})
	const threads, n = 8, 2000
	if got, want := c.threads.Call(cb, threads, n), threads*sumOf(n, func(x int64) int64 { return x }); got != want {
		t.Fatalf("sum over %d C threads = %d, want %d", threads, got, want)
	}
	for x := int64(0); x < n; x++ {
		if seen[x] != threads {
			t.Fatalf("the callback saw %d %d times, want %d", x, seen[x], threads)
		}
	}
}

const freeStormChild = "JITFFI_FREE_STORM_CHILD"

// TestFreeFromManyGoroutines has 8 goroutines make callbacks, call them through C and
// free them at once: a third freed once, a third twice in a row, a third by two
// goroutines at the same moment. A Free that took effect twice would hand one address to
// two later callbacks, so all the callbacks made afterwards must have addresses of their
// own and run their own functions. It runs in a child process, where no slot freed by an
// earlier test comes before these. CI runs it under the race detector too.
func TestFreeFromManyGoroutines(t *testing.T) {
	if os.Getenv(freeStormChild) == "" {
		if out, err := runChild(t, "TestFreeFromManyGoroutines", freeStormChild); err != nil || !strings.Contains(out, "PASS") {
			t.Fatalf("the child failed (%v):\n%s", err, out)
		}
		return
	}
	c := openCallbackLib(t)
	workers, rounds := 8, 3000
	if testing.Short() || raceEnabled {
		rounds = 600
	}
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				k := int64(w*rounds + r)
				cb, err := jitffi.NewCallback1(func(x int64) int64 { return x + k })
				if err != nil {
					errs <- err
					return
				}
				if got := c.call.Call(cb, 1_000_000); got != 1_000_000+k {
					errs <- fmt.Errorf("worker %d, round %d: the callback returned %d, want %d", w, r, got, 1_000_000+k)
					return
				}
				switch r % 3 {
				case 0:
					cb.Free()
				case 1:
					cb.Free()
					cb.Free()
				case 2:
					var both sync.WaitGroup
					both.Add(2)
					for range 2 {
						go func() { defer both.Done(); cb.Free() }()
					}
					both.Wait()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	n := workers * rounds
	seen := make(map[uintptr]int, n)
	cbs := make([]*jitffi.Callback, n)
	for i := range cbs {
		k := int64(i)
		cbs[i] = newCallback(t, func(x int64) int64 { return x - k })
		if j, dup := seen[cbs[i].Addr()]; dup {
			t.Fatalf("callbacks %d and %d made after the frees share the address %#x", j, i, cbs[i].Addr())
		}
		seen[cbs[i].Addr()] = i
	}
	for i, cb := range cbs {
		if got := c.call.Call(cb, 1_000_000); got != 1_000_000-int64(i) {
			t.Fatalf("callback %d made after the frees returned %d, want %d", i, got, 1_000_000-int64(i))
		}
	}
}

// TestCallbackBlocks has callbacks wait on a channel that another goroutine fills while C
// waits for them, on the goroutine that made the C call and on threads C created, with
// GOMAXPROCS 1: the other goroutine gets to run only if a blocked callback gives its P
// back, as a goroutine blocking in Go does.
func TestCallbackBlocks(t *testing.T) {
	c := openCallbackLib(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	requests, replies := make(chan int64), make(chan int64)
	defer close(requests)
	go func() {
		for x := range requests {
			replies <- x * x
		}
	}()
	var mu sync.Mutex // the C threads' callbacks take turns with the one server
	cb := newCallback(t, func(x int64) int64 {
		mu.Lock()
		defer mu.Unlock()
		requests <- x
		return <-replies
	})
	square := func(x int64) int64 { return x * x }
	if got, want := c.callN.Call(cb, 200), sumOf(200, square); got != want {
		t.Fatalf("C calling a blocking callback on the calling goroutine: sum %d, want %d", got, want)
	}
	if got, want := c.threads.Call(cb, 4, 100), 4*sumOf(100, square); got != want {
		t.Fatalf("4 C threads calling a blocking callback: sum %d, want %d", got, want)
	}
}

// TestCallbackGrowsStackAndCollects makes callbacks that grow the goroutine stack deep
// (so the runtime copies it while C is on the call stack) and force collections, during
// default-mode calls: the downcall stub must find its frame again, and no Go memory the
// callbacks use may be lost.
func TestCallbackGrowsStackAndCollects(t *testing.T) {
	c := openCallbackLib(t)
	keep := make([][]byte, 0, 64)
	cb := newCallback(t, func(x int64) int64 {
		if x%8 == 0 {
			runtime.GC()
		}
		keep = append(keep[:min(len(keep), 63)], make([]byte, 1024))
		return int64(deepSum(int(x%4)*2000)) + x
	})
	for round := 0; round < 4; round++ {
		// A fresh goroutine starts with a small stack, so growth happens in every round.
		done := make(chan int64)
		go func() { done <- c.callN.Call(cb, 64) }()
		got := <-done
		want := sumOf(64, func(x int64) int64 { return int64(deepSum(int(x%4)*2000)) + x })
		if got != want {
			t.Fatalf("round %d: sum %d, want %d", round, got, want)
		}
	}
}

//go:noinline
func deepSum(n int) int {
	var pad [128]byte
	pad[n%128] = 1
	if n == 0 {
		return int(pad[0])
	}
	return deepSum(n-1) + int(pad[n%128])
}

// TestNestedCallbacks goes Go -> C -> Go -> C -> Go -> C -> Go.
func TestNestedCallbacks(t *testing.T) {
	c := openCallbackLib(t)
	inner := newCallback(t, func(x int64) int64 { return x + 1000 })
	middle := newCallback(t, func(x int64) int64 { return c.call.Call(inner, x*10) })
	outer := newCallback(t, func(x int64) int64 { return c.call.Call(middle, x+1) })
	if got := c.call.Call(outer, 4); got != (4+1)*10+1000 {
		t.Fatalf("nested = %d, want %d", got, (4+1)*10+1000)
	}
}

// TestCallbackPanicReachesGoCaller checks that a panic in a callback behaves as in a
// cgo //export function: it unwinds through the C frames to the Go code that made the C
// call, which can recover it; calls work as before afterwards.
func TestCallbackPanicReachesGoCaller(t *testing.T) {
	c := openCallbackLib(t)
	boom := errors.New("boom in a callback")
	cb := newCallback(t, func(x int64) int64 {
		if x == 3 {
			panic(boom)
		}
		return x
	})
	func() {
		defer func() {
			if r := recover(); r != boom {
				t.Fatalf("recovered %v, want the callback's panic", r)
			}
		}()
		c.callN.Call(cb, 10)
		t.Fatal("the panic did not reach the Go caller")
	}()
	if got := c.callN.Call(cb, 3); got != 0+1+2 {
		t.Fatalf("after the panic: sum %d, want 3", got)
	}
}

// TestTypedCallbackAllocatesNothing checks the typed path, a default call of C that calls
// a typed callback, for allocations.
func TestTypedCallbackAllocatesNothing(t *testing.T) {
	c := openCallbackLib(t)
	cb := newCallback(t, func(x int64) int64 { return x + 1 })
	c.call.Call(cb, 1)
	if n := testing.AllocsPerRun(1000, func() { c.call.Call(cb, 41) }); n != 0 {
		t.Fatalf("a call that calls back allocates %v times", n)
	}
}

// TestCallbackKinds calls the reflective and the dynamic callback through the same C code.
func TestCallbackKinds(t *testing.T) {
	c := openCallbackLib(t)
	refl, err := jitffi.NewCallbackFunc(func(x int64) int64 { return x * 7 })
	if err != nil {
		t.Fatal(err)
	}
	defer refl.Free()
	if got := c.call.Call(refl, 6); got != 42 {
		t.Fatalf("reflective callback: %d, want 42", got)
	}
	sig := must(abi.ParseSignature("int64_t (int64_t)"))
	var frame *jitffi.Frame
	dyn, err := jitffi.NewCallbackDynamic(sig, func(f *jitffi.Frame) {
		frame = f
		x := int64(leUint64(f.Arg(0)))
		putLEUint64(f.Result(), uint64(x-1))
	})
	if err != nil {
		t.Fatal(err)
	}
	defer dyn.Free()
	if got := c.call.Call(dyn, 43); got != 42 {
		t.Fatalf("dynamic callback: %d, want 42", got)
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(r.(string), "after the callback returned") {
				t.Fatalf("a callback's Frame used after the callback: recovered %v", r)
			}
		}()
		frame.Arg(0)
	}()
}

func leUint64(b []byte) uint64 {
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

func putLEUint64(b []byte, v uint64) {
	for i := range 8 {
		b[i] = byte(v >> (8 * i))
	}
}

// oversized is a struct argument larger than all the stack a call or callback may use.
type oversized struct{ B [jitffi.MaxStackBytes]byte }

// TestCallbackRefusals checks what a callback cannot be.
func TestCallbackRefusals(t *testing.T) {
	cases := []struct {
		name string
		make func() (*jitffi.Callback, error)
		want error
	}{
		{"fast", func() (*jitffi.Callback, error) {
			return jitffi.NewCallback1(func(x int64) int64 { return x }, jitffi.Fast())
		}, jitffi.ErrBadOption},
		{"variadic option", func() (*jitffi.Callback, error) {
			return jitffi.NewCallback2(func(x, y int64) int64 { return x }, jitffi.Variadic(1))
		}, jitffi.ErrBadVariadic},
		{"variadic signature", func() (*jitffi.Callback, error) {
			return jitffi.NewCallbackDynamic(must(abi.ParseSignature("int32_t (char*, ...)")), func(*jitffi.Frame) {})
		}, jitffi.ErrBadVariadic},
		{"nil func", func() (*jitffi.Callback, error) { return jitffi.NewCallback1[int64, int64](nil) }, jitffi.ErrUnsupportedType},
		{"string parameter", func() (*jitffi.Callback, error) {
			return jitffi.NewCallback1(func(s string) int64 { return 0 })
		}, jitffi.ErrUnsupportedType},
		{"*Callback parameter", func() (*jitffi.Callback, error) {
			return jitffi.NewCallback1(func(c *jitffi.Callback) int64 { return 0 })
		}, jitffi.ErrUnsupportedType},
		{"not a func", func() (*jitffi.Callback, error) { return jitffi.NewCallbackFunc(42) }, jitffi.ErrNotFunc},
		{"two results", func() (*jitffi.Callback, error) {
			return jitffi.NewCallbackFunc(func() (int64, int64) { return 0, 0 })
		}, jitffi.ErrUnsupportedType},
		{"frame over MaxStackBytes", func() (*jitffi.Callback, error) {
			return jitffi.NewCallback1(func(oversized) int64 { return 0 })
		}, jitffi.ErrTooLarge},
		{"frame over MaxStackBytes, dynamic", func() (*jitffi.Callback, error) {
			return jitffi.NewCallbackDynamic(must(abi.ParseSignature("int64_t (int64_t, struct { char b[65504]; })")), func(*jitffi.Frame) {})
		}, jitffi.ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cb, err := c.make()
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, %v; want an error wrapping %v", cb, err, c.want)
			}
		})
	}
}

// TestManyLiveCallbacks keeps 10^6 callbacks alive at once, calls a sample of them from C
// and frees them all. -short (emulated arm64 in CI) and the race detector make it 2*10^4.
func TestManyLiveCallbacks(t *testing.T) {
	n := 1_000_000
	if testing.Short() || raceEnabled {
		n = 20_000
	}
	c := openCallbackLib(t)
	cbs := make([]*jitffi.Callback, n)
	for i := range cbs {
		k := int64(i)
		cb, err := jitffi.NewCallback1(func(x int64) int64 { return x + k })
		if err != nil {
			t.Fatalf("callback %d: %v", i, err)
		}
		cbs[i] = cb
	}
	seen := map[uintptr]bool{}
	for i := 0; i < n; i += n / 1000 {
		if got := c.call.Call(cbs[i], 1_000_000_000); got != 1_000_000_000+int64(i) {
			t.Fatalf("callback %d of %d returned %d", i, n, got)
		}
		if seen[cbs[i].Addr()] {
			t.Fatalf("callback %d shares its address %#x", i, cbs[i].Addr())
		}
		seen[cbs[i].Addr()] = true
	}
	for _, cb := range cbs {
		cb.Free()
		cb.Free() // a second Free does nothing
	}
}

// TestCreateFreeCyclesKeepMemoryFlat makes and frees callbacks 10^6 times: freed slots
// are reused, so no trampoline memory is added, and the process does not grow.
func TestCreateFreeCyclesKeepMemoryFlat(t *testing.T) {
	n := 1_000_000
	if testing.Short() || raceEnabled {
		n = 20_000
	}
	c := openCallbackLib(t)
	fn := func(x int64) int64 { return x }
	cycle := func() {
		cb := must(jitffi.NewCallback1(fn))
		cb.Free()
	}
	for range 10_000 {
		cycle()
	}
	debug.FreeOSMemory()
	maps0, rss0 := processMemory(t)
	for i := 0; i < n; i++ {
		cycle()
		if i%100_000 == 0 {
			cb := must(jitffi.NewCallback1(fn))
			if got := c.call.Call(cb, int64(i)); got != int64(i) {
				t.Fatalf("cycle %d: %d", i, got)
			}
			cb.Free()
		}
	}
	debug.FreeOSMemory()
	maps1, rss1 := processMemory(t)
	t.Logf("%d cycles: executable mappings %d -> %d, RSS %d KiB -> %d KiB", n, maps0, maps1, rss0>>10, rss1>>10)
	if maps1 != maps0 {
		t.Errorf("executable mappings went from %d to %d over %d create/free cycles", maps0, maps1, n)
	}
	if rss1 > rss0+16<<20 {
		t.Errorf("RSS grew from %d KiB to %d KiB over %d create/free cycles", rss0>>10, rss1>>10, n)
	}
}

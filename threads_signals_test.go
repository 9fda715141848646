//go:build linux && (cgo || amd64 || arm64)

package jitffi_test

// Threads and signals around C calls, in both builds: with cgo they exercise runtime/cgo;
// with CGO_ENABLED=0 they exercise package internal/cgohooks, which must give the runtime
// the same threads (pthreads with the C library's thread-local state), the same extra Ms
// for threads C created, and the same signal handling. CI runs them with -count=3.

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// threadsSource is a C library that starts and joins threads of its own, spins, and
// raises a signal on a thread it created.
const threadsSource = `
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static __thread int64_t tls_count;

struct job { int64_t rounds; int64_t result; };

/* work mallocs and frees blocks of varying sizes, sets errno and counts in a thread-local
   variable, checking that neither is disturbed: the sum of the bytes it wrote, or a
   negative error. */
static void *work(void *p) {
	struct job *j = p;
	int64_t sum = 0;
	for (int64_t i = 0; i < j->rounds; i++) {
		unsigned char *b = malloc(64 + (size_t)(i % 512));
		if (b == NULL) { j->result = -1; return NULL; }
		memset(b, (int)i, 64);
		sum += b[63];
		free(b);
		errno = (int)(i % 100) + 1;
		tls_count++;
		if (errno != (int)(i % 100) + 1) { j->result = -2; return NULL; }
	}
	j->result = tls_count == j->rounds ? sum : -3;
	return NULL;
}

/* spawn_join starts n threads that each run work for rounds rounds, joins them and returns
   the sum of their results, or a negative error. */
int64_t spawn_join(int32_t n, int64_t rounds) {
	pthread_t t[32];
	struct job jobs[32];
	if (n < 1 || n > 32) return -10;
	for (int i = 0; i < n; i++) {
		jobs[i].rounds = rounds;
		jobs[i].result = 0;
		if (pthread_create(&t[i], NULL, work, &jobs[i]) != 0) return -11;
	}
	int64_t sum = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		if (jobs[i].result < 0) return jobs[i].result;
		sum += jobs[i].result;
	}
	return sum;
}

/* spin runs n rounds of a loop the compiler cannot remove. */
uint64_t spin(uint64_t n) {
	volatile uint64_t x = 0;
	for (uint64_t i = 0; i < n; i++) x += i;
	return x;
}

static void *raise_here(void *p) {
	pthread_kill(pthread_self(), *(int *)p);
	return NULL;
}

/* signal_from_c_thread starts a thread that sends sig to itself, and joins it. */
int32_t signal_from_c_thread(int32_t sig) {
	pthread_t t;
	int s = sig;
	if (pthread_create(&t, NULL, raise_here, &s) != 0) return -1;
	pthread_join(t, NULL);
	return 0;
}
`

type threadsLib struct {
	spawnJoin    jitffi.Func2[int32, int64, int64]
	spin         jitffi.Func1[uint64, uint64]
	spinFast     jitffi.Func1[uint64, uint64]
	signalThread jitffi.Func1[int32, int32]
}

func openThreadsLib(t *testing.T) threadsLib {
	t.Helper()
	path, err := ctest.Compile(t.TempDir(), threadsSource, "-pthread")
	if err != nil {
		t.Fatalf("compiling the threads fixture with %v: %v", ctest.Compiler(), err)
	}
	lib := openLib(t, path)
	return threadsLib{
		spawnJoin:    must(jitffi.Bind2[int32, int64, int64](lib, "spawn_join")),
		spin:         must(jitffi.Bind1[uint64, uint64](lib, "spin")),
		spinFast:     must(jitffi.Bind1[uint64, uint64](lib, "spin", jitffi.Fast())),
		signalThread: must(jitffi.Bind1[int32, int32](lib, "signal_from_c_thread")),
	}
}

// spinResult is what spin(n) returns.
func spinResult(n uint64) uint64 { return n * (n - 1) / 2 }

// TestCLibraryStartsAndJoinsThreads calls a C function that starts and joins threads of
// its own, which malloc, set errno and use thread-local variables, from several goroutines
// at once.
func TestCLibraryStartsAndJoinsThreads(t *testing.T) {
	c := openThreadsLib(t)
	const threads, rounds = 8, 2000
	var want int64
	for i := int64(0); i < rounds; i++ {
		want += i & 0xff
	}
	want *= threads
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if got := c.spawnJoin.Call(threads, rounds); got != want {
					t.Errorf("spawn_join = %d, want %d", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestErrnoIsPerThread reads the address of errno on goroutines locked to different
// threads: every thread the runtime started must have the C library's thread-local state
// of its own, as threads started with pthread_create do.
func TestErrnoIsPerThread(t *testing.T) {
	errnoLocation := must(jitffi.Bind0[uintptr](openLib(t, libcName), "__errno_location"))
	const n = 16
	addrs := make([]uintptr, n)
	var ready, done sync.WaitGroup
	release := make(chan struct{})
	for i := range addrs {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			addrs[i] = errnoLocation.Call()
			ready.Done()
			<-release // keep the thread until every goroutine has one of its own
		}()
	}
	ready.Wait()
	close(release)
	done.Wait()
	seen := map[uintptr]bool{}
	for i, a := range addrs {
		if a == 0 || seen[a] {
			t.Fatalf("thread %d: errno at %#x; addresses %#x", i, a, addrs)
		}
		seen[a] = true
	}
}

// TestSetenvReachesC checks that os.Setenv and os.Unsetenv change the C library's
// environment too (the runtime's _cgo_setenv and _cgo_unsetenv hooks).
func TestSetenvReachesC(t *testing.T) {
	getenv := must(jitffi.Bind1[*byte, *byte](openLib(t, libcName), "getenv"))
	name := must(jitffi.CString("JITFFI_TEST_SETENV"))
	t.Setenv("JITFFI_TEST_SETENV", "from Go")
	if got := jitffi.GoString(getenv.Call(name)); got != "from Go" {
		t.Fatalf("C getenv after os.Setenv = %q, want %q", got, "from Go")
	}
	os.Unsetenv("JITFFI_TEST_SETENV")
	if p := getenv.Call(name); p != nil {
		t.Fatalf("C getenv after os.Unsetenv = %q, want NULL", jitffi.GoString(p))
	}
}

// threadCount returns the number of threads of this process.
func threadCount(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// TestLockedThreadsExit ends goroutines that locked their thread after a C call, so that
// the runtime ends their threads (its thread-start hook's thread entry returns to the C
// library, which must get every register it saved back), then keeps calling C.
func TestLockedThreadsExit(t *testing.T) {
	abs := must(jitffi.Bind1[int32, int32](openLib(t, libcName), "abs"))
	before := threadCount(t)
	const n = 200
	for i := 0; i < n; i++ {
		done := make(chan int32)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
			done <- abs.Call(-int32(i))
		}()
		if got := <-done; got != int32(i) {
			t.Fatalf("abs(-%d) = %d", i, got)
		}
	}
	if got := abs.Call(-7); got != 7 {
		t.Fatalf("abs(-7) = %d after %d threads ended", got, n)
	}
	// A goroutine's thread ends after the goroutine does; wait until most have.
	for i := 0; i < 1000 && threadCount(t) >= before+n/2; i++ {
		time.Sleep(time.Millisecond)
	}
	if after := threadCount(t); after >= before+n/2 {
		t.Fatalf("%d threads before, %d after %d locked goroutines ended: their threads did not exit", before, after, n)
	}
}

// TestCThreadsReturnTheirM has 1600 short-lived C threads call back into Go once each. Each
// borrows an extra M from the runtime, which must get it back when the thread exits (with
// cgo: after each call; without: from the pthread key destructor), so the number of Ms the
// runtime ever made stays small.
func TestCThreadsReturnTheirM(t *testing.T) {
	c := openCallbackLib(t)
	cb := newCallback(t, func(x int64) int64 { return x + 1 })
	threadcreate := pprof.Lookup("threadcreate")
	if got := c.threads.Call(cb, 8, 1); got != 8 {
		t.Fatalf("8 C threads calling once = %d, want 8", got)
	}
	before := threadcreate.Count()
	const rounds = 200
	for i := 0; i < rounds; i++ {
		if got := c.threads.Call(cb, 8, 1); got != 8 {
			t.Fatalf("round %d: 8 C threads calling once = %d, want 8", i, got)
		}
	}
	if grew := threadcreate.Count() - before; grew > 32 {
		t.Fatalf("the runtime made %d Ms for %d C threads that each called Go once: their Ms were not returned", grew, rounds*8)
	}
}

// TestGOMAXPROCSChangesDuringCalls changes GOMAXPROCS, a stop-the-world each time, while
// goroutines make calls in both modes and C threads call back into Go.
func TestGOMAXPROCSChangesDuringCalls(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	libc := openLib(t, libcName)
	abs := must(jitffi.Bind1[int32, int32](libc, "abs"))
	absFast := must(jitffi.Bind1[int32, int32](libc, "abs", jitffi.Fast()))
	c := openCallbackLib(t)
	cb := newCallback(t, func(x int64) int64 { return 3 * x })
	var calls atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int32(1); ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if abs.Call(-i) != i || absFast.Call(-i) != i || c.call.Call(cb, int64(i)) != 3*int64(i) {
					t.Error("a call returned a wrong result")
					return
				}
				calls.Add(1)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		want := sumOf(50, func(x int64) int64 { return 3 * x })
		for {
			select {
			case <-stop:
				return
			default:
			}
			if got := c.threads.Call(cb, 4, 50); got != 4*want {
				t.Errorf("4 C threads calling back = %d, want %d", got, 4*want)
				return
			}
			calls.Add(1)
		}
	}()
	for i := 0; i < 100; i++ {
		runtime.GOMAXPROCS(1 + i%4)
		for target := calls.Load() + 20; calls.Load() < target && !t.Failed(); {
			runtime.Gosched()
		}
	}
	close(stop)
	wg.Wait()
}

// TestCPUProfileDuringCalls takes a CPU profile (SIGPROF on every thread, the C threads
// included) while goroutines spin in C in both modes and C threads call back into Go.
func TestCPUProfileDuringCalls(t *testing.T) {
	c := openThreadsLib(t)
	cbLib := openCallbackLib(t)
	cb := newCallback(t, func(x int64) int64 { return x })
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		t.Fatal(err)
	}
	const n = 1 << 20
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				if c.spin.Call(n) != spinResult(n) || c.spinFast.Call(n) != spinResult(n) {
					t.Error("spin returned a wrong result during profiling")
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		want := sumOf(1000, func(x int64) int64 { return x })
		for i := 0; i < 20; i++ {
			if got := cbLib.threads.Call(cb, 4, 1000); got != 4*want {
				t.Errorf("C threads calling back during profiling = %d, want %d", got, 4*want)
				return
			}
		}
	}()
	wg.Wait()
	pprof.StopCPUProfile()
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		t.Fatalf("the CPU profile is not gzip data: %v", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("reading the CPU profile: %v", err)
	}
	// Samples taken while a goroutine was in C are traced back from where it entered C,
	// through this test's functions.
	if !bytes.Contains(raw, []byte("TestCPUProfileDuringCalls")) {
		t.Fatalf("the CPU profile (%d bytes) has no sample in this test's calls", len(raw))
	}
}

// TestSignalDeliveryDuringCalls delivers SIGUSR1 through os/signal while a goroutine
// sleeps in C, and on threads C created, which have no goroutine: the runtime handles the
// signal there on an extra M.
func TestSignalDeliveryDuringCalls(t *testing.T) {
	c := openThreadsLib(t)
	sleep := sleepInC(t, 2*time.Millisecond)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	defer signal.Stop(ch)
	receive := func(what string) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatalf("SIGUSR1 %s was not delivered", what)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				sleep()
			}
		}
	}()
	for i := 0; i < 20; i++ {
		if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
			t.Fatal(err)
		}
		receive("sent to the process")
	}
	close(stop)
	wg.Wait()
	for i := 0; i < 20; i++ {
		if rc := c.signalThread.Call(int32(syscall.SIGUSR1)); rc != 0 {
			t.Fatalf("signal_from_c_thread = %d", rc)
		}
		receive("raised on a C thread")
	}
}

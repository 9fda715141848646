//go:build amd64 || arm64

package asm_test

import (
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/asm"
)

// waitCall binds the fixture's cb_wait_call(f, x, entered, release) with Fast: C sets
// *entered, waits until *release is set and returns f(x) (x when f is 0).
func waitCall(t *testing.T) jitffi.Func4[uintptr, int64, *int32, *int32, int64] {
	t.Helper()
	f, err := jitffi.Bind4[uintptr, int64, *int32, *int32, int64](fixtureLib(t, "callbacks"), "cb_wait_call", jitffi.Fast())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// waitFlags are the entered and release flags of threads held inside cb_wait_call.
type waitFlags struct{ entered, release []int32 }

func newWaitFlags(n int) *waitFlags {
	return &waitFlags{entered: make([]int32, n), release: make([]int32, n)}
}

// waitEntered returns once thread i is inside its C call, and so marked.
func (w *waitFlags) waitEntered(i int) {
	for atomic.LoadInt32(&w.entered[i]) == 0 {
		time.Sleep(time.Millisecond)
	}
}

func (w *waitFlags) letGo(i int) { atomic.StoreInt32(&w.release[i], 1) }

// holdThreads prepares the process for Go threads held inside Fast calls: each keeps its
// P (so there must be one more for the test), and no collection may start, as its
// stop-the-world pause would wait for those calls and so for the test that ends them.
// The returned func undoes it once every call has ended.
func holdThreads(threads int) (undo func()) {
	procs := runtime.GOMAXPROCS(max(threads+2, runtime.GOMAXPROCS(0)))
	gc := debug.SetGCPercent(-1)
	return func() {
		debug.SetGCPercent(gc)
		runtime.GOMAXPROCS(procs)
	}
}

// TestFastMarksOfCollidingThreads holds several threads in Fast calls at once, all
// hashing to the same slot of the table of marks, and has each check its own mark from C
// after the threads around it came and went: a thread entering later must not overwrite
// an earlier one's mark, nor one ending first clear another's.
func TestFastMarksOfCollidingThreads(t *testing.T) {
	wait := waitCall(t)
	const n = 6
	undo := holdThreads(n)
	defer undo()
	defer asm.SetFastThreadHash(asm.SetFastThreadHash(0))
	flags := newWaitFlags(n)
	results := make([]chan int64, n)
	for i := range n {
		results[i] = make(chan int64, 1)
		go func() {
			results[i] <- wait.Call(asm.FastMarkFunc(), 0, &flags.entered[i], &flags.release[i])
		}()
		flags.waitEntered(i)
	}
	// The odd threads end first, clearing their marks; then the even ones, each of which
	// entered before an odd one, look for theirs.
	for _, first := range []int{1, 0} {
		for i := first; i < n; i += 2 {
			flags.letGo(i)
			if got := <-results[i]; got != 1 {
				t.Errorf("thread %d of %d: its mark inside its Fast call = %d, want 1", i, n, got)
			}
		}
	}
}

const fastCollisionChild = "JITFFI_FAST_COLLISION_CHILD"

// childFrame is the door frame of the child's callback, kept reachable while C holds it as
// an integer.
var childFrame = &doorFrame{in: 1}

// TestCallbackDuringCollidingFastCallsIsFatal holds two threads in Fast calls whose marks
// hash to the same slot, and has one call back into Go, in a child process: it must die
// with the fatal error naming Fast, whether the other thread entered after it
// ("overwritten") or entered before it and ended first ("cleared"). A table that lost
// the mark sent such a callback into the runtime, whose own fatal error says nothing of
// Fast.
func TestCallbackDuringCollidingFastCallsIsFatal(t *testing.T) {
	if order := os.Getenv(fastCollisionChild); order != "" {
		collidingFastCallCallsBack(t, order)
		return
	}
	for _, order := range []string{"overwritten", "cleared"} {
		t.Run(order, func(t *testing.T) {
			out, err := runChild(t, "TestCallbackDuringCollidingFastCallsIsFatal", fastCollisionChild+"="+order)
			if err == nil {
				t.Fatalf("the child exited normally:\n%s", out)
			}
			if !strings.Contains(out, "fatal error: jitffi: C code called back into Go during a call bound with Fast") {
				t.Fatalf("the child failed without the Fast message (%v):\n%s", err, out)
			}
		})
	}
}

func collidingFastCallCallsBack(t *testing.T, order string) {
	asm.SetCallbackDispatcher(doorDispatch)
	wait := waitCall(t)
	holdThreads(2)
	asm.SetFastThreadHash(0)
	flags := newWaitFlags(2)
	const caller, other = 0, 1
	returned := make(chan struct{})
	callBack := func() {
		wait.Call(asm.CallbackEntryFunc(), int64(uintptr(unsafe.Pointer(childFrame))), &flags.entered[caller], &flags.release[caller])
		close(returned)
	}
	otherEnded := make(chan struct{})
	otherCall := func() {
		wait.Call(0, 0, &flags.entered[other], &flags.release[other])
		close(otherEnded)
	}
	switch order {
	case "overwritten":
		go callBack()
		flags.waitEntered(caller)
		go otherCall()
		flags.waitEntered(other)
	case "cleared":
		go otherCall()
		flags.waitEntered(other)
		go callBack()
		flags.waitEntered(caller)
		flags.letGo(other)
		<-otherEnded
	default:
		t.Fatalf("unknown order %q", order)
	}
	flags.letGo(caller)
	select {
	case <-returned:
		t.Fatal("the callback during a Fast call returned")
	case <-time.After(time.Minute):
		t.Fatal("the callback during a Fast call neither returned nor ended the process")
	}
}

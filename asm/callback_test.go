//go:build amd64 || arm64

package asm_test

import (
	"os"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/asm"
	"github.com/jitffi/jitffi/internal/ctest"
)

// doorFrame is what the door tests hand the callback door in place of an upcall frame.
type doorFrame struct {
	in, out int64
	depth   int
}

func doorDispatch(frame unsafe.Pointer) {
	f := (*doorFrame)(frame)
	if f.depth > 0 {
		growStack(f.depth) // the goroutine stack moves under the C call
		runtime.GC()
	}
	f.out = f.in*3 + 1
}

//go:noinline
func growStack(n int) byte {
	var pad [256]byte
	if n == 0 {
		return pad[0]
	}
	return growStack(n-1) + pad[n%256]
}

// TestCallbackDoor calls the door as a C function from Go, so C (the door) calls Go (the
// dispatcher): the shortest round trip through runtime.cgocallback. The dispatcher grows
// the goroutine stack and forces a collection while the C call is in progress.
func TestCallbackDoor(t *testing.T) {
	asm.SetCallbackDispatcher(doorDispatch)
	door, err := jitffi.Bind1At[unsafe.Pointer, jitffi.Void](asm.CallbackEntryFunc())
	if err != nil {
		t.Fatal(err)
	}
	for _, depth := range []int{0, 1000} {
		for i := int64(0); i < 100; i++ {
			f := &doorFrame{in: i, depth: depth}
			door.Call(unsafe.Pointer(f))
			if f.out != i*3+1 {
				t.Fatalf("depth %d: dispatcher returned %d for %d, want %d", depth, f.out, i, i*3+1)
			}
		}
	}
}

// TestFastMark checks the mark the door reads: set on the thread for the length of a Fast
// call, and never during a default call.
func TestFastMark(t *testing.T) {
	fast, err := jitffi.Bind0At[int32](asm.FastMarkFunc(), jitffi.Fast())
	if err != nil {
		t.Fatal(err)
	}
	def, err := jitffi.Bind0At[int32](asm.FastMarkFunc())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1000; i++ {
		if got := fast.Call(); got != 1 {
			t.Fatalf("call %d: mark inside a Fast call = %d, want 1", i, got)
		}
		if got := def.Call(); got != 0 {
			t.Fatalf("call %d: mark inside a default call = %d, want 0", i, got)
		}
	}
}

const fastCallbackChild = "JITFFI_FAST_CALLBACK_CHILD"

// TestCallbackDuringFastCallIsFatal makes a Fast call into C code (the door) that calls
// back into Go, in a child process, and checks that the process dies with a fatal error
// naming Fast rather than corrupting anything.
func TestCallbackDuringFastCallIsFatal(t *testing.T) {
	if os.Getenv(fastCallbackChild) != "" {
		asm.SetCallbackDispatcher(doorDispatch)
		door, err := jitffi.Bind1At[unsafe.Pointer, jitffi.Void](asm.CallbackEntryFunc(), jitffi.Fast())
		if err != nil {
			t.Fatal(err)
		}
		door.Call(unsafe.Pointer(&doorFrame{in: 1}))
		t.Fatal("the callback during a Fast call returned")
	}
	cmd := ctest.Command(os.Args[0], "-test.run=^TestCallbackDuringFastCallIsFatal$", "-test.count=1")
	cmd.Env = append(os.Environ(), fastCallbackChild+"=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child exited normally:\n%s", out)
	}
	if !strings.Contains(string(out), "fatal error: jitffi: C code called back into Go during a call bound with Fast") {
		t.Fatalf("the child failed without the Fast message (%v):\n%s", err, out)
	}
}

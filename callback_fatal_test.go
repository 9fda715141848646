//go:build (linux && (cgo || amd64 || arm64)) || windows

package jitffi_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/internal/ctest"
	"github.com/jitffi/jitffi/jit"
)

// The callback misuses that end the process: each test runs the misuse in a child process
// (the test binary again, for that one test) and checks the fatal error it dies with.

const freedCallbackChild = "JITFFI_FREED_CALLBACK_CHILD"

//go:noinline
func namedCallbackForTheFatalMessage(x int64) int64 { return x }

// TestFreedCallbackIsFatal calls a freed callback from C in a child process, which must
// die with a fatal error naming the callback.
func TestFreedCallbackIsFatal(t *testing.T) {
	c := openCallbackLib(t)
	if os.Getenv(freedCallbackChild) != "" {
		cb := must(jitffi.NewCallback1(namedCallbackForTheFatalMessage))
		addr := cb.Addr()
		cb.Free()
		callAt := must(jitffi.Bind2[uintptr, int64, int64](fixtureLib(t, "callbacks"), "cb_call"))
		callAt.Call(addr, 1)
		t.Fatal("the freed callback's call returned")
	}
	_ = c
	out, err := runChild(t, "TestFreedCallbackIsFatal", freedCallbackChild)
	if err == nil {
		t.Fatalf("the child exited normally:\n%s", out)
	}
	want := "fatal error: jitffi: C called callback github.com/jitffi/jitffi_test.namedCallbackForTheFatalMessage (int64_t (int64_t)) after it was freed"
	if !strings.Contains(out, want) {
		t.Fatalf("the child failed without %q (%v):\n%s", want, err, out)
	}
}

const fastCallbackChild = "JITFFI_FAST_CALLBACK_CHILD"

// TestCallbackDuringFastCallIsFatal makes a Fast call of C code that calls a callback, in
// a child process, which must die with a fatal error naming Fast.
func TestCallbackDuringFastCallIsFatal(t *testing.T) {
	if os.Getenv(fastCallbackChild) != "" {
		lib := fixtureLib(t, "callbacks")
		call := must(jitffi.Bind2[*jitffi.Callback, int64, int64](lib, "cb_call", jitffi.Fast()))
		call.Call(newCallback(t, func(x int64) int64 { return x }), 1)
		t.Fatal("the callback during a Fast call returned")
	}
	out, err := runChild(t, "TestCallbackDuringFastCallIsFatal", fastCallbackChild)
	if err == nil {
		t.Fatalf("the child exited normally:\n%s", out)
	}
	if !strings.Contains(out, "fatal error: jitffi: C code called back into Go during a call bound with Fast") {
		t.Fatalf("the child failed without the Fast message (%v):\n%s", err, out)
	}
}

const cThreadPanicChild = "JITFFI_C_THREAD_PANIC_CHILD"

// TestCallbackPanicOnCThreadEndsProcess panics in a callback that a thread C created
// calls, in a child process: no Go code is below the callback on that thread to recover
// it, so, as for a cgo //export function, the process ends with the panic's message.
func TestCallbackPanicOnCThreadEndsProcess(t *testing.T) {
	if os.Getenv(cThreadPanicChild) != "" {
		c := openCallbackLib(t)
		cb := newCallback(t, func(x int64) int64 {
			if x == 2 {
				panic("a panic in a callback on a C thread")
			}
			return x
		})
		defer func() {
			fmt.Printf("the Go caller recovered %v\n", recover())
		}()
		c.threads.Call(cb, 1, 5)
		t.Fatal("the C call whose thread's callback panicked returned")
	}
	out, err := runChild(t, "TestCallbackPanicOnCThreadEndsProcess", cThreadPanicChild)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("the child ended with %v, want exit status 2 as for an unrecovered panic:\n%s", err, out)
	}
	if !strings.Contains(out, "panic: a panic in a callback on a C thread\n") || strings.Contains(out, "recovered") {
		t.Fatalf("the child (%v) did not end with the callback's panic, or its Go caller recovered it:\n%s", err, out)
	}
}

// runChild runs the test binary again for the one test named, with env set to 1.
func runChild(t *testing.T, test, env string) (string, error) {
	t.Helper()
	return runChildWith(t, test, env+"=1")
}

// runChildWith runs the test binary again for the one test named, with the environment
// assignment env ("NAME=value") added.
func runChildWith(t *testing.T, test, env string) (string, error) {
	t.Helper()
	cmd := ctest.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// expectFatal runs the test binary again for the one test named, with the environment
// assignment env added, and fails unless the child dies with a message containing want.
func expectFatal(t *testing.T, test, env, want string) {
	t.Helper()
	out, err := runChildWith(t, test, env)
	if err == nil {
		t.Fatalf("the child exited normally:\n%s", out)
	}
	if !strings.Contains(out, want) {
		t.Fatalf("the child failed without %q (%v):\n%s", want, err, out)
	}
}

// callAddr binds the fixture's cb_call, which calls the int64_t (int64_t) function at its
// first argument, taking the address as a plain integer.
func callAddr(t *testing.T) jitffi.Func2[uintptr, int64, int64] {
	t.Helper()
	return must(jitffi.Bind2[uintptr, int64, int64](fixtureLib(t, "callbacks"), "cb_call"))
}

const lateCallChild = "JITFFI_LATE_CALL_CHILD"

// Two structs of the same layout, spelled differently: their callbacks share an upcall
// stub.
type (
	pairXY   struct{ X, Y int32 }
	pairLoHi struct{ Lo, Hi int32 }
)

//go:noinline
func namedPairCallback(p pairLoHi) int64 { return int64(p.Lo) }

//go:noinline
func namedLateCallback(x int64) int64 { return x }

//go:noinline
func namedNewOwner(x float64) float64 { return x }

// TestLateCallsAreFatal calls freed callbacks from C, each in a child process that must
// die with a fatal error naming the freed callback by its Go function and its own C
// signature.
//
// "own signature": two callbacks whose signatures are spelled differently but share an
// upcall stub; the second, freed, must be named with its own spelling, not the first's
// (which is what the stub was compiled for).
//
// "reused address": a call that went through the freed callback's stub after a callback
// of another layout took its address over (it read the trampoline before the new owner
// pointed it at its own stub, which the test puts back) must name both.
func TestLateCallsAreFatal(t *testing.T) {
	switch os.Getenv(lateCallChild) {
	case "":
	case "own signature":
		first := must(jitffi.NewCallback1(func(p pairXY) int64 { return int64(p.X) }))
		second := must(jitffi.NewCallback1(namedPairCallback))
		if a, b := jitffi.CallbackStubAddr(first), jitffi.CallbackStubAddr(second); a != b {
			t.Fatalf("callbacks of %v and %v have stubs %#x and %#x: the test needs them to share one", first, second, a, b)
		}
		second.Free()
		// A struct of two int32 travels as one 8-byte integer in every supported
		// convention, so cb_call's int64_t argument stands for it.
		callAddr(t).Call(second.Addr(), 1)
		t.Fatal("the freed callback's call returned")
	case "reused address":
		old := must(jitffi.NewCallback1(namedLateCallback))
		addr, oldStub := old.Addr(), jitffi.CallbackStubAddr(old)
		old.Free()
		owner := must(jitffi.NewCallback1(namedNewOwner))
		if owner.Addr() != addr || jitffi.CallbackStubAddr(owner) == oldStub {
			t.Fatalf("the new callback has address %#x (want the freed %#x) and stub %#x (want another than %#x)",
				owner.Addr(), addr, jitffi.CallbackStubAddr(owner), oldStub)
		}
		if err := jitffi.PointCallbackAt(owner, oldStub); err != nil {
			t.Fatal(err)
		}
		callAddr(t).Call(addr, 1)
		t.Fatal("the late call through the reused address returned")
	default:
		t.Fatalf("unknown case %q", os.Getenv(lateCallChild))
	}
	const test = "TestLateCallsAreFatal"
	t.Run("own signature", func(t *testing.T) {
		expectFatal(t, test, lateCallChild+"=own signature",
			"fatal error: jitffi: C called callback github.com/jitffi/jitffi_test.namedPairCallback (int64_t (struct{int32_t Lo; int32_t Hi;})) after it was freed\n")
	})
	t.Run("reused address", func(t *testing.T) {
		expectFatal(t, test, lateCallChild+"=reused address",
			"fatal error: jitffi: C called callback github.com/jitffi/jitffi_test.namedLateCallback (int64_t (int64_t)) after it was freed; "+
				"its address now belongs to callback github.com/jitffi/jitffi_test.namedNewOwner (double (double))\n")
	})
}

const reuseChild = "JITFFI_REUSE_CHILD"

// TestReusedAddressRunsTheNewCallback frees a callback and makes another of the same
// type, which takes its address, in a child process (where no slot freed earlier comes
// first): a call through the address runs the new one, since a late call cannot be told
// from a new one once the slot has changed hands.
func TestReusedAddressRunsTheNewCallback(t *testing.T) {
	if os.Getenv(reuseChild) != "" {
		old := must(jitffi.NewCallback1(func(x int64) int64 { return x + 1 }))
		addr := old.Addr()
		old.Free()
		owner := newCallback(t, func(x int64) int64 { return x * 10 })
		if owner.Addr() != addr {
			t.Fatalf("the new callback has address %#x, want the freed %#x", owner.Addr(), addr)
		}
		if got := callAddr(t).Call(addr, 4); got != 40 {
			t.Fatalf("a call through the reused address returned %d, want the new callback's 40", got)
		}
		return
	}
	if out, err := runChild(t, "TestReusedAddressRunsTheNewCallback", reuseChild); err != nil {
		t.Fatalf("the child failed (%v):\n%s", err, out)
	}
}

const unownedChild = "JITFFI_UNOWNED_TRAMPOLINE_CHILD"

// TestUnownedTrampolineIsFatal points a trampoline that no callback owns at a callback's
// upcall stub, as only a user of package jit could, and calls it from C in a child
// process: with a context word past every slot, and with the trampoline's own slot,
// which no callback has registered.
func TestUnownedTrampolineIsFatal(t *testing.T) {
	if which := os.Getenv(unownedChild); which != "" {
		cb := newCallback(t, func(x int64) int64 { return x })
		tramp, err := jit.NewTrampoline()
		if err != nil {
			t.Fatal(err)
		}
		context := uintptr(tramp.Index)
		if which == "out of range" {
			context = jitffi.MaxCallbacks + 1 // past the last slot there can be
		}
		if err := jit.SetTrampoline(tramp, jitffi.CallbackStubAddr(cb), context); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("slot %d\n", context)
		callAddr(t).Call(tramp.Addr, 1)
		t.Fatal("the call through a trampoline no callback owns returned")
	}
	for _, which := range []string{"out of range", "unregistered"} {
		t.Run(which, func(t *testing.T) {
			out, err := runChildWith(t, "TestUnownedTrampolineIsFatal", unownedChild+"="+which)
			var slot uint64
			if i := strings.Index(out, "slot "); i < 0 || err == nil {
				t.Fatalf("the child (%v) printed no slot, or exited normally:\n%s", err, out)
			} else if _, err := fmt.Sscanf(out[i:], "slot %d", &slot); err != nil {
				t.Fatalf("reading the child's slot: %v\n%s", err, out)
			}
			want := fmt.Sprintf("fatal error: jitffi: C called a callback trampoline (slot %d) that no callback owns\n", slot)
			if !strings.Contains(out, want) {
				t.Fatalf("the child failed without %q (%v):\n%s", want, err, out)
			}
		})
	}
}

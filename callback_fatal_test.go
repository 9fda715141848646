//go:build (linux && (cgo || amd64 || arm64)) || windows

package jitffi_test

import (
	"os"
	"strings"
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/internal/ctest"
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

// runChild runs the test binary again for the one test named, with env set to 1.
func runChild(t *testing.T, test, env string) (string, error) {
	t.Helper()
	cmd := ctest.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env+"=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

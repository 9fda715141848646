//go:build amd64 || arm64

package asm_test

import (
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/asm"
)

// TestCheckFast pins the fast door on the Go version running the test: CI runs it on every
// supported version, so a release that changes runtime.cgocall or asmcgocall fails here
// before any user sees a Fast bind refused.
func TestCheckFast(t *testing.T) {
	if err := asm.CheckFast(); err != nil {
		t.Fatalf("CheckFast on %s: %v", runtime.Version(), err)
	}
	pc := asm.FastDoorPC()
	f := runtime.FuncForPC(pc)
	if f == nil || f.Entry() != pc || f.Name() != "runtime.asmcgocall" {
		t.Fatalf("fast door %#x is %v, want the entry of runtime.asmcgocall", pc, f)
	}
	if err := asm.CheckFast(); err != nil {
		t.Fatalf("second CheckFast: %v", err)
	}
}

//go:noinline
func leafA() int { return 1 }

//go:noinline
func leafB() int { return 2 }

//go:noinline
func callsA() int { return leafA() + 40 }

//go:noinline
func callsAAndB(x bool) int {
	if x {
		return leafA()
	}
	return leafB()
}

func entryOf(f any) uintptr { return reflect.ValueOf(f).Pointer() }

func nameOf(f any) string { return runtime.FuncForPC(entryOf(f)).Name() }

func TestFindCallee(t *testing.T) {
	got, err := asm.FindCallee(entryOf(callsA), nameOf(callsA), nameOf(leafA))
	if err != nil || got != entryOf(leafA) {
		t.Fatalf("FindCallee(callsA, leafA) = %#x, %v; want %#x", got, err, entryOf(leafA))
	}
	got, err = asm.FindCallee(entryOf(callsAAndB), nameOf(callsAAndB), nameOf(leafB))
	if err != nil || got != entryOf(leafB) {
		t.Fatalf("FindCallee(callsAAndB, leafB) = %#x, %v; want %#x", got, err, entryOf(leafB))
	}
}

// TestFindCalleeRefuses shows what CheckFast reports when a Go release stops calling
// asmcgocall from cgocall, or when the symbol table disagrees: an error, never a guess.
func TestFindCalleeRefuses(t *testing.T) {
	cases := []struct {
		name           string
		entry          uintptr
		caller, callee string
		want           string
	}{
		{"no such call", entryOf(callsA), nameOf(callsA), nameOf(leafB), "makes no direct call"},
		{"wrong caller name", entryOf(callsA), "runtime.cgocall", nameOf(leafA), "does not name"},
		{"not an entry", entryOf(callsA) + 1, nameOf(callsA), nameOf(leafA), "does not name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := asm.FindCallee(c.entry, c.caller, c.callee)
			if err == nil || !errors.Is(err, asm.ErrFastUnavailable) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("FindCallee = %#x, %v; want an error wrapping ErrFastUnavailable saying %q", got, err, c.want)
			}
		})
	}
}

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

//go:noinline
func countdown(n int) int {
	if n <= 0 {
		return 0
	}
	return countdown(n-1) + 1
}

//go:noinline
func callsCountdown() int { return countdown(3) }

// TestFindABI0CalleeRefusesWrapper shows the check that keeps CallFast off an ABI wrapper:
// a callee that calls a function of its own name (as a wrapper calls the assembly function
// it wraps; here, a recursive function) is refused, a leaf is accepted.
func TestFindABI0CalleeRefusesWrapper(t *testing.T) {
	got, err := asm.FindABI0Callee(entryOf(callsA), nameOf(callsA), nameOf(leafA))
	if err != nil || got != entryOf(leafA) {
		t.Fatalf("FindABI0Callee(callsA, leafA) = %#x, %v; want %#x", got, err, entryOf(leafA))
	}
	got, err = asm.FindABI0Callee(entryOf(callsCountdown), nameOf(callsCountdown), nameOf(countdown))
	if err == nil || !errors.Is(err, asm.ErrFastUnavailable) || !strings.Contains(err.Error(), "is an ABI wrapper of") {
		t.Fatalf("FindABI0Callee(callsCountdown, countdown) = %#x, %v; want an error wrapping ErrFastUnavailable saying it is an ABI wrapper", got, err)
	}
	if _, err := asm.FindABI0Callee(entryOf(callsA), nameOf(callsA), nameOf(leafB)); !errors.Is(err, asm.ErrFastUnavailable) {
		t.Fatalf("FindABI0Callee(callsA, leafB) = %v; want the error of FindCallee", err)
	}
}

// TestJudgeProbeRefuses shows what CheckFast reports when the probe call through the fast
// door did not behave: it did not run, ran with a misaligned stack, or ran on the goroutine
// stack. Each is an error wrapping ErrFastUnavailable naming what went wrong.
func TestJudgeProbeRefuses(t *testing.T) {
	const here = uintptr(0xc000100000)                          // a goroutine frame
	const systemSP = uintptr(0x7f0000200000) + asm.ProbeSPMod16 // another mapping, aligned as C wants
	if err := asm.JudgeProbe(asm.FastProbeMark, systemSP, here); err != nil {
		t.Fatalf("JudgeProbe of a good probe: %v", err)
	}
	cases := []struct {
		name     string
		mark, sp uintptr
		want     string
	}{
		{"did not run", 0, systemSP, "did not run (mark 0x0)"},
		{"misaligned", asm.FastProbeMark, systemSP + 4, "not aligned as the C ABI requires"},
		{"goroutine stack below", asm.FastProbeMark, here - 512 + asm.ProbeSPMod16, "on the goroutine stack"},
		{"goroutine stack above", asm.FastProbeMark, here + 4096 + asm.ProbeSPMod16, "on the goroutine stack"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := asm.JudgeProbe(c.mark, c.sp, here)
			if err == nil || !errors.Is(err, asm.ErrFastUnavailable) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("JudgeProbe(%#x, %#x, %#x) = %v; want an error wrapping ErrFastUnavailable saying %q", c.mark, c.sp, here, err, c.want)
			}
		})
	}
}

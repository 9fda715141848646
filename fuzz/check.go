package fuzz

import (
	"errors"
	"fmt"
	"os/exec"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// nativeAvailable reports whether this binary can load and call C: jitffi must open
// libraries here (on Linux with cgo or without it, on Windows always; jitffi.Open says why
// not otherwise), and the host C compiler must be installed to build fixtures.
func nativeAvailable() error {
	lib, err := jitffi.Open("")
	if err != nil {
		return err
	}
	lib.Close()
	cc := ctest.Compiler()
	if _, err := exec.LookPath(cc[0]); err != nil {
		return fmt.Errorf("the C compiler %q is not installed", cc[0])
	}
	return nil
}

// A Problem is what a check found wrong with one case on one fixture build.
type Problem struct {
	// Kind is "bind", "callback", "calls", "value", "crash", "compile" or "plan" for a
	// finding about jitffi, and Harness when the check itself could not be made.
	Kind string
	Msg  string
}

// Harness is the Kind of a Problem of the fuzzer's own: the case could not be checked
// (a symbol missing from the fixture, a function or call missing from a compiler's
// output), which makes it Unjudged rather than a mismatch.
const Harness = "harness"

// isHarness reports whether err is a Problem of the fuzzer's own.
func isHarness(err error) bool {
	var p *Problem
	return errors.As(err, &p) && p.Kind == Harness
}

func (p *Problem) Error() string { return p.Kind + ": " + p.Msg }

// CheckCase binds case c in lib with opts, calls it with ctest.CallArgs(c.Sig, argSeed)
// through both the plain and the errno stub, and compares the callee's record and the
// result byte for byte with what was sent and what the callee returns. Every byte of the
// frame the C value does not own holds garbage, so a stub that reads past a value shows.
// It returns nil, or a *Problem for the first difference.
func CheckCase(lib *jitffi.Library, c ctest.Case, argSeed uint64, opts ...jitffi.Option) error {
	// A symbol missing from the fixture (a flag such as -fvisibility=hidden) is the
	// harness's failure; any other refusal to bind is jitffi's.
	d, err := jitffi.BindDynamic(lib, c.Name, c.Sig, opts...)
	if errors.Is(err, jitffi.ErrSymbolNotFound) {
		return &Problem{Harness, "the fixture lacks the callee: " + err.Error()}
	}
	if err != nil {
		return &Problem{"bind", err.Error()}
	}
	recAddr, err := lib.Lookup(c.Name + "_rec")
	if err != nil {
		return &Problem{Harness, "the fixture lacks the callee's record: " + err.Error()}
	}
	callsAddr, err := lib.Lookup(c.Name + "_calls")
	if err != nil {
		return &Problem{Harness, "the fixture lacks the callee's call count: " + err.Error()}
	}
	args := ctest.CallArgs(c.Sig, argSeed)
	fr := d.NewFrame()
	for i, a := range args {
		s := slotOf(fr, i)
		for j := range s {
			s[j] = 0xEE // above a narrow integer's width and past a struct's end
		}
		copy(s, a)
	}
	calls := (*int32)(pointerAt(callsAddr))
	for _, errno := range []bool{false, true} {
		res := fr.Result()
		for j := range res {
			res[j] = 0xDD
		}
		rec := unsafe.Slice((*byte)(pointerAt(recAddr)), max(1, ctest.RecordSize(c.Sig)))
		clear(rec)
		before := *calls
		if errno {
			d.CallErrno(fr)
		} else {
			d.Call(fr)
		}
		stub := "plain stub"
		if errno {
			stub = "errno stub"
		}
		if n := *calls - before; n != 1 {
			return &Problem{"calls", fmt.Sprintf("%s: the callee ran %d times, want 1", stub, n)}
		}
		if err := ctest.CheckCall(rec, c.Sig, args, fr.Result(), c.Salt); err != nil {
			return &Problem{"value", stub + ": " + err.Error()}
		}
	}
	return nil
}

// slotOf returns argument i's whole frame slot: its C bytes and the padding up to 8 bytes.
func slotOf(fr *jitffi.Frame, i int) []byte {
	arg := fr.Arg(i)
	if len(arg) == 0 {
		return arg
	}
	return unsafe.Slice(&arg[0], (len(arg)+7)&^7)
}

// pointerAt turns a C address (a symbol from Lookup) into a pointer. The memory is C's,
// never the Go heap's, so the conversion cannot hide a Go object from the collector.
func pointerAt(addr uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&addr)) }

// isProblem reports whether err is a *Problem (a finding) rather than a failure of the
// fuzzer's own machinery.
func isProblem(err error) bool {
	var p *Problem
	return errors.As(err, &p)
}

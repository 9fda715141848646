package fuzz

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// CheckUpcall checks case c's upcall: it makes a dynamic callback of c's signature with
// opts (the target's convention), hands it to the case's C caller in lib (Name_up, from
// ctest.GenerateUpcallers with the argument seed argSeed), and compares both directions
// byte for byte: the arguments the callback received with the leaves C says it passed,
// and the result C got back with the one the callback returned. The callback writes
// ctest.ResultBytes, PaddingByte in the result's padding, so a caller that depended on
// padding would show. It returns nil, or a *Problem for the first difference.
//
// The C caller itself is called through a downcall of the host's own convention: only the
// function pointer it calls has the target's.
func CheckUpcall(lib *jitffi.Library, c ctest.Case, argSeed uint64, opts ...jitffi.Option) error {
	up, err := jitffi.Bind1[*jitffi.Callback, jitffi.Void](lib, c.Name+ctest.UpcallerSuffix)
	if errors.Is(err, jitffi.ErrSymbolNotFound) {
		return &Problem{Harness, "the fixture lacks the C caller: " + err.Error()}
	}
	if err != nil {
		return &Problem{Harness, "binding the C caller, a plain void (void *) function: " + err.Error()}
	}
	passedAddr, err := lib.Lookup(c.Name + ctest.PassedSuffix)
	if err != nil {
		return &Problem{Harness, "the fixture lacks the caller's record of what it passed: " + err.Error()}
	}
	gotAddr, err := lib.Lookup(c.Name + ctest.GotSuffix)
	if err != nil {
		return &Problem{Harness, "the fixture lacks the caller's copy of the result: " + err.Error()}
	}
	sig := c.Sig
	var (
		calls    int
		received [][]byte
		result   = ctest.ResultBytes(sig, c.Salt)
	)
	cb, err := jitffi.NewCallbackDynamic(sig, func(f *jitffi.Frame) {
		calls++
		received = make([][]byte, len(sig.Params))
		for i := range received {
			received[i] = bytes.Clone(f.Arg(i))
		}
		copy(f.Result(), result)
	}, opts...)
	if err != nil {
		return &Problem{"callback", err.Error()}
	}
	defer cb.Free()

	passed := unsafe.Slice((*byte)(pointerAt(passedAddr)), max(1, ctest.RecordSize(sig)))
	got := unsafe.Slice((*byte)(pointerAt(gotAddr)), max(1, sig.Result.Size()))
	clear(passed)
	for i := range got {
		got[i] = 0xDD
	}
	up.Call(cb)
	if calls != 1 {
		return &Problem{"calls", fmt.Sprintf("the callback ran %d times for one C call, want 1", calls)}
	}
	// The C caller must have passed the values it was generated with, or a stub that lost
	// every argument could agree with a caller that passed nothing.
	args := ctest.CallArgs(sig, argSeed)
	if want := ctest.ExpectedRecord(sig, args); !bytes.Equal(passed[:len(want)], want) {
		return &Problem{Harness, fmt.Sprintf("the C caller says it passed % x, but it was generated to pass % x", passed[:len(want)], want)}
	}
	// CheckCall compares a record with argument values and a result with the one a callee
	// returns: here the record is what Go received, the values what C passed, and the
	// result what C got back from the callback.
	if err := ctest.CheckCall(ctest.ExpectedRecord(sig, received), sig, args, got[:sig.Result.Size()], c.Salt); err != nil {
		msg := err.Error()
		if strings.HasPrefix(msg, "result") {
			msg += " (got: what the C caller received; want: what the callback returned)"
		} else {
			msg += " (got: what the callback received; want: what the C caller passed)"
		}
		return &Problem{"value", msg}
	}
	return nil
}

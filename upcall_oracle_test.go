//go:build cgo || windows

package jitffi_test

import (
	"bytes"
	"errors"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// The upcall oracle is the downcall oracle's mirror image: for each case a C caller
// compiled by the target's C compiler (ctest.GenerateUpcallers) calls a callback of the
// case's signature with distinctive argument bytes, garbage in struct padding, and
// exports the leaves it passed and the result it got back. The callback is a dynamic one,
// so every shape of the catalogue goes through the same Go code: it records the bytes its
// Frame holds and writes known result bytes. Both directions are compared byte by byte,
// against what the compiled C says it passed and got, never against our classifier.

// upcallCase calls case c's C caller (Name_up) with a dynamic callback of c's signature
// under the calling convention conv (WithABI when it is not the host's), and checks that
// the callback ran once, that it received the leaves C passed, and that C got back the
// leaves it returned. seed is the seed the fixture's arguments were generated with.
func upcallCase(t *testing.T, lib *jitffi.Library, c ctest.Case, seed uint64, conv abi.ABI) {
	t.Helper()
	var opts []jitffi.Option
	if conv != abi.Host {
		opts = append(opts, jitffi.WithABI(conv))
	}
	up, err := jitffi.Bind1[*jitffi.Callback, jitffi.Void](lib, c.Name+ctest.UpcallerSuffix)
	if err != nil {
		t.Fatal(err)
	}
	passedAddr := must(lib.Lookup(c.Name + ctest.PassedSuffix))
	gotAddr := must(lib.Lookup(c.Name + ctest.GotSuffix))

	result := ctest.ResultBytes(c.Sig, c.Salt)
	var received [][]byte
	calls := 0
	cb, err := jitffi.NewCallbackDynamic(c.Sig, func(f *jitffi.Frame) {
		calls++
		received = make([][]byte, len(c.Sig.Params))
		for i := range received {
			received[i] = bytes.Clone(f.Arg(i))
		}
		copy(f.Result(), result)
	}, opts...)
	if err != nil {
		t.Fatalf("new callback %s: %v", ctest.Describe(c), err)
	}
	defer cb.Free()

	passed := unsafe.Slice((*byte)(pointerAt(passedAddr)), ctest.RecordSize(c.Sig))
	got := unsafe.Slice((*byte)(pointerAt(gotAddr)), c.Sig.Result.Size())
	clear(passed)
	for i := range got {
		got[i] = 0xDD
	}
	up.Call(cb)

	if calls != 1 {
		t.Fatalf("%s: the callback ran %d times for one C call", ctest.Describe(c), calls)
	}
	// The fixture must have passed the distinctive values it was generated with, or a
	// stub that lost every argument could agree with a caller that passed nothing.
	if want := ctest.ExpectedRecord(c.Sig, ctest.CallArgs(c.Sig, seed)); !bytes.Equal(passed, want) {
		t.Fatalf("%s: the C caller says it passed\n% x\nbut it was generated to pass\n% x", ctest.Describe(c), passed, want)
	}
	if err := ctest.CheckCall(passed, c.Sig, received, got, c.Salt); err != nil {
		t.Errorf("%s\nplan:\n%v\n%v (arg: what Go received against what C passed; result: what C got against what Go returned)",
			ctest.Describe(c), planText(c.Sig, conv), err)
	}
}

// planText returns the plan of sig under conv, for messages.
func planText(sig *abi.Signature, conv abi.ABI) string {
	p, err := abi.Classify(sig, conv)
	if err != nil {
		return err.Error()
	}
	return p.String()
}

// upcallCases returns the cases of ns that a callback can have: all but the variadic ones.
func upcallCases(t *testing.T, ns []ctest.NamedSig) []ctest.Case {
	t.Helper()
	cases, err := ctest.ParseCases(ns)
	if err != nil {
		t.Fatal(err)
	}
	return ctest.FixedCases(cases)
}

// TestCallbackRefusesVariadic checks the one shape of the case catalogue the upcall
// oracle leaves out: a callback cannot be variadic, whether the signature says so or the
// Variadic option does, and making one fails with ErrBadVariadic.
func TestCallbackRefusesVariadic(t *testing.T) {
	sig := must(abi.ParseSignature("int32_t (const char*, ..., double, int32_t)"))
	fn := func(*jitffi.Frame) {}
	if cb, err := jitffi.NewCallbackDynamic(sig, fn); !errors.Is(err, jitffi.ErrBadVariadic) {
		cb.Free()
		t.Errorf("NewCallbackDynamic of %v: err = %v, want ErrBadVariadic", sig, err)
	}
	fixed := must(abi.ParseSignature("int32_t (const char*, double, int32_t)"))
	if cb, err := jitffi.NewCallbackDynamic(fixed, fn, jitffi.Variadic(1)); !errors.Is(err, jitffi.ErrBadVariadic) {
		cb.Free()
		t.Errorf("NewCallbackDynamic with Variadic(1): err = %v, want ErrBadVariadic", err)
	}
	if cb, err := jitffi.NewCallback2(func(*byte, float64) int32 { return 0 }, jitffi.Variadic(1)); !errors.Is(err, jitffi.ErrBadVariadic) {
		cb.Free()
		t.Errorf("NewCallback2 with Variadic(1): err = %v, want ErrBadVariadic", err)
	}
}

//go:build cgo || windows || (linux && (amd64 || arm64))

package jitffi_test

import (
	"bytes"
	"runtime"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
	"github.com/jitffi/jitffi/internal/fixtures"
)

// The upcall oracle is the downcall oracle's mirror image: for each case a C caller
// compiled by the target's C compiler (ctest.GenerateUpcallers) calls a callback of the
// case's signature with distinctive argument bytes, garbage in struct padding, and
// exports the leaves it passed and the result it got back. The callback is a dynamic one,
// so every shape of the catalogue goes through the same Go code: it records the bytes its
// Frame holds and writes known result bytes. Both directions are compared byte by byte,
// against what the compiled C says it passed and got, never against our classifier.

// upcallCase calls case c's C caller (Name_up) with callbacks of c's signature under the
// calling convention conv (WithABI when it is not the host's): a dynamic one always, a
// reflective one (NewCallbackFunc) when Go types can spell c's C types, and a typed one
// (NewCallbackN) for the cases typedUpcalls lists. For each it checks that the callback ran
// once, that it received the leaves C passed, and that C got back the leaves it returned.
// seed is the seed the fixture's arguments were generated with.
func upcallCase(t *testing.T, lib *jitffi.Library, c ctest.Case, seed uint64, conv abi.ABI) {
	t.Helper()
	runUpcall(t, lib, c, seed, conv, "NewCallbackDynamic", dynamicUpcall)
	if ft, ok := goFuncType(c.Sig); ok {
		runUpcall(t, lib, c, seed, conv, "NewCallbackFunc", reflectUpcall(ft))
	}
	if typed, ok := typedUpcalls[c.Name]; ok {
		runUpcall(t, lib, c, seed, conv, "NewCallbackN", typed)
	}
}

// An upcallRecord is what an oracle callback saw, how often it ran and the bytes of the
// arguments it received, and what it returns.
type upcallRecord struct {
	calls    int
	received [][]byte
	result   []byte
}

// An upcallMaker makes a callback of case c's signature that counts its calls in rec,
// stores the bytes of its arguments there and returns rec.result.
type upcallMaker func(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error)

func runUpcall(t *testing.T, lib *jitffi.Library, c ctest.Case, seed uint64, conv abi.ABI, api string, make upcallMaker) {
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

	rec := &upcallRecord{result: ctest.ResultBytes(c.Sig, c.Salt)}
	cb, err := make(c, rec, opts)
	if err != nil {
		t.Fatalf("%s %s: %v", api, ctest.Describe(c), err)
	}
	defer cb.Free()

	passed := unsafe.Slice((*byte)(pointerAt(passedAddr)), ctest.RecordSize(c.Sig))
	got := unsafe.Slice((*byte)(pointerAt(gotAddr)), c.Sig.Result.Size())
	clear(passed)
	for i := range got {
		got[i] = 0xDD
	}
	up.Call(cb)

	if rec.calls != 1 {
		t.Fatalf("%s %s: the callback ran %d times for one C call", api, ctest.Describe(c), rec.calls)
	}
	// The fixture must have passed the distinctive values it was generated with, or a
	// stub that lost every argument could agree with a caller that passed nothing.
	if want := ctest.ExpectedRecord(c.Sig, ctest.CallArgs(c.Sig, seed)); !bytes.Equal(passed, want) {
		t.Fatalf("%s: the C caller says it passed\n% x\nbut it was generated to pass\n% x", ctest.Describe(c), passed, want)
	}
	if err := ctest.CheckCall(passed, c.Sig, rec.received, got, c.Salt); err != nil {
		t.Errorf("%s %s\nplan:\n%v\n%v (arg: what Go received against what C passed; result: what C got against what Go returned)",
			api, ctest.Describe(c), planText(c.Sig, conv), err)
	}
}

// dynamicUpcall makes a dynamic callback: every shape of the catalogue goes through the
// same Go code, which copies its Frame's argument bytes and writes the result's.
func dynamicUpcall(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error) {
	return jitffi.NewCallbackDynamic(c.Sig, func(f *jitffi.Frame) {
		rec.calls++
		rec.received = make([][]byte, len(c.Sig.Params))
		for i := range rec.received {
			rec.received[i] = bytes.Clone(f.Arg(i))
		}
		copy(f.Result(), rec.result)
	}, opts...)
}

// planText returns the plan of sig under conv, for messages.
func planText(sig *abi.Signature, conv abi.ABI) string {
	p, err := abi.Classify(sig, conv)
	if err != nil {
		return err.Error()
	}
	return p.String()
}

// upcallCases returns the cases of ns that a callback can have: all but the variadic ones,
// which NewCallbackDynamic refuses (TestCallbackRefusals).
func upcallCases(t *testing.T, ns []ctest.NamedSig) []ctest.Case {
	t.Helper()
	cases, err := ctest.ParseCases(ns)
	if err != nil {
		t.Fatal(err)
	}
	return ctest.FixedCases(cases)
}

// TestUpcallPreservesRegisters hands callbacks to the register probes of the "regs"
// fixture (fixtures.RegsProbe): assembly that fills every register a callee must preserve
// under its convention with a pattern, calls the callback, and reports the registers that
// changed and whether the stack pointer moved. The Go side computes with floats and
// allocates, so the Go code behind the door has used those registers. Under Win64 the
// registers include rdi, rsi and xmm6-xmm15; on Linux that probe is ms_abi code calling a
// callback made WithABI(abi.Win64), whose stub must save what System V lets the door
// clobber. On Windows the System V probe calls a callback made WithABI(abi.SysV).
func TestUpcallPreservesRegisters(t *testing.T) {
	type probeCase struct {
		probe fixtures.RegsProbe
		conv  abi.ABI
	}
	var probes []probeCase
	switch {
	case runtime.GOARCH == "arm64":
		probes = []probeCase{{fixtures.RegsProbeAAPCS64, abi.Host}}
	case runtime.GOOS == "windows":
		probes = []probeCase{{fixtures.RegsProbeWin64, abi.Host}, {fixtures.RegsProbeSysV, abi.SysV}}
	case runtime.GOARCH == "amd64":
		probes = []probeCase{{fixtures.RegsProbeSysV, abi.Host}, {fixtures.RegsProbeWin64, abi.Win64}}
	default:
		t.Skipf("no register probes for %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	lib := fixtureLib(t, "regs")
	for _, p := range probes {
		t.Run(p.probe.Name, func(t *testing.T) {
			var opts []jitffi.Option
			if p.conv != abi.Host {
				opts = append(opts, jitffi.WithABI(p.conv))
			}
			probe := must(jitffi.Bind2[*jitffi.Callback, *int64, uint64](lib, p.probe.Name, opts...))
			calls := 0
			cb := must(jitffi.NewCallback1(func(x int64) int64 {
				calls++
				if useRegisters(calls) == 0 {
					return 0
				}
				return 3*x + 1
			}, opts...))
			defer cb.Free()
			for i := range 20 {
				var result int64
				mask := probe.Call(cb, &result)
				if mask != 0 {
					t.Fatalf("call %d: the callback changed %v", i, p.probe.Mask(mask))
				}
				if result != 3*fixtures.RegsProbeArg+1 {
					t.Fatalf("call %d: the probe got %#x from the callback, want %#x", i, result, 3*fixtures.RegsProbeArg+1)
				}
			}
			if calls != 20 {
				t.Errorf("the callback ran %d times for 20 calls", calls)
			}
		})
	}
}

// useRegisters does float and integer work, allocates, and now and then collects garbage,
// so that the Go code running a callback uses the registers C expects it to preserve. It
// returns a nonzero value.
//
//go:noinline
func useRegisters(seed int) int {
	f := [8]float64{1, 2, 3, 4, 5, 6, 7, 8}
	for i := range 100 {
		for j := range f {
			f[j] = f[j]*1.000001 + f[(j+1)%8]/float64(i+seed+1)
		}
	}
	s := make([]int, 256+seed%7)
	for i := range s {
		s[i] = i * seed
	}
	if seed%5 == 0 {
		runtime.GC()
	}
	sum := 1
	for _, v := range s {
		sum += v
	}
	return sum | int(f[3]) | 1
}

// TestUpcallNarrowIntegers checks what the case oracle cannot, since its C callers pass
// narrow arguments the way the compiler does: a callback reads exactly a narrow
// argument's bytes, whatever lies above them in the register or stack slot (Win64 leaves
// it unspecified; System V and AAPCS64 above bit 31), and it returns a narrow integer
// result extended to 32 bits, as C compilers do and as the stubs promise.
func TestUpcallNarrowIntegers(t *testing.T) {
	lib := fixtureLib(t, "extension")
	type got struct {
		a1  int8
		a2  uint8
		a3  int16
		a4  uint16
		a5  bool
		a6  int32
		a7  int8
		a8  uint8
		a9  int16
		a10 uint16
		a11 bool
		a12 int8
	}
	var seen got
	cb := must(jitffi.NewCallback12(func(a1 int8, a2 uint8, a3 int16, a4 uint16, a5 bool, a6 int32,
		a7 int8, a8 uint8, a9 int16, a10 uint16, a11 bool, a12 int8) jitffi.Void {
		seen = got{a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12}
		return jitffi.Void{}
	}))
	defer cb.Free()
	must(jitffi.Bind1[*jitffi.Callback, jitffi.Void](lib, "ext_up_args")).Call(cb)
	want := got{-128, 0xF0, -32767, 0xFFFE, true, 0x7fffffff, -1, 0x81, -32768, 0x8000, true, 0x7F}
	if seen != want {
		t.Errorf("the callback received %+v\nwant %+v", seen, want)
	}

	upResult := must(jitffi.Bind1[*jitffi.Callback, uint64](lib, "ext_up_result"))
	for _, c := range []struct {
		name string
		make func() (*jitffi.Callback, error)
		want uint32
	}{
		{"int8_t", func() (*jitffi.Callback, error) { return jitffi.NewCallback0(func() int8 { return -123 }) }, 0xFFFFFF85},
		{"uint8_t", func() (*jitffi.Callback, error) { return jitffi.NewCallback0(func() uint8 { return 0x85 }) }, 0x85},
		{"int16_t", func() (*jitffi.Callback, error) { return jitffi.NewCallback0(func() int16 { return -0xF7B }) }, 0xFFFFF085},
		{"uint16_t", func() (*jitffi.Callback, error) { return jitffi.NewCallback0(func() uint16 { return 0xF085 }) }, 0xF085},
		{"bool", func() (*jitffi.Callback, error) { return jitffi.NewCallback0(func() bool { return true }) }, 1},
		{"int32_t", func() (*jitffi.Callback, error) { return jitffi.NewCallback0(func() int32 { return -0x3501_0F7B }) }, 0xCAFEF085},
	} {
		cb := must(c.make())
		// Only the low 32 bits are specified: the bits above a 32-bit result are the
		// caller's to ignore on every convention.
		if got := uint32(upResult.Call(cb)); got != c.want {
			t.Errorf("%s result: C read 0x%08x in the low 32 bits of the register, want 0x%08x", c.name, got, c.want)
		}
		cb.Free()
	}
}

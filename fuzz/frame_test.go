package fuzz

import (
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

// TestEmptyValueInsideFrame is the regression test for the fuzzer's first jitffi bug
// (found as "fatal error: found pointer to free object" in worker crashes, sysv, win64 and
// aapcs64 alike): Frame.Result for a void or empty-struct result, and Frame.Arg for an
// empty struct in the last slot, returned a zero-length slice whose pointer was one past
// the frame's allocation. Holding it across a garbage collection made the collector find
// a pointer into the next object, which aborts the program when that object is free.
func TestEmptyValueInsideFrame(t *testing.T) {
	lib, err := jitffi.Open("")
	if err != nil {
		t.Skip(err)
	}
	defer lib.Close()
	// Any function will do, as nothing is called; the C library's abs is always there.
	for _, text := range []string{"void (int32_t)", "struct{} (int32_t)", "void (int32_t, struct{})"} {
		sig, err := abi.ParseSignature(text)
		if err != nil {
			t.Fatal(err)
		}
		d, err := jitffi.BindDynamic(lib, "abs", sig)
		if err != nil {
			t.Skip(err)
		}
		fr := d.NewFrame()
		// The frame is the header, then 8 bytes for the int32_t; it ends right there.
		// Addresses are compared as numbers: the compiler may take two pointers to
		// different objects for unequal.
		end := uintptr(unsafe.Pointer(unsafe.SliceData(fr.Arg(0)))) + 8
		if p := unsafe.Pointer(unsafe.SliceData(fr.Result())); uintptr(p) == end {
			t.Errorf("%s: Result() points one past the frame", text)
		}
		if len(sig.Params) == 2 {
			if p := unsafe.Pointer(unsafe.SliceData(fr.Arg(1))); uintptr(p) == end {
				t.Errorf("%s: Arg(1) points one past the frame", text)
			}
		}
	}
}

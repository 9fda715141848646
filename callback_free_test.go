//go:build cgo || windows || (linux && (amd64 || arm64))

package jitffi_test

import (
	"runtime"
	"testing"
	"weak"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

// TestFreedCallbackReleasesItsFunc checks that Free lets the garbage collector have the
// callback's Go function and what it captured, with each way of making a callback. The
// slot of a freed callback stays registered until another callback takes it, for the
// message a late call gets; it must not keep the function alive that long.
func TestFreedCallbackReleasesItsFunc(t *testing.T) {
	sig := must(abi.ParseSignature("int64_t (int64_t)"))
	for _, c := range []struct {
		name string
		make func(data *[1 << 16]byte) (*jitffi.Callback, error)
	}{
		{"NewCallback1", func(data *[1 << 16]byte) (*jitffi.Callback, error) {
			return jitffi.NewCallback1(func(x int64) int64 { return x + int64(data[0]) })
		}},
		{"NewCallbackFunc", func(data *[1 << 16]byte) (*jitffi.Callback, error) {
			return jitffi.NewCallbackFunc(func(x int64) int64 { return x + int64(data[0]) })
		}},
		{"NewCallbackDynamic", func(data *[1 << 16]byte) (*jitffi.Callback, error) {
			return jitffi.NewCallbackDynamic(sig, func(f *jitffi.Frame) { f.Result()[0] = data[0] })
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			captured := weak.Make(freeAndForget(t, c.make))
			for range 3 {
				runtime.GC()
			}
			if captured.Value() != nil {
				t.Errorf("what the freed callback's function captured is still alive")
			}
		})
	}
}

// freeAndForget makes a callback that captures a fresh buffer, frees it and returns the
// buffer, keeping no other reference to the callback or its function.
//
//go:noinline
func freeAndForget(t *testing.T, make func(*[1 << 16]byte) (*jitffi.Callback, error)) *[1 << 16]byte {
	data := new([1 << 16]byte)
	cb, err := make(data)
	if err != nil {
		t.Fatal(err)
	}
	cb.Free()
	return data
}

// TestFreedCallbacksLeaveNoObjects makes and frees 10^5 callbacks, all alive at once
// before they are freed, and checks that no heap object per callback outlives them: what
// a freed slot keeps for the late-call message must cost the garbage collector nothing.
// (10^6 freed callbacks used to leave 2 million objects and 88 MiB of live heap, which
// every later collection marked.)
func TestFreedCallbacksLeaveNoObjects(t *testing.T) {
	const n = 100_000
	objects := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapObjects
	}
	before := objects()
	makeAndFree(n)
	after := objects()
	if after > before+n/100 {
		t.Errorf("%d callbacks made and freed left %d more heap objects (%d -> %d)", n, int64(after)-int64(before), before, after)
	}
}

//go:noinline
func makeAndFree(n int) {
	cbs := make([]*jitffi.Callback, n)
	for i := range cbs {
		k := int64(i)
		cbs[i] = must(jitffi.NewCallback1(func(x int64) int64 { return x + k }))
	}
	for _, cb := range cbs {
		cb.Free()
	}
}

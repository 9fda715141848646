//go:build linux

package bench_test

import (
	"cmp"
	"math/rand"
	"slices"
	"testing"
	"unsafe"

	"github.com/ebitengine/purego"
	"github.com/jitffi/jitffi"
)

const (
	noLibffiCallbacks = "libffi through jupiterrider/ffi: no closures (callbacks) in its API"
	noCreateCgo       = "cgo: callbacks are //export functions fixed when the program is built"
	noCreatePurego    = "purego: callbacks cannot be freed, and at most 2000 can ever be made"
	noCreateFloor     = "c-floor: a C function pointer needs nothing made"
	noCbSyscallN      = "purego SyscallN: covered by the purego column (NewCallback, then SyscallN would call as purego does)"
)

// benchRoundTrip is the Go -> C -> Go round trip: Go calls jb_cb_call, which calls the
// callback once and returns its result.
func benchRoundTrip(b *testing.B) {
	c := theC(b)
	want := c.ref.RoundTrip(41)
	cgoCell(b, "roundtrip")
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			call := must(jitffi.Bind2At[*jitffi.Callback, int64, int64](c.addr.CbCall, opts...))(b)
			cb := must(jitffi.NewCallback1(func(x int64) int64 { return x + 1 }))(b)
			defer cb.Free()
			agree(b, "round trip", call.Call(cb, 41), want)
			b.ResetTimer()
			for i := range b.N {
				sinkI64 = call.Call(cb, int64(i))
			}
		}
	}
	cell(b, pathJit, jit())
	skipCell(b, pathJitFast, "jitffi Fast: a Fast call must not call back into Go (it is a fatal error)")
	cell(b, pathPurego, func(b *testing.B) {
		var call func(uintptr, int64) int64
		purego.RegisterFunc(&call, c.addr.CbCall)
		cb := puregoAddOne()
		agree(b, "round trip", call(cb, 41), want)
		b.ResetTimer()
		for i := range b.N {
			sinkI64 = call(cb, int64(i))
		}
	})
	skipCell(b, pathSyscallN, noCbSyscallN)
	skipCell(b, pathLibffi, noLibffiCallbacks)
	cell(b, pathFloor, func(b *testing.B) {
		agree(b, "floor sum", c.floor.RoundTrip(10), int64(55)) // 1 + 2 + ... + 10
		b.ResetTimer()
		sinkI64 = c.floor.RoundTrip(b.N)
	})
}

// puregoAddOne is purego's callback of the round trip, made once per process: purego
// callbacks are never freed and at most 2000 can be made.
var puregoAddOne = sync1(func() uintptr { return purego.NewCallback(func(x int64) int64 { return x + 1 }) })

// puregoCompare is purego's qsort comparator, made once per process.
var puregoCompare = sync1(func() uintptr {
	return purego.NewCallback(func(a, b unsafe.Pointer) int32 { return int32(cmp.Compare(*(*int32)(a), *(*int32)(b))) })
})

// sync1 returns a function that computes f's value once.
func sync1[T any](f func() T) func() T {
	var v T
	done := false
	return func() T {
		if !done {
			v, done = f(), true
		}
		return v
	}
}

// qsortData is 1000 int32 in a fixed random order; every op sorts a fresh copy.
var qsortData = func() []int32 {
	r := rand.New(rand.NewSource(1))
	d := make([]int32, 1000)
	for i := range d {
		d[i] = r.Int31() - 1<<30
	}
	return d
}()

// sortCell checks that sort sorts a copy of qsortData as Go's slices.Sorted does, then
// times it: one op is one sort of a fresh copy.
func sortCell(b *testing.B, sort func([]int32)) {
	want := slices.Sorted(slices.Values(qsortData))
	buf := make([]int32, len(qsortData))
	copy(buf, qsortData)
	sort(buf)
	if !slices.Equal(buf, want) {
		b.Fatal("the array is not sorted")
	}
	b.ResetTimer()
	for range b.N {
		copy(buf, qsortData)
		sort(buf)
	}
}

// benchQsort sorts 1000 int32 with the C library's qsort and a Go comparator (a C one
// for the floor).
func benchQsort(b *testing.B) {
	c := theC(b)
	cgoCell(b, "qsort-1000-int32")
	cell(b, pathJit, func(b *testing.B) {
		qsort := must(jitffi.Bind4[[]int32, jitffi.SizeT, jitffi.SizeT, *jitffi.Callback, jitffi.Void](jitLib(b, "libc.so.6"), "qsort"))(b)
		compare := must(jitffi.NewCallback2(func(a, b *int32) jitffi.Int { return jitffi.Int(cmp.Compare(*a, *b)) }))(b)
		defer compare.Free()
		sortCell(b, func(p []int32) { qsort.Call(p, jitffi.SizeT(len(p)), 4, compare) })
	})
	skipCell(b, pathJitFast, "jitffi Fast: a Fast call must not call back into Go (it is a fatal error)")
	cell(b, pathPurego, func(b *testing.B) {
		var qsort func(unsafe.Pointer, uintptr, uintptr, uintptr)
		purego.RegisterLibFunc(&qsort, puregoLib(b, "libc.so.6"), "qsort")
		cmpFn := puregoCompare()
		sortCell(b, func(p []int32) { qsort(unsafe.Pointer(&p[0]), uintptr(len(p)), 4, cmpFn) })
	})
	skipCell(b, pathSyscallN, noCbSyscallN)
	skipCell(b, pathLibffi, noLibffiCallbacks)
	cell(b, pathFloor, func(b *testing.B) { sortCell(b, c.floor.Qsort) })
}

// benchCallbackCreateFree makes a callback of a signature already seen and frees it.
func benchCallbackCreateFree(b *testing.B) {
	c := theC(b)
	skipCell(b, pathCgo, noCreateCgo)
	cell(b, pathJit, func(b *testing.B) {
		fn := func(x int64) int64 { return x + 1 }
		call := must(jitffi.Bind2At[*jitffi.Callback, int64, int64](c.addr.CbCall))(b)
		cb := must(jitffi.NewCallback1(fn))(b)
		agree(b, "new callback", call.Call(cb, 41), int64(42))
		cb.Free()
		b.ResetTimer()
		for range b.N {
			cb, err := jitffi.NewCallback1(fn)
			if err != nil {
				b.Fatal(err)
			}
			cb.Free()
		}
	})
	skipCell(b, pathJitFast, "jitffi Fast: not a callback option")
	skipCell(b, pathPurego, noCreatePurego)
	skipCell(b, pathSyscallN, noCreatePurego)
	skipCell(b, pathLibffi, noLibffiCallbacks)
	skipCell(b, pathFloor, noCreateFloor)
}

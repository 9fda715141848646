//go:build linux

package bench_test

import (
	"math"
	"testing"
	"unsafe"

	"github.com/ebitengine/purego"
	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/bench"
	"github.com/jupiterrider/ffi"
)

func benchPair(b *testing.B) {
	c := theC(b)
	addr := c.addr.Pair
	in := bench.Pair{A: -3 << 40, B: 5}
	want := c.ref.Pair(in)
	cgoCell(b, "struct-int64x2")
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			f := must(jitffi.Bind1At[bench.Pair, bench.Pair](addr, opts...))(b)
			agree(b, "pair", f.Call(in), want)
			b.ResetTimer()
			for i := range b.N {
				sinkPair = f.Call(bench.Pair{A: int64(i), B: 7})
			}
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		var f func(bench.Pair) bench.Pair
		purego.RegisterFunc(&f, addr)
		agree(b, "pair", f(in), want)
		b.ResetTimer()
		for i := range b.N {
			sinkPair = f(bench.Pair{A: int64(i), B: 7})
		}
	})
	skipCell(b, pathSyscallN, noSyscallNStructs)
	cell(b, pathLibffi, func(b *testing.B) {
		st := ffi.NewType(&ffi.TypeSint64, &ffi.TypeSint64)
		cif := prepCif(b, &st, &st)
		var a, r bench.Pair
		args := []unsafe.Pointer{unsafe.Pointer(&a)}
		a = in
		ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
		agree(b, "pair", r, want)
		b.ResetTimer()
		for i := range b.N {
			a = bench.Pair{A: int64(i), B: 7}
			ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
			sinkPair = r
		}
	})
	cell(b, pathFloor, func(b *testing.B) {
		var sum int64
		for i := range 100 {
			r := c.ref.Pair(bench.Pair{A: int64(i), B: 7})
			sum += r.A + r.B
		}
		agree(b, "floor sum", c.floor.Pair(addr, 100), sum)
		b.ResetTimer()
		c.floor.Pair(addr, b.N)
	})
}

func benchVec3(b *testing.B) {
	c := theC(b)
	addr := c.addr.Vec3
	in := bench.Vec3{X: 1.5, Y: -2.25, Z: math.Pi}
	want := c.ref.Vec3(in)
	cgoCell(b, "struct-doublex3-memory")
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			f := must(jitffi.Bind1At[bench.Vec3, bench.Vec3](addr, opts...))(b)
			agree(b, "vec3", f.Call(in), want)
			b.ResetTimer()
			for i := range b.N {
				sinkVec3 = f.Call(bench.Vec3{X: float64(i), Y: 0.5, Z: 0.25})
			}
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		var f func(bench.Vec3) bench.Vec3
		purego.RegisterFunc(&f, addr)
		agree(b, "vec3", f(in), want)
		b.ResetTimer()
		for i := range b.N {
			sinkVec3 = f(bench.Vec3{X: float64(i), Y: 0.5, Z: 0.25})
		}
	})
	skipCell(b, pathSyscallN, noSyscallNStructs)
	cell(b, pathLibffi, func(b *testing.B) {
		st := ffi.NewType(&ffi.TypeDouble, &ffi.TypeDouble, &ffi.TypeDouble)
		cif := prepCif(b, &st, &st)
		var a, r bench.Vec3
		args := []unsafe.Pointer{unsafe.Pointer(&a)}
		a = in
		ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
		agree(b, "vec3", r, want)
		b.ResetTimer()
		for i := range b.N {
			a = bench.Vec3{X: float64(i), Y: 0.5, Z: 0.25}
			ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
			sinkVec3 = r
		}
	})
	cell(b, pathFloor, func(b *testing.B) {
		var sum float64
		for range 100 {
			r := c.ref.Vec3(bench.Vec3{X: 1, Y: 0.5, Z: 0.25})
			sum += r.X + r.Y + r.Z
		}
		agree(b, "floor sum", c.floor.Vec3(addr, 100), sum)
		b.ResetTimer()
		c.floor.Vec3(addr, b.N)
	})
}

func benchFPair(b *testing.B) {
	c := theC(b)
	addr := c.addr.FPair
	in := bench.FPair{X: 1.5, Y: -2.25}
	want := c.ref.FPair(in)
	cgoCell(b, "struct-floatx2")
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			f := must(jitffi.Bind1At[bench.FPair, bench.FPair](addr, opts...))(b)
			agree(b, "fpair", f.Call(in), want)
			b.ResetTimer()
			for i := range b.N {
				sinkFPair = f.Call(bench.FPair{X: float32(i & 1023), Y: 0.5})
			}
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		var f func(bench.FPair) bench.FPair
		purego.RegisterFunc(&f, addr)
		agree(b, "fpair", f(in), want)
		b.ResetTimer()
		for i := range b.N {
			sinkFPair = f(bench.FPair{X: float32(i & 1023), Y: 0.5})
		}
	})
	skipCell(b, pathSyscallN, noSyscallNStructs)
	cell(b, pathLibffi, func(b *testing.B) {
		st := ffi.NewType(&ffi.TypeFloat, &ffi.TypeFloat)
		cif := prepCif(b, &st, &st)
		var a, r bench.FPair
		args := []unsafe.Pointer{unsafe.Pointer(&a)}
		a = in
		ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
		agree(b, "fpair", r, want)
		b.ResetTimer()
		for i := range b.N {
			a = bench.FPair{X: float32(i & 1023), Y: 0.5}
			ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
			sinkFPair = r
		}
	})
	cell(b, pathFloor, func(b *testing.B) {
		var sum float64
		for i := range 100 {
			r := c.ref.FPair(bench.FPair{X: float32(i & 1023), Y: 0.5})
			sum += float64(r.X) + float64(r.Y)
		}
		agree(b, "floor sum", c.floor.FPair(addr, 100), sum)
		b.ResetTimer()
		c.floor.FPair(addr, b.N)
	})
}

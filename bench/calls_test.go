//go:build linux && cgo

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

func benchVoid(b *testing.B) {
	addr := bench.Addrs.Noop
	cell(b, pathCgo, func(b *testing.B) {
		for range b.N {
			bench.CgoNoop()
		}
	})
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			f := must(jitffi.Bind0At[jitffi.Void](addr, opts...))(b)
			f.Call() // a void function has no result to compare; it must return
			b.ResetTimer()
			for range b.N {
				f.Call()
			}
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		var f func()
		purego.RegisterFunc(&f, addr)
		f()
		b.ResetTimer()
		for range b.N {
			f()
		}
	})
	cell(b, pathSyscallN, func(b *testing.B) {
		purego.SyscallN(addr)
		b.ResetTimer()
		for range b.N {
			purego.SyscallN(addr)
		}
	})
	cell(b, pathLibffi, func(b *testing.B) {
		cif := prepCif(b, &ffi.TypeVoid)
		ffi.Call(cif, addr, nil)
		b.ResetTimer()
		for range b.N {
			ffi.Call(cif, addr, nil)
		}
	})
	cell(b, pathFloor, func(b *testing.B) {
		agree(b, "floor count", bench.FloorNoop(addr, 10), 10)
		b.ResetTimer()
		bench.FloorNoop(addr, b.N)
	})
}

func benchAdd(b *testing.B) {
	addr := bench.Addrs.Add
	want := bench.CgoAdd(-7, 1<<30)
	cell(b, pathCgo, func(b *testing.B) {
		for i := range b.N {
			sinkI32 = bench.CgoAdd(int32(i), 1)
		}
	})
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			f := must(jitffi.Bind2At[int32, int32, int32](addr, opts...))(b)
			agree(b, "add", f.Call(-7, 1<<30), want)
			b.ResetTimer()
			for i := range b.N {
				sinkI32 = f.Call(int32(i), 1)
			}
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		var f func(int32, int32) int32
		purego.RegisterFunc(&f, addr)
		agree(b, "add", f(-7, 1<<30), want)
		b.ResetTimer()
		for i := range b.N {
			sinkI32 = f(int32(i), 1)
		}
	})
	cell(b, pathSyscallN, func(b *testing.B) {
		m7 := int32(-7)
		r, _, _ := purego.SyscallN(addr, uintptr(m7), 1<<30)
		agree(b, "add", int32(r), want)
		b.ResetTimer()
		for i := range b.N {
			r, _, _ := purego.SyscallN(addr, uintptr(i), 1)
			sinkI32 = int32(r)
		}
	})
	cell(b, pathLibffi, func(b *testing.B) {
		cif := prepCif(b, &ffi.TypeSint32, &ffi.TypeSint32, &ffi.TypeSint32)
		var x, y int32
		var r ffi.Arg
		args := []unsafe.Pointer{unsafe.Pointer(&x), unsafe.Pointer(&y)}
		x, y = -7, 1<<30
		ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
		agree(b, "add", int32(r), want)
		b.ResetTimer()
		for i := range b.N {
			x, y = int32(i), 1
			ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
			sinkI32 = int32(r)
		}
	})
	cell(b, pathFloor, func(b *testing.B) {
		var sum int64
		for i := range 100 {
			sum += int64(bench.CgoAdd(int32(i), 1))
		}
		agree(b, "floor sum", bench.FloorAdd(addr, 100), sum)
		b.ResetTimer()
		bench.FloorAdd(addr, b.N)
	})
}

func benchFma3(b *testing.B) {
	addr := bench.Addrs.Fma3
	want := bench.CgoFma3(1.5, -2.25, 0.125)
	cell(b, pathCgo, func(b *testing.B) {
		for i := range b.N {
			sinkF64 = bench.CgoFma3(float64(i), 0.5, 1.25)
		}
	})
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			f := must(jitffi.Bind3At[float64, float64, float64, float64](addr, opts...))(b)
			agree(b, "fma3", f.Call(1.5, -2.25, 0.125), want)
			b.ResetTimer()
			for i := range b.N {
				sinkF64 = f.Call(float64(i), 0.5, 1.25)
			}
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		var f func(float64, float64, float64) float64
		purego.RegisterFunc(&f, addr)
		agree(b, "fma3", f(1.5, -2.25, 0.125), want)
		b.ResetTimer()
		for i := range b.N {
			sinkF64 = f(float64(i), 0.5, 1.25)
		}
	})
	skipCell(b, pathSyscallN, noSyscallNFloats)
	cell(b, pathLibffi, func(b *testing.B) {
		cif := prepCif(b, &ffi.TypeDouble, &ffi.TypeDouble, &ffi.TypeDouble, &ffi.TypeDouble)
		var x, y, z, r float64
		args := []unsafe.Pointer{unsafe.Pointer(&x), unsafe.Pointer(&y), unsafe.Pointer(&z)}
		x, y, z = 1.5, -2.25, 0.125
		ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
		agree(b, "fma3", r, want)
		b.ResetTimer()
		for i := range b.N {
			x, y, z = float64(i), 0.5, 1.25
			ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
			sinkF64 = r
		}
	})
	cell(b, pathFloor, func(b *testing.B) {
		var sum float64
		for i := range 100 {
			sum += bench.CgoFma3(float64(i), 0.5, 1.25)
		}
		agree(b, "floor sum", bench.FloorFma3(addr, 100), sum)
		b.ResetTimer()
		bench.FloorFma3(addr, b.N)
	})
}

func benchSum6(b *testing.B) {
	addr := bench.Addrs.Sum6
	want := bench.CgoSum6(1, -2, 3<<40, 4, -5<<33, 6)
	cell(b, pathCgo, func(b *testing.B) {
		for i := range b.N {
			sinkI64 = bench.CgoSum6(int64(i), 2, 3, 4, 5, 6)
		}
	})
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			f := must(jitffi.Bind6At[int64, int64, int64, int64, int64, int64, int64](addr, opts...))(b)
			agree(b, "sum6", f.Call(1, -2, 3<<40, 4, -5<<33, 6), want)
			b.ResetTimer()
			for i := range b.N {
				sinkI64 = f.Call(int64(i), 2, 3, 4, 5, 6)
			}
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		var f func(int64, int64, int64, int64, int64, int64) int64
		purego.RegisterFunc(&f, addr)
		agree(b, "sum6", f(1, -2, 3<<40, 4, -5<<33, 6), want)
		b.ResetTimer()
		for i := range b.N {
			sinkI64 = f(int64(i), 2, 3, 4, 5, 6)
		}
	})
	cell(b, pathSyscallN, func(b *testing.B) {
		m2, m5 := int64(-2), int64(-5<<33)
		r, _, _ := purego.SyscallN(addr, 1, uintptr(m2), 3<<40, 4, uintptr(m5), 6)
		agree(b, "sum6", int64(r), want)
		b.ResetTimer()
		for i := range b.N {
			r, _, _ := purego.SyscallN(addr, uintptr(i), 2, 3, 4, 5, 6)
			sinkI64 = int64(r)
		}
	})
	cell(b, pathLibffi, func(b *testing.B) {
		t := &ffi.TypeSint64
		cif := prepCif(b, t, t, t, t, t, t, t)
		var a [6]int64
		var r int64
		args := make([]unsafe.Pointer, len(a))
		for i := range a {
			args[i] = unsafe.Pointer(&a[i])
		}
		a = [6]int64{1, -2, 3 << 40, 4, -5 << 33, 6}
		ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
		agree(b, "sum6", r, want)
		b.ResetTimer()
		for i := range b.N {
			a = [6]int64{int64(i), 2, 3, 4, 5, 6}
			ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
			sinkI64 = r
		}
	})
	cell(b, pathFloor, func(b *testing.B) {
		var sum int64
		for i := range 100 {
			sum += bench.CgoSum6(int64(i), 2, 3, 4, 5, 6)
		}
		agree(b, "floor sum", bench.FloorSum6(addr, 100), sum)
		b.ResetTimer()
		bench.FloorSum6(addr, b.N)
	})
}

func benchSum10(b *testing.B) {
	addr := bench.Addrs.Sum10
	want := bench.CgoSum10(1, -2, 3<<40, 4, -5<<33, 6, 7<<50, -8, 9, 10<<20)
	cell(b, pathCgo, func(b *testing.B) {
		for i := range b.N {
			sinkI64 = bench.CgoSum10(int64(i), 2, 3, 4, 5, 6, 7, 8, 9, 10)
		}
	})
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			f := must(jitffi.Bind10At[int64, int64, int64, int64, int64, int64, int64, int64, int64, int64, int64](addr, opts...))(b)
			agree(b, "sum10", f.Call(1, -2, 3<<40, 4, -5<<33, 6, 7<<50, -8, 9, 10<<20), want)
			b.ResetTimer()
			for i := range b.N {
				sinkI64 = f.Call(int64(i), 2, 3, 4, 5, 6, 7, 8, 9, 10)
			}
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		var f func(int64, int64, int64, int64, int64, int64, int64, int64, int64, int64) int64
		purego.RegisterFunc(&f, addr)
		agree(b, "sum10", f(1, -2, 3<<40, 4, -5<<33, 6, 7<<50, -8, 9, 10<<20), want)
		b.ResetTimer()
		for i := range b.N {
			sinkI64 = f(int64(i), 2, 3, 4, 5, 6, 7, 8, 9, 10)
		}
	})
	cell(b, pathSyscallN, func(b *testing.B) {
		m2, m5, m8 := int64(-2), int64(-5<<33), int64(-8)
		r, _, _ := purego.SyscallN(addr, 1, uintptr(m2), 3<<40, 4, uintptr(m5), 6, 7<<50, uintptr(m8), 9, 10<<20)
		agree(b, "sum10", int64(r), want)
		b.ResetTimer()
		for i := range b.N {
			r, _, _ := purego.SyscallN(addr, uintptr(i), 2, 3, 4, 5, 6, 7, 8, 9, 10)
			sinkI64 = int64(r)
		}
	})
	cell(b, pathLibffi, func(b *testing.B) {
		t := &ffi.TypeSint64
		cif := prepCif(b, t, t, t, t, t, t, t, t, t, t, t)
		var a [10]int64
		var r int64
		args := make([]unsafe.Pointer, len(a))
		for i := range a {
			args[i] = unsafe.Pointer(&a[i])
		}
		a = [10]int64{1, -2, 3 << 40, 4, -5 << 33, 6, 7 << 50, -8, 9, 10 << 20}
		ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
		agree(b, "sum10", r, want)
		b.ResetTimer()
		for i := range b.N {
			a = [10]int64{int64(i), 2, 3, 4, 5, 6, 7, 8, 9, 10}
			ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
			sinkI64 = r
		}
	})
	cell(b, pathFloor, func(b *testing.B) {
		var sum int64
		for i := range 100 {
			sum += bench.CgoSum10(int64(i), 2, 3, 4, 5, 6, 7, 8, 9, 10)
		}
		agree(b, "floor sum", bench.FloorSum10(addr, 100), sum)
		b.ResetTimer()
		bench.FloorSum10(addr, b.N)
	})
}

func benchMixed8(b *testing.B) {
	addr := bench.Addrs.Mixed8
	want := bench.CgoMixed8(-1, 2.5, 3<<40, -4.25, 5, 6.125, -7<<35, 8.5)
	cell(b, pathCgo, func(b *testing.B) {
		for i := range b.N {
			sinkF64 = bench.CgoMixed8(int32(i), 0.5, 3, 0.25, 5, 6.5, 7, 8.75)
		}
	})
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			f := must(jitffi.Bind8At[int32, float64, int64, float32, int32, float64, int64, float32, float64](addr, opts...))(b)
			agree(b, "mixed8", f.Call(-1, 2.5, 3<<40, -4.25, 5, 6.125, -7<<35, 8.5), want)
			b.ResetTimer()
			for i := range b.N {
				sinkF64 = f.Call(int32(i), 0.5, 3, 0.25, 5, 6.5, 7, 8.75)
			}
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		var f func(int32, float64, int64, float32, int32, float64, int64, float32) float64
		purego.RegisterFunc(&f, addr)
		agree(b, "mixed8", f(-1, 2.5, 3<<40, -4.25, 5, 6.125, -7<<35, 8.5), want)
		b.ResetTimer()
		for i := range b.N {
			sinkF64 = f(int32(i), 0.5, 3, 0.25, 5, 6.5, 7, 8.75)
		}
	})
	skipCell(b, pathSyscallN, noSyscallNFloats)
	cell(b, pathLibffi, func(b *testing.B) {
		cif := prepCif(b, &ffi.TypeDouble, &ffi.TypeSint32, &ffi.TypeDouble, &ffi.TypeSint64, &ffi.TypeFloat,
			&ffi.TypeSint32, &ffi.TypeDouble, &ffi.TypeSint64, &ffi.TypeFloat)
		var a1, a5 int32
		var a2, a6, r float64
		var a3, a7 int64
		var a4, a8 float32
		args := []unsafe.Pointer{unsafe.Pointer(&a1), unsafe.Pointer(&a2), unsafe.Pointer(&a3), unsafe.Pointer(&a4),
			unsafe.Pointer(&a5), unsafe.Pointer(&a6), unsafe.Pointer(&a7), unsafe.Pointer(&a8)}
		a1, a2, a3, a4, a5, a6, a7, a8 = -1, 2.5, 3<<40, -4.25, 5, 6.125, -7<<35, 8.5
		ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
		agree(b, "mixed8", r, want)
		b.ResetTimer()
		for i := range b.N {
			a1, a2, a3, a4, a5, a6, a7, a8 = int32(i), 0.5, 3, 0.25, 5, 6.5, 7, 8.75
			ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
			sinkF64 = r
		}
	})
	cell(b, pathFloor, func(b *testing.B) {
		var sum float64
		for i := range 100 {
			sum += bench.CgoMixed8(int32(i), 0.5, 3, 0.25, 5, 6.5, 7, 8.75)
		}
		agree(b, "floor sum", bench.FloorMixed8(addr, 100), sum)
		b.ResetTimer()
		bench.FloorMixed8(addr, b.N)
	})
}

func benchPair(b *testing.B) {
	addr := bench.Addrs.Pair
	in := bench.Pair{A: -3 << 40, B: 5}
	want := bench.CgoPair(in)
	cell(b, pathCgo, func(b *testing.B) {
		for i := range b.N {
			sinkPair = bench.CgoPair(bench.Pair{A: int64(i), B: 7})
		}
	})
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
			r := bench.CgoPair(bench.Pair{A: int64(i), B: 7})
			sum += r.A + r.B
		}
		agree(b, "floor sum", bench.FloorPair(addr, 100), sum)
		b.ResetTimer()
		bench.FloorPair(addr, b.N)
	})
}

func benchVec3(b *testing.B) {
	addr := bench.Addrs.Vec3
	in := bench.Vec3{X: 1.5, Y: -2.25, Z: math.Pi}
	want := bench.CgoVec3(in)
	cell(b, pathCgo, func(b *testing.B) {
		for i := range b.N {
			sinkVec3 = bench.CgoVec3(bench.Vec3{X: float64(i), Y: 0.5, Z: 0.25})
		}
	})
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
			r := bench.CgoVec3(bench.Vec3{X: 1, Y: 0.5, Z: 0.25})
			sum += r.X + r.Y + r.Z
		}
		agree(b, "floor sum", bench.FloorVec3(addr, 100), sum)
		b.ResetTimer()
		bench.FloorVec3(addr, b.N)
	})
}

func benchFPair(b *testing.B) {
	addr := bench.Addrs.FPair
	in := bench.FPair{X: 1.5, Y: -2.25}
	want := bench.CgoFPair(in)
	cell(b, pathCgo, func(b *testing.B) {
		for i := range b.N {
			sinkFPair = bench.CgoFPair(bench.FPair{X: float32(i & 1023), Y: 0.5})
		}
	})
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
			r := bench.CgoFPair(bench.FPair{X: float32(i & 1023), Y: 0.5})
			sum += float64(r.X) + float64(r.Y)
		}
		agree(b, "floor sum", bench.FloorFPair(addr, 100), sum)
		b.ResetTimer()
		bench.FloorFPair(addr, b.N)
	})
}

// buf64 is the 64-byte Go buffer the pointer-and-length cell passes.
var buf64 = func() []byte {
	p := make([]byte, 64)
	for i := range p {
		p[i] = byte(i*37 + 11)
	}
	return p
}()

func benchSumBytes(b *testing.B) {
	addr := bench.Addrs.SumBytes
	p := buf64
	want := bench.CgoSumBytes(p)
	cell(b, pathCgo, func(b *testing.B) {
		for range b.N {
			sinkU64 = bench.CgoSumBytes(p)
		}
	})
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			f := must(jitffi.Bind2At[*byte, uintptr, uint64](addr, opts...))(b)
			agree(b, "sum_bytes", f.Call(&p[0], uintptr(len(p))), want)
			b.ResetTimer()
			for range b.N {
				sinkU64 = f.Call(&p[0], uintptr(len(p)))
			}
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		var f func(*byte, uintptr) uint64
		purego.RegisterFunc(&f, addr)
		agree(b, "sum_bytes", f(&p[0], uintptr(len(p))), want)
		b.ResetTimer()
		for range b.N {
			sinkU64 = f(&p[0], uintptr(len(p)))
		}
	})
	cell(b, pathSyscallN, func(b *testing.B) {
		r, _, _ := purego.SyscallN(addr, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
		agree(b, "sum_bytes", uint64(r), want)
		b.ResetTimer()
		for range b.N {
			r, _, _ := purego.SyscallN(addr, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
			sinkU64 = uint64(r)
		}
	})
	cell(b, pathLibffi, func(b *testing.B) {
		cif := prepCif(b, &ffi.TypeUint64, &ffi.TypePointer, &ffi.TypeUint64)
		ptr, n := &p[0], uint64(len(p))
		var r uint64
		args := []unsafe.Pointer{unsafe.Pointer(&ptr), unsafe.Pointer(&n)}
		ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
		agree(b, "sum_bytes", r, want)
		b.ResetTimer()
		for range b.N {
			ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
			sinkU64 = r
		}
	})
	cell(b, pathFloor, func(b *testing.B) {
		agree(b, "floor sum", bench.FloorSumBytes(addr, p, 100), 100*want)
		b.ResetTimer()
		bench.FloorSumBytes(addr, p, b.N)
	})
}

func benchSnprintf(b *testing.B) {
	format := []byte("%d %.3f\x00")
	want := make([]byte, 64)
	wantN := bench.CgoSnprintf(want, format, -42, math.Pi)
	got := make([]byte, 64)
	// same checks that a path returned cgo's count and wrote cgo's C string.
	same := func(b *testing.B, n int32) {
		b.Helper()
		agree(b, "snprintf count", n, wantN)
		agree(b, "snprintf text", string(got[:wantN+1]), string(want[:wantN+1]))
	}
	cell(b, pathCgo, func(b *testing.B) {
		for i := range b.N {
			sinkI32 = bench.CgoSnprintf(got, format, int32(i), 3.25)
		}
	})
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			opts = append(opts, jitffi.Variadic(3))
			f := must(jitffi.Bind5[*byte, uintptr, *byte, int32, float64, int32](jitLib(b, bench.LibC), "snprintf", opts...))(b)
			same(b, f.Call(&got[0], uintptr(len(got)), &format[0], -42, math.Pi))
			b.ResetTimer()
			for i := range b.N {
				sinkI32 = f.Call(&got[0], uintptr(len(got)), &format[0], int32(i), 3.25)
			}
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	skipCell(b, pathPurego, noPuregoVariadic)
	skipCell(b, pathSyscallN, noSyscallNVariadic)
	cell(b, pathLibffi, func(b *testing.B) {
		cif := new(ffi.Cif)
		if st := ffi.PrepCifVar(cif, ffi.DefaultAbi, 3, 5, &ffi.TypeSint32,
			&ffi.TypePointer, &ffi.TypeUint64, &ffi.TypePointer, &ffi.TypeSint32, &ffi.TypeDouble); st != ffi.OK {
			b.Fatalf("libffi: ffi_prep_cif_var: %v", st)
		}
		addr := libffiSym(b, bench.LibC, "snprintf")
		buf, n, fmtp := &got[0], uint64(len(got)), &format[0]
		var i32 int32
		var d float64
		var r ffi.Arg
		args := []unsafe.Pointer{unsafe.Pointer(&buf), unsafe.Pointer(&n), unsafe.Pointer(&fmtp), unsafe.Pointer(&i32), unsafe.Pointer(&d)}
		i32, d = -42, math.Pi
		ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
		same(b, int32(r))
		b.ResetTimer()
		for i := range b.N {
			i32, d = int32(i), 3.25
			ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
			sinkI32 = int32(r)
		}
	})
	cell(b, pathFloor, func(b *testing.B) {
		var sum int64
		for i := range 100 {
			sum += int64(bench.CgoSnprintf(got, format, int32(i), 3.25))
		}
		agree(b, "floor count sum", bench.FloorSnprintf(bench.LibAddrs.Snprintf, got, format, 100), sum)
		b.ResetTimer()
		bench.FloorSnprintf(bench.LibAddrs.Snprintf, got, format, b.N)
	})
}

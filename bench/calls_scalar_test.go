//go:build linux

package bench_test

import (
	"testing"
	"unsafe"

	"github.com/ebitengine/purego"
	"github.com/jitffi/jitffi"
	"github.com/jupiterrider/ffi"
)

func benchVoid(b *testing.B) {
	c := theC(b)
	addr := c.addr.Noop
	cgoCell(b, "void")
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
		agree(b, "floor count", c.floor.Noop(addr, 10), 10)
		b.ResetTimer()
		c.floor.Noop(addr, b.N)
	})
}

func benchAdd(b *testing.B) {
	c := theC(b)
	addr := c.addr.Add
	want := c.ref.Add(-7, 1<<30)
	cgoCell(b, "add-int32")
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
			sum += int64(c.ref.Add(int32(i), 1))
		}
		agree(b, "floor sum", c.floor.Add(addr, 100), sum)
		b.ResetTimer()
		c.floor.Add(addr, b.N)
	})
}

func benchFma3(b *testing.B) {
	c := theC(b)
	addr := c.addr.Fma3
	want := c.ref.Fma3(1.5, -2.25, 0.125)
	cgoCell(b, "fma3-double")
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
			sum += c.ref.Fma3(float64(i), 0.5, 1.25)
		}
		agree(b, "floor sum", c.floor.Fma3(addr, 100), sum)
		b.ResetTimer()
		c.floor.Fma3(addr, b.N)
	})
}

func benchSum6(b *testing.B) {
	c := theC(b)
	addr := c.addr.Sum6
	want := c.ref.Sum6(1, -2, 3<<40, 4, -5<<33, 6)
	cgoCell(b, "sum6-int64")
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
			sum += c.ref.Sum6(int64(i), 2, 3, 4, 5, 6)
		}
		agree(b, "floor sum", c.floor.Sum6(addr, 100), sum)
		b.ResetTimer()
		c.floor.Sum6(addr, b.N)
	})
}

func benchSum10(b *testing.B) {
	c := theC(b)
	addr := c.addr.Sum10
	want := c.ref.Sum10(1, -2, 3<<40, 4, -5<<33, 6, 7<<50, -8, 9, 10<<20)
	cgoCell(b, "sum10-int64-stack")
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
			sum += c.ref.Sum10(int64(i), 2, 3, 4, 5, 6, 7, 8, 9, 10)
		}
		agree(b, "floor sum", c.floor.Sum10(addr, 100), sum)
		b.ResetTimer()
		c.floor.Sum10(addr, b.N)
	})
}

func benchMixed8(b *testing.B) {
	c := theC(b)
	addr := c.addr.Mixed8
	want := c.ref.Mixed8(-1, 2.5, 3<<40, -4.25, 5, 6.125, -7<<35, 8.5)
	cgoCell(b, "mixed8-int-float")
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
			sum += c.ref.Mixed8(int32(i), 0.5, 3, 0.25, 5, 6.5, 7, 8.75)
		}
		agree(b, "floor sum", c.floor.Mixed8(addr, 100), sum)
		b.ResetTimer()
		c.floor.Mixed8(addr, b.N)
	})
}

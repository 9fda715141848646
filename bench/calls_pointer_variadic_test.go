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

// buf64 is the 64-byte Go buffer the pointer-and-length cell passes.
var buf64 = func() []byte {
	p := make([]byte, 64)
	for i := range p {
		p[i] = byte(i*37 + 11)
	}
	return p
}()

func benchSumBytes(b *testing.B) {
	c := theC(b)
	addr := c.addr.SumBytes
	p := buf64
	want := c.ref.SumBytes(p)
	cgoCell(b, "ptr-len-64B")
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
		agree(b, "floor sum", c.floor.SumBytes(addr, p, 100), 100*want)
		b.ResetTimer()
		c.floor.SumBytes(addr, p, b.N)
	})
}

// snprintfFormat is the format of the snprintf row, NUL-terminated.
const snprintfFormat = "%d %.3f\x00"

func benchSnprintf(b *testing.B) {
	c := theC(b)
	format := []byte(snprintfFormat)
	want := make([]byte, 64)
	wantN := c.ref.Snprintf(want, format, -42, math.Pi)
	got := make([]byte, 64)
	// same checks that a path returned the reference's count and wrote its C string.
	same := func(b *testing.B, n int32) {
		b.Helper()
		agree(b, "snprintf count", n, wantN)
		agree(b, "snprintf text", string(got[:wantN+1]), string(want[:wantN+1]))
	}
	cgoCell(b, "snprintf-variadic")
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
			sum += int64(c.ref.Snprintf(got, format, int32(i), 3.25))
		}
		agree(b, "floor count sum", c.floor.Snprintf(c.addr.Snprintf, got, format, 100), sum)
		b.ResetTimer()
		c.floor.Snprintf(c.addr.Snprintf, got, format, b.N)
	})
}

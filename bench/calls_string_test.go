//go:build linux

package bench_test

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/ebitengine/purego"
	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/bench"
	"github.com/jupiterrider/ffi"
)

// The strings the strlen cells measure: one that fits jitffi's smallest pool of C string
// buffers (64 bytes, NUL included), and one of 4096 bytes, which with its NUL fits no
// pool and so gets a buffer of its own on every call.
var (
	shortString = "the quick brown fox"     // 19 bytes
	longString  = strings.Repeat("x", 4096) // 4 KiB
)

// strlenRow is the name of the strlen row passing s as kind ("string" or "ptr"), the key
// of its cgo cell.
func strlenRow(kind, s string) string {
	if s == shortString {
		return "strlen-" + kind + "-19B"
	}
	return "strlen-" + kind + "-4KiB"
}

// benchStrlenString passes s to libc's strlen as a Go string, converted by each path the
// way its users pass one: cgo with C.CString and C.free around the call, jitffi through a
// string parameter (a NUL-terminated copy in a pooled buffer), purego through a string
// parameter (its own copy). The floor is strlen called from C on a C copy.
func benchStrlenString(s string) func(*testing.B) {
	return func(b *testing.B) {
		c := theC(b)
		cs := append([]byte(s), 0)
		want := c.ref.Strlen(cs)
		cgoCell(b, strlenRow("string", s))
		jit := func(opts ...jitffi.Option) func(*testing.B) {
			return func(b *testing.B) {
				f := must(jitffi.Bind1[string, jitffi.SizeT](jitLib(b, bench.LibC), "strlen", opts...))(b)
				agree(b, "strlen", uint64(f.Call(s)), want)
				b.ResetTimer()
				for range b.N {
					sinkU64 = uint64(f.Call(s))
				}
			}
		}
		cell(b, pathJit, jit())
		cell(b, pathJitFast, jit(jitffi.Fast()))
		cell(b, pathPurego, func(b *testing.B) {
			var f func(string) uint64
			purego.RegisterLibFunc(&f, puregoLib(b, bench.LibC), "strlen")
			agree(b, "strlen", f(s), want)
			b.ResetTimer()
			for range b.N {
				sinkU64 = f(s)
			}
		})
		skipCell(b, pathSyscallN, noSyscallNStrings)
		skipCell(b, pathLibffi, noLibffiStrings)
		cell(b, pathFloor, func(b *testing.B) {
			agree(b, "floor strlen sum", c.floor.Strlen(c.addr.Strlen, cs, 100), 100*want)
			b.ResetTimer()
			c.floor.Strlen(c.addr.Strlen, cs, b.N)
		})
	}
}

// benchStrlenPtr passes libc's strlen a pointer to NUL-terminated bytes made beforehand
// (a char* parameter, *byte in Go): no path copies anything.
func benchStrlenPtr(s string) func(*testing.B) {
	return func(b *testing.B) {
		c := theC(b)
		cs := append([]byte(s), 0)
		p := &cs[0]
		want := c.ref.Strlen(cs)
		cgoCell(b, strlenRow("ptr", s))
		jit := func(opts ...jitffi.Option) func(*testing.B) {
			return func(b *testing.B) {
				f := must(jitffi.Bind1[*byte, jitffi.SizeT](jitLib(b, bench.LibC), "strlen", opts...))(b)
				agree(b, "strlen", uint64(f.Call(p)), want)
				b.ResetTimer()
				for range b.N {
					sinkU64 = uint64(f.Call(p))
				}
			}
		}
		cell(b, pathJit, jit())
		cell(b, pathJitFast, jit(jitffi.Fast()))
		cell(b, pathPurego, func(b *testing.B) {
			var f func(*byte) uint64
			purego.RegisterLibFunc(&f, puregoLib(b, bench.LibC), "strlen")
			agree(b, "strlen", f(p), want)
			b.ResetTimer()
			for range b.N {
				sinkU64 = f(p)
			}
		})
		cell(b, pathSyscallN, func(b *testing.B) {
			addr := puregoSym(b, bench.LibC, "strlen")
			r, _, _ := purego.SyscallN(addr, uintptr(unsafe.Pointer(p)))
			agree(b, "strlen", uint64(r), want)
			b.ResetTimer()
			for range b.N {
				r, _, _ := purego.SyscallN(addr, uintptr(unsafe.Pointer(p)))
				sinkU64 = uint64(r)
			}
		})
		cell(b, pathLibffi, func(b *testing.B) {
			cif := prepCif(b, &ffi.TypeUint64, &ffi.TypePointer)
			addr := libffiSym(b, bench.LibC, "strlen")
			var r uint64
			args := []unsafe.Pointer{unsafe.Pointer(&p)}
			ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
			agree(b, "strlen", r, want)
			b.ResetTimer()
			for range b.N {
				ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
				sinkU64 = r
			}
		})
		cell(b, pathFloor, func(b *testing.B) {
			agree(b, "floor strlen sum", c.floor.Strlen(c.addr.Strlen, cs, 100), 100*want)
			b.ResetTimer()
			c.floor.Strlen(c.addr.Strlen, cs, b.N)
		})
	}
}

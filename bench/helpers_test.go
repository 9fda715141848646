//go:build linux

package bench_test

import (
	"testing"

	"github.com/ebitengine/purego"
	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/bench"
	"github.com/jupiterrider/ffi"
)

// The paths, in the order the report's columns follow. Every benchmark is named
// Benchmark<Group>/<row>/<path>.
const (
	pathCgo      = "cgo"             // direct C.fn
	pathJit      = "jitffi"          // typed binding, default mode
	pathJitFast  = "jitffi-fast"     // typed binding, Fast()
	pathPurego   = "purego"          // purego RegisterFunc / RegisterLibFunc (one reflect.MakeFunc closure)
	pathSyscallN = "purego-syscalln" // purego.SyscallN with uintptr arguments
	pathLibffi   = "libffi"          // ffi_call through github.com/jupiterrider/ffi with a prepared cif
	pathFloor    = "c-floor"         // a C loop calling through a function pointer
)

// Reasons for the cells a peer cannot express.
const (
	noSyscallNFloats   = "purego SyscallN: passes uintptr words only, no float arguments or results"
	noSyscallNStructs  = "purego SyscallN: passes uintptr words only, no structs by value"
	noPuregoVariadic   = "purego: no C variadic functions (RegisterFunc's ...any is not a C variadic call)"
	noSyscallNVariadic = "purego SyscallN: no C variadic calls (no float arguments, AL not set)"
	noSyscallNStrings  = "purego SyscallN: passes uintptr words only, no Go strings (see the strlen-ptr rows)"
	noLibffiStrings    = "libffi: passes pointers to C values only, no Go strings (see the strlen-ptr rows)"
)

// cell runs one path of a benchmark as a sub-benchmark that reports allocations.
func cell(b *testing.B, path string, fn func(b *testing.B)) {
	b.Run(path, func(b *testing.B) {
		b.ReportAllocs()
		fn(b)
	})
}

// skipCell records a path that cannot express the benchmark, with the reason.
func skipCell(b *testing.B, path, reason string) {
	b.Run(path, func(b *testing.B) { b.Skip(reason) })
}

// needsCgo is the reason the cgo path's cells skip in a CGO_ENABLED=0 build.
const needsCgo = "needs cgo: this test binary was built with CGO_ENABLED=0"

// cgoCell runs the cgo path's cell of row (see cgoCells), or records why it cannot run.
func cgoCell(b *testing.B, row string) {
	if cgoCells == nil {
		skipCell(b, pathCgo, needsCgo)
		return
	}
	fn, ok := cgoCells[row]
	if !ok {
		b.Fatalf("cgoCells has no cell for row %q", row)
	}
	cell(b, pathCgo, fn)
}

// agree stops the benchmark unless a path's result equals the reference's (see cRefs).
func agree[T comparable](b *testing.B, what string, got, want T) {
	b.Helper()
	if got != want {
		b.Fatalf("%s: got %v, %s says %v", what, got, refName, want)
	}
}

// must(v, err)(b) is v, or stops the benchmark with err.
func must[T any](v T, err error) func(b *testing.B) T {
	return func(b *testing.B) T {
		b.Helper()
		if err != nil {
			b.Fatal(err)
		}
		return v
	}
}

// prepCif prepares a libffi call interface for a non-variadic function.
func prepCif(b *testing.B, ret *ffi.Type, args ...*ffi.Type) *ffi.Cif {
	b.Helper()
	cif := new(ffi.Cif)
	if st := ffi.PrepCif(cif, ffi.DefaultAbi, uint32(len(args)), ret, args...); st != ffi.OK {
		b.Fatalf("libffi: ffi_prep_cif: %v", st)
	}
	return cif
}

// Libraries opened once per process by each path that opens libraries itself.
var (
	jitLibs    = map[string]*jitffi.Library{}
	puregoLibs = map[string]uintptr{}
)

func jitLib(b *testing.B, name string) *jitffi.Library {
	b.Helper()
	if l, ok := jitLibs[name]; ok {
		return l
	}
	l := must(jitffi.Open(name))(b)
	jitLibs[name] = l
	return l
}

func puregoLib(b *testing.B, name string) uintptr {
	b.Helper()
	if h, ok := puregoLibs[name]; ok {
		return h
	}
	h := must(purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_GLOBAL))(b)
	puregoLibs[name] = h
	return h
}

func puregoSym(b *testing.B, lib, name string) uintptr {
	b.Helper()
	return must(purego.Dlsym(puregoLib(b, lib), name))(b)
}

func libffiSym(b *testing.B, lib, name string) uintptr {
	b.Helper()
	l := must(ffi.Load(lib))(b)
	return must(l.Get(name))(b)
}

// Sinks keep the compiler from dropping results.
var (
	sinkI32   int32
	sinkI64   int64
	sinkU64   uint64
	sinkF64   float64
	sinkPair  bench.Pair
	sinkVec3  bench.Vec3
	sinkFPair bench.FPair
)

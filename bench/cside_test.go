//go:build linux

package bench_test

import (
	"sync"
	"testing"

	"github.com/jitffi/jitffi/bench"
)

// The C side of the suite, whichever way this build reaches it. With cgo it is package
// bench's cgo code (cside_cgo_test.go); with CGO_ENABLED=0 it is a shared library gcc
// builds from the same C files at test time, reached through jitffi, and a C reference
// program built from them too (cside_nocgo_test.go).
type cSide struct {
	addr  cAddrs
	floor cFloors
	ref   cRefs
	// sqliteTable returns a prepared "SELECT x FROM t" over a new in-memory table of rows
	// rows (x = 0 .. rows-1).
	sqliteTable func(rows int) (uintptr, error)
}

// cAddrs are the addresses of the C functions the cells call: the fixtures, for the paths
// that bind by address, and the library functions the floor loops call.
type cAddrs struct {
	Noop, Add, Fma3, Sum6, Sum10, Mixed8, Pair, Vec3, FPair, SumBytes, CbCall        uintptr
	Snprintf, Crc32, Compress2, Uncompress, SqliteReset, SqliteStep, SqliteColumnInt uintptr
	Strlen                                                                           uintptr // libc's
}

// cFloors are the C-to-C floor loops: each calls the function at fn n times from C, through
// a function pointer, and folds the results into one number. With cgo they are entered
// through cgo, without it through a jitffi binding: either way one entry from Go is spread
// over n calls in C.
type cFloors struct {
	Noop, Add, Sum6, Sum10, Pair func(fn uintptr, n int) int64
	Fma3, Mixed8, Vec3, FPair    func(fn uintptr, n int) float64
	SumBytes                     func(fn uintptr, p []byte, n int) uint64
	Snprintf                     func(fn uintptr, buf, format []byte, n int) int64
	Strlen                       func(fn uintptr, s []byte, n int) uint64 // s NUL-terminated
	Crc32                        func(fn uintptr, p []byte, n int) uint64
	Compress2                    func(fn uintptr, dst, src []byte, level int32, n int) int64
	Uncompress                   func(fn uintptr, dst, src []byte, n int) int64
	SqliteScan                   func(stmt uintptr, n int) int64 // reset, then step and column_int over every row
	RoundTrip                    func(n int) int64
	Qsort                        func(p []int32) // qsort with a C comparator
}

// cRefs compute the results every cell checks its path's call against: C calling the same
// C functions with the same arguments. With cgo that is cgo's own call of each (the cgo
// path); without cgo, a C program gcc builds from the same C files, which makes the call
// from C and prints the result (see ref.c in testdata), so that no result the code under
// test produced is ever the reference.
type cRefs struct {
	Add       func(a, b int32) int32
	Fma3      func(a, b, c float64) float64
	Sum6      func(a, b, c, d, e, f int64) int64
	Sum10     func(a, b, c, d, e, f, g, h, i, j int64) int64
	Mixed8    func(a int32, b float64, c int64, d float32, e int32, f float64, g int64, h float32) float64
	Pair      func(bench.Pair) bench.Pair
	Vec3      func(bench.Vec3) bench.Vec3
	FPair     func(bench.FPair) bench.FPair
	SumBytes  func(p []byte) uint64
	Snprintf  func(buf, format []byte, i int32, d float64) int32
	Strlen    func(s []byte) uint64 // s NUL-terminated
	RoundTrip func(x int64) int64   // jb_cb_call with a callback that adds 1
	Crc32     func(crc uint64, p []byte) uint64
	Compress2 func(dst []byte, dstLen *uint64, src []byte, level int32) int32
	// CompressBound is zlib's compressBound.
	CompressBound func(n int) int
}

var cside struct {
	once sync.Once
	c    *cSide
	err  error
}

// theC returns the suite's C side, made on first use, or stops the benchmark.
func theC(tb testing.TB) *cSide {
	tb.Helper()
	cside.once.Do(func() { cside.c, cside.err = loadC() })
	if cside.err != nil {
		tb.Fatal(cside.err)
	}
	return cside.c
}

//go:build linux

package bench_test

import "testing"

// The suite's groups, in the order go test runs them (the order of their declarations).
// Binding comes last: the signatures its cells create live as long as the process, and
// the collector would go on scanning them during every later cell.

// BenchmarkCall calls each signature of the matrix through every path. One op is one
// call; every cell first checks a call's result against the reference's (cgo's, or
// without cgo a C program's: see cRefs).
func BenchmarkCall(b *testing.B) {
	b.Run("void", benchVoid)
	b.Run("add-int32", benchAdd)
	b.Run("fma3-double", benchFma3)
	b.Run("sum6-int64", benchSum6)
	b.Run("sum10-int64-stack", benchSum10)
	b.Run("mixed8-int-float", benchMixed8)
	b.Run("struct-int64x2", benchPair)
	b.Run("struct-doublex3-memory", benchVec3)
	b.Run("struct-floatx2", benchFPair)
	b.Run("ptr-len-64B", benchSumBytes)
	b.Run("snprintf-variadic", benchSnprintf)
	b.Run("strlen-string-19B", benchStrlenString(shortString))
	b.Run("strlen-ptr-19B", benchStrlenPtr(shortString))
	b.Run("strlen-string-4KiB", benchStrlenString(longString))
	b.Run("strlen-ptr-4KiB", benchStrlenPtr(longString))
}

// BenchmarkLib calls real libraries from Debian packages: zlib and sqlite3. One op is one
// library operation (a checksum, a 1 MiB compression, a scan of a whole table).
func BenchmarkLib(b *testing.B) {
	b.Run("zlib-crc32-64B", benchCrc32)
	b.Run("zlib-compress2-1MiB", benchCompress2)
	b.Run("zlib-uncompress-1MiB", benchUncompress)
	b.Run("sqlite3-scan-100k-rows", benchSqliteScan)
}

// BenchmarkCallback measures C calling Go: a Go -> C -> Go round trip (one op), qsort of
// 1000 int32 with a Go comparator (one op is one sort), and making and freeing a callback
// of a signature already seen (one op is both).
func BenchmarkCallback(b *testing.B) {
	b.Run("roundtrip", benchRoundTrip)
	b.Run("qsort-1000-int32", benchQsort)
	b.Run("create-free", benchCallbackCreateFree)
}

// BenchmarkBind measures what binding costs: a signature never seen before (cold), one
// already bound (cached), 100 and 1000 never-seen signatures in one go, 100 func fields
// of never-seen signatures through one BindAll against the same through 100 BindFunc
// calls, and the executable memory each bound function takes (the exec-B/func metric,
// read from /proc/self/maps).
//
// A never-seen signature is "uint16_t f(struct S)" with a struct S no earlier bind in the
// process used (see freshFields). Each path builds its own description of it at run time
// (an abi.Signature, a reflect func type, an ffi_type) inside the timed loop, since a
// program binding a signature it learns at run time pays for that too. These bindings
// target jb_noop and are never called; what the cell checks against the reference is a
// call of add bound the same way.
//
// Every never-seen signature stays in jitffi's stub cache (and purego's reflect types in
// reflect's) for the life of the process, and a 1-second cell binds thousands: with
// -count N in one process the later rounds bind into the earlier rounds' leftovers, and
// the collector scans them before every cell. cmd/report therefore runs this group once
// in each of N fresh processes.
func BenchmarkBind(b *testing.B) {
	b.Run("cached-signature", benchBindCached)
	b.Run("cold-new-signature", func(b *testing.B) { benchBindFresh(b, 1) })
	b.Run("100-new-signatures", func(b *testing.B) { benchBindFresh(b, 100) })
	b.Run("1000-new-signatures", func(b *testing.B) { benchBindFresh(b, 1000) })
	b.Run("BindAll-100", benchBindAll100)
	b.Run("BindFunc-100", benchBindFunc100)
}

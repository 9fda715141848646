//go:build linux && cgo

package bench_test

import (
	"testing"

	"github.com/jitffi/jitffi/bench"
)

// refName names the reference of every cell's check in agree's messages.
const refName = "cgo"

// loadC is the C side cgo compiled into package bench.
func loadC() (*cSide, error) {
	a, l := bench.Addrs, bench.LibAddrs
	return &cSide{
		addr: cAddrs{
			Noop: a.Noop, Add: a.Add, Fma3: a.Fma3, Sum6: a.Sum6, Sum10: a.Sum10, Mixed8: a.Mixed8,
			Pair: a.Pair, Vec3: a.Vec3, FPair: a.FPair, SumBytes: a.SumBytes, CbCall: bench.CbCallAddr,
			Snprintf: l.Snprintf, Crc32: l.Crc32, Compress2: l.Compress2, Uncompress: l.Uncompress,
			SqliteReset: l.SqliteReset, SqliteStep: l.SqliteStep, SqliteColumnInt: l.SqliteColumnInt,
			Strlen: l.Strlen,
		},
		floor: cFloors{
			Noop: bench.FloorNoop, Add: bench.FloorAdd, Sum6: bench.FloorSum6, Sum10: bench.FloorSum10,
			Pair: bench.FloorPair, Fma3: bench.FloorFma3, Mixed8: bench.FloorMixed8, Vec3: bench.FloorVec3,
			FPair: bench.FloorFPair, SumBytes: bench.FloorSumBytes, Snprintf: bench.FloorSnprintf,
			Crc32: bench.FloorCrc32, Compress2: bench.FloorCompress2, Uncompress: bench.FloorUncompress,
			SqliteScan: bench.FloorSqliteScan, RoundTrip: bench.FloorRoundTrip, Qsort: bench.CQsort,
			Strlen: bench.FloorStrlen,
		},
		ref: cRefs{
			Add: bench.CgoAdd, Fma3: bench.CgoFma3, Sum6: bench.CgoSum6, Sum10: bench.CgoSum10,
			Mixed8: bench.CgoMixed8, Pair: bench.CgoPair, Vec3: bench.CgoVec3, FPair: bench.CgoFPair,
			SumBytes: bench.CgoSumBytes, Snprintf: bench.CgoSnprintf, RoundTrip: bench.CgoRoundTrip,
			Crc32: bench.CgoCrc32, Compress2: bench.CgoCompress2, CompressBound: bench.CompressBound,
			Strlen: bench.CgoStrlen,
		},
		sqliteTable: bench.SqliteTable,
	}, nil
}

// cgoCells are the cgo path's cells, by row: direct C.fn calls through package bench.
var cgoCells = map[string]func(b *testing.B){
	"void": func(b *testing.B) {
		for range b.N {
			bench.CgoNoop()
		}
	},
	"add-int32": func(b *testing.B) {
		for i := range b.N {
			sinkI32 = bench.CgoAdd(int32(i), 1)
		}
	},
	"fma3-double": func(b *testing.B) {
		for i := range b.N {
			sinkF64 = bench.CgoFma3(float64(i), 0.5, 1.25)
		}
	},
	"sum6-int64": func(b *testing.B) {
		for i := range b.N {
			sinkI64 = bench.CgoSum6(int64(i), 2, 3, 4, 5, 6)
		}
	},
	"sum10-int64-stack": func(b *testing.B) {
		for i := range b.N {
			sinkI64 = bench.CgoSum10(int64(i), 2, 3, 4, 5, 6, 7, 8, 9, 10)
		}
	},
	"mixed8-int-float": func(b *testing.B) {
		for i := range b.N {
			sinkF64 = bench.CgoMixed8(int32(i), 0.5, 3, 0.25, 5, 6.5, 7, 8.75)
		}
	},
	"struct-int64x2": func(b *testing.B) {
		for i := range b.N {
			sinkPair = bench.CgoPair(bench.Pair{A: int64(i), B: 7})
		}
	},
	"struct-doublex3-memory": func(b *testing.B) {
		for i := range b.N {
			sinkVec3 = bench.CgoVec3(bench.Vec3{X: float64(i), Y: 0.5, Z: 0.25})
		}
	},
	"struct-floatx2": func(b *testing.B) {
		for i := range b.N {
			sinkFPair = bench.CgoFPair(bench.FPair{X: float32(i & 1023), Y: 0.5})
		}
	},
	"strlen-string-19B":  cgoStrlenString(shortString),
	"strlen-string-4KiB": cgoStrlenString(longString),
	"strlen-ptr-19B":     cgoStrlenPtr(shortString),
	"strlen-ptr-4KiB":    cgoStrlenPtr(longString),
	"ptr-len-64B": func(b *testing.B) {
		for range b.N {
			sinkU64 = bench.CgoSumBytes(buf64)
		}
	},
	"snprintf-variadic": func(b *testing.B) {
		got := make([]byte, 64)
		format := []byte(snprintfFormat)
		for i := range b.N {
			sinkI32 = bench.CgoSnprintf(got, format, int32(i), 3.25)
		}
	},
	"zlib-crc32-64B": func(b *testing.B) {
		for range b.N {
			sinkU64 = bench.CgoCrc32(0, buf64)
		}
	},
	"zlib-compress2-1MiB": func(b *testing.B) {
		plain, _ := zlibData(b)
		dst := make([]byte, bench.CompressBound(len(plain)))
		var dstLen uint64
		for range b.N {
			dstLen = uint64(len(dst))
			sinkI32 = bench.CgoCompress2(dst, &dstLen, plain, compressLevel)
		}
	},
	"zlib-uncompress-1MiB": func(b *testing.B) {
		plain, z := zlibData(b)
		dst := make([]byte, len(plain))
		var dstLen uint64
		for range b.N {
			dstLen = uint64(len(dst))
			sinkI32 = bench.CgoUncompress(dst, &dstLen, z)
		}
	},
	"sqlite3-scan-100k-rows": func(b *testing.B) {
		stmt := sqliteTable(b)
		agree(b, "scan sum", bench.CgoSqliteScan(stmt), sqliteSum)
		b.ResetTimer()
		for range b.N {
			sinkI64 = bench.CgoSqliteScan(stmt)
		}
	},
	"roundtrip": func(b *testing.B) {
		for i := range b.N {
			sinkI64 = bench.CgoRoundTrip(int64(i))
		}
	},
	"qsort-1000-int32": func(b *testing.B) { sortCell(b, bench.CgoQsort) },
}

// cgoStrlenString is strlen of s as a cgo program passes a Go string: C.CString, the call,
// C.free.
func cgoStrlenString(s string) func(*testing.B) {
	return func(b *testing.B) {
		agree(b, "strlen", bench.CgoStrlenString(s), bench.CgoStrlen(append([]byte(s), 0)))
		b.ResetTimer()
		for range b.N {
			sinkU64 = bench.CgoStrlenString(s)
		}
	}
}

// cgoStrlenPtr is strlen of NUL-terminated bytes made beforehand.
func cgoStrlenPtr(s string) func(*testing.B) {
	return func(b *testing.B) {
		cs := append([]byte(s), 0)
		for range b.N {
			sinkU64 = bench.CgoStrlen(cs)
		}
	}
}

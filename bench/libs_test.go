//go:build linux

package bench_test

import (
	"bytes"
	"sync"
	"testing"
	"unsafe"

	"github.com/ebitengine/purego"
	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/bench"
	"github.com/jupiterrider/ffi"
)

func benchCrc32(b *testing.B) {
	c := theC(b)
	p := buf64
	want := c.ref.Crc32(0, p)
	cgoCell(b, "zlib-crc32-64B")
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			f := must(jitffi.Bind3[uint64, *byte, uint32, uint64](jitLib(b, bench.LibZ), "crc32", opts...))(b)
			agree(b, "crc32", f.Call(0, &p[0], uint32(len(p))), want)
			b.ResetTimer()
			for range b.N {
				sinkU64 = f.Call(0, &p[0], uint32(len(p)))
			}
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		var f func(uint64, *byte, uint32) uint64
		purego.RegisterLibFunc(&f, puregoLib(b, bench.LibZ), "crc32")
		agree(b, "crc32", f(0, &p[0], uint32(len(p))), want)
		b.ResetTimer()
		for range b.N {
			sinkU64 = f(0, &p[0], uint32(len(p)))
		}
	})
	cell(b, pathSyscallN, func(b *testing.B) {
		addr := puregoSym(b, bench.LibZ, "crc32")
		r, _, _ := purego.SyscallN(addr, 0, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
		agree(b, "crc32", uint64(r), want)
		b.ResetTimer()
		for range b.N {
			r, _, _ := purego.SyscallN(addr, 0, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
			sinkU64 = uint64(r)
		}
	})
	cell(b, pathLibffi, func(b *testing.B) {
		addr := libffiSym(b, bench.LibZ, "crc32")
		cif := prepCif(b, &ffi.TypeUint64, &ffi.TypeUint64, &ffi.TypePointer, &ffi.TypeUint32)
		var crc, r uint64
		ptr, n := &p[0], uint32(len(p))
		args := []unsafe.Pointer{unsafe.Pointer(&crc), unsafe.Pointer(&ptr), unsafe.Pointer(&n)}
		ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
		agree(b, "crc32", r, want)
		b.ResetTimer()
		for range b.N {
			ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
			sinkU64 = r
		}
	})
	cell(b, pathFloor, func(b *testing.B) {
		agree(b, "floor sum", c.floor.Crc32(c.addr.Crc32, p, 100), 100*want)
		b.ResetTimer()
		c.floor.Crc32(c.addr.Crc32, p, b.N)
	})
}

const compressLevel = 6

// zdata is the 1 MiB input of the zlib cells and its compressed form as the reference's
// zlib makes it; zdata.once builds them.
var zdata struct {
	once       sync.Once
	plain, z   []byte
	compressed int // len(z)
}

// zlibData returns 1 MiB of text-like data (words from a small vocabulary in a
// pseudo-random order, so it compresses about as well as prose) and its compression.
func zlibData(b *testing.B) (plain, z []byte) {
	c := theC(b)
	zdata.once.Do(func() {
		words := []string{"the ", "call ", "stub ", "frame ", "register ", "stack ", "go ", "c ", "abi ", "jit ", "\n"}
		var buf bytes.Buffer
		x := uint32(12345)
		for buf.Len() < 1<<20 {
			x = x*1664525 + 1013904223
			buf.WriteString(words[x>>28%uint32(len(words))])
		}
		zdata.plain = buf.Bytes()[:1<<20]
		out := make([]byte, c.ref.CompressBound(len(zdata.plain)))
		n := uint64(len(out))
		if rc := c.ref.Compress2(out, &n, zdata.plain, compressLevel); rc == 0 {
			zdata.z = out[:n]
		}
	})
	if zdata.z == nil {
		b.Fatalf("%s: compress2 of the test data failed", refName)
	}
	return zdata.plain, zdata.z
}

func benchCompress2(b *testing.B) {
	c := theC(b)
	plain, want := zlibData(b)
	dst := make([]byte, c.ref.CompressBound(len(plain)))
	dstLen := new(uint64)
	// check compares a path's zlib code and output with the reference's.
	check := func(b *testing.B, rc int32) {
		b.Helper()
		agree(b, "compress2 code", rc, 0)
		if !bytes.Equal(dst[:*dstLen], want) {
			b.Fatalf("compress2 wrote %d bytes unlike %s's %d", *dstLen, refName, len(want))
		}
	}
	cgoCell(b, "zlib-compress2-1MiB")
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			f := must(jitffi.Bind5[*byte, *uint64, *byte, uint64, int32, int32](jitLib(b, bench.LibZ), "compress2", opts...))(b)
			*dstLen = uint64(len(dst))
			check(b, f.Call(&dst[0], dstLen, &plain[0], uint64(len(plain)), compressLevel))
			b.ResetTimer()
			for range b.N {
				*dstLen = uint64(len(dst))
				sinkI32 = f.Call(&dst[0], dstLen, &plain[0], uint64(len(plain)), compressLevel)
			}
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		var f func(*byte, *uint64, *byte, uint64, int32) int32
		purego.RegisterLibFunc(&f, puregoLib(b, bench.LibZ), "compress2")
		*dstLen = uint64(len(dst))
		check(b, f(&dst[0], dstLen, &plain[0], uint64(len(plain)), compressLevel))
		b.ResetTimer()
		for range b.N {
			*dstLen = uint64(len(dst))
			sinkI32 = f(&dst[0], dstLen, &plain[0], uint64(len(plain)), compressLevel)
		}
	})
	cell(b, pathSyscallN, func(b *testing.B) {
		addr := puregoSym(b, bench.LibZ, "compress2")
		call := func() int32 {
			r, _, _ := purego.SyscallN(addr, uintptr(unsafe.Pointer(&dst[0])), uintptr(unsafe.Pointer(dstLen)),
				uintptr(unsafe.Pointer(&plain[0])), uintptr(len(plain)), compressLevel)
			return int32(r)
		}
		*dstLen = uint64(len(dst))
		check(b, call())
		b.ResetTimer()
		for range b.N {
			*dstLen = uint64(len(dst))
			sinkI32 = call()
		}
	})
	cell(b, pathLibffi, func(b *testing.B) {
		addr := libffiSym(b, bench.LibZ, "compress2")
		cif := prepCif(b, &ffi.TypeSint32, &ffi.TypePointer, &ffi.TypePointer, &ffi.TypePointer, &ffi.TypeUint64, &ffi.TypeSint32)
		d, src, n, level := &dst[0], &plain[0], uint64(len(plain)), int32(compressLevel)
		var r ffi.Arg
		args := []unsafe.Pointer{unsafe.Pointer(&d), unsafe.Pointer(&dstLen), unsafe.Pointer(&src), unsafe.Pointer(&n), unsafe.Pointer(&level)}
		*dstLen = uint64(len(dst))
		ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
		check(b, int32(r))
		b.ResetTimer()
		for range b.N {
			*dstLen = uint64(len(dst))
			ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
			sinkI32 = int32(r)
		}
	})
	cell(b, pathFloor, func(b *testing.B) {
		agree(b, "floor length sum", c.floor.Compress2(c.addr.Compress2, dst, plain, compressLevel, 2), 2*int64(len(want)))
		b.ResetTimer()
		c.floor.Compress2(c.addr.Compress2, dst, plain, compressLevel, b.N)
	})
}

func benchUncompress(b *testing.B) {
	c := theC(b)
	want, z := zlibData(b)
	dst := make([]byte, len(want))
	dstLen := new(uint64)
	check := func(b *testing.B, rc int32) {
		b.Helper()
		agree(b, "uncompress code", rc, 0)
		if !bytes.Equal(dst[:*dstLen], want) {
			b.Fatalf("uncompress gave %d bytes unlike the %d %s compressed", *dstLen, len(want), refName)
		}
		clear(dst)
	}
	cgoCell(b, "zlib-uncompress-1MiB")
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			f := must(jitffi.Bind4[*byte, *uint64, *byte, uint64, int32](jitLib(b, bench.LibZ), "uncompress", opts...))(b)
			*dstLen = uint64(len(dst))
			check(b, f.Call(&dst[0], dstLen, &z[0], uint64(len(z))))
			b.ResetTimer()
			for range b.N {
				*dstLen = uint64(len(dst))
				sinkI32 = f.Call(&dst[0], dstLen, &z[0], uint64(len(z)))
			}
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		var f func(*byte, *uint64, *byte, uint64) int32
		purego.RegisterLibFunc(&f, puregoLib(b, bench.LibZ), "uncompress")
		*dstLen = uint64(len(dst))
		check(b, f(&dst[0], dstLen, &z[0], uint64(len(z))))
		b.ResetTimer()
		for range b.N {
			*dstLen = uint64(len(dst))
			sinkI32 = f(&dst[0], dstLen, &z[0], uint64(len(z)))
		}
	})
	cell(b, pathSyscallN, func(b *testing.B) {
		addr := puregoSym(b, bench.LibZ, "uncompress")
		call := func() int32 {
			r, _, _ := purego.SyscallN(addr, uintptr(unsafe.Pointer(&dst[0])), uintptr(unsafe.Pointer(dstLen)),
				uintptr(unsafe.Pointer(&z[0])), uintptr(len(z)))
			return int32(r)
		}
		*dstLen = uint64(len(dst))
		check(b, call())
		b.ResetTimer()
		for range b.N {
			*dstLen = uint64(len(dst))
			sinkI32 = call()
		}
	})
	cell(b, pathLibffi, func(b *testing.B) {
		addr := libffiSym(b, bench.LibZ, "uncompress")
		cif := prepCif(b, &ffi.TypeSint32, &ffi.TypePointer, &ffi.TypePointer, &ffi.TypePointer, &ffi.TypeUint64)
		d, src, n := &dst[0], &z[0], uint64(len(z))
		var r ffi.Arg
		args := []unsafe.Pointer{unsafe.Pointer(&d), unsafe.Pointer(&dstLen), unsafe.Pointer(&src), unsafe.Pointer(&n)}
		*dstLen = uint64(len(dst))
		ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
		check(b, int32(r))
		b.ResetTimer()
		for range b.N {
			*dstLen = uint64(len(dst))
			ffi.Call(cif, addr, unsafe.Pointer(&r), args...)
			sinkI32 = int32(r)
		}
	})
	cell(b, pathFloor, func(b *testing.B) {
		agree(b, "floor length sum", c.floor.Uncompress(c.addr.Uncompress, dst, z, 2), 2*int64(len(want)))
		b.ResetTimer()
		c.floor.Uncompress(c.addr.Uncompress, dst, z, b.N)
	})
}

// sqliteRows is the size of the sqlite3 row's table, and sqliteSum what its column sums
// to: the table holds x = 0 .. sqliteRows-1.
const (
	sqliteRows = 100_000
	sqliteSum  = int64(sqliteRows * (sqliteRows - 1) / 2)
)

var sqliteStmt struct {
	once sync.Once
	stmt uintptr
	err  error
}

// sqliteTable returns the prepared "SELECT x FROM t" over the shared in-memory table.
func sqliteTable(b *testing.B) uintptr {
	c := theC(b)
	sqliteStmt.once.Do(func() { sqliteStmt.stmt, sqliteStmt.err = c.sqliteTable(sqliteRows) })
	if sqliteStmt.err != nil {
		b.Fatal(sqliteStmt.err)
	}
	return sqliteStmt.stmt
}

// benchSqliteScan: one op is sqlite3_reset, then sqlite3_step and sqlite3_column_int for
// each of the 10^5 rows (2*10^5 + 2 calls), summing the column.
func benchSqliteScan(b *testing.B) {
	c := theC(b)
	stmt := sqliteTable(b)
	want := sqliteSum
	cgoCell(b, "sqlite3-scan-100k-rows")
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			lib := jitLib(b, bench.LibSqlite)
			reset := must(jitffi.Bind1[uintptr, int32](lib, "sqlite3_reset", opts...))(b)
			step := must(jitffi.Bind1[uintptr, int32](lib, "sqlite3_step", opts...))(b)
			column := must(jitffi.Bind2[uintptr, int32, int32](lib, "sqlite3_column_int", opts...))(b)
			scan := func() int64 {
				reset.Call(stmt)
				var sum int64
				for step.Call(stmt) == bench.SqliteRow {
					sum += int64(column.Call(stmt, 0))
				}
				return sum
			}
			agree(b, "scan sum", scan(), want)
			b.ResetTimer()
			for range b.N {
				sinkI64 = scan()
			}
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		lib := puregoLib(b, bench.LibSqlite)
		var reset, step func(uintptr) int32
		var column func(uintptr, int32) int32
		purego.RegisterLibFunc(&reset, lib, "sqlite3_reset")
		purego.RegisterLibFunc(&step, lib, "sqlite3_step")
		purego.RegisterLibFunc(&column, lib, "sqlite3_column_int")
		scan := func() int64 {
			reset(stmt)
			var sum int64
			for step(stmt) == bench.SqliteRow {
				sum += int64(column(stmt, 0))
			}
			return sum
		}
		agree(b, "scan sum", scan(), want)
		b.ResetTimer()
		for range b.N {
			sinkI64 = scan()
		}
	})
	cell(b, pathSyscallN, func(b *testing.B) {
		reset := puregoSym(b, bench.LibSqlite, "sqlite3_reset")
		step := puregoSym(b, bench.LibSqlite, "sqlite3_step")
		column := puregoSym(b, bench.LibSqlite, "sqlite3_column_int")
		scan := func() int64 {
			purego.SyscallN(reset, stmt)
			var sum int64
			for {
				r, _, _ := purego.SyscallN(step, stmt)
				if int32(r) != bench.SqliteRow {
					return sum
				}
				v, _, _ := purego.SyscallN(column, stmt, 0)
				sum += int64(int32(v))
			}
		}
		agree(b, "scan sum", scan(), want)
		b.ResetTimer()
		for range b.N {
			sinkI64 = scan()
		}
	})
	cell(b, pathLibffi, func(b *testing.B) {
		reset := libffiSym(b, bench.LibSqlite, "sqlite3_reset")
		step := libffiSym(b, bench.LibSqlite, "sqlite3_step")
		column := libffiSym(b, bench.LibSqlite, "sqlite3_column_int")
		cif1 := prepCif(b, &ffi.TypeSint32, &ffi.TypePointer)
		cif2 := prepCif(b, &ffi.TypeSint32, &ffi.TypePointer, &ffi.TypeSint32)
		s, col := stmt, int32(0)
		var r ffi.Arg
		args1 := []unsafe.Pointer{unsafe.Pointer(&s)}
		args2 := []unsafe.Pointer{unsafe.Pointer(&s), unsafe.Pointer(&col)}
		scan := func() int64 {
			ffi.Call(cif1, reset, unsafe.Pointer(&r), args1...)
			var sum int64
			for {
				ffi.Call(cif1, step, unsafe.Pointer(&r), args1...)
				if int32(r) != bench.SqliteRow {
					return sum
				}
				ffi.Call(cif2, column, unsafe.Pointer(&r), args2...)
				sum += int64(int32(r))
			}
		}
		agree(b, "scan sum", scan(), want)
		b.ResetTimer()
		for range b.N {
			sinkI64 = scan()
		}
	})
	cell(b, pathFloor, func(b *testing.B) {
		agree(b, "floor sum", c.floor.SqliteScan(stmt, 2), 2*want)
		b.ResetTimer()
		c.floor.SqliteScan(stmt, b.N)
	})
}

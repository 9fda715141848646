//go:build linux && cgo

package bench

/*
#cgo LDFLAGS: -lz -lsqlite3
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <sqlite3.h>
#include "cfuncs.h"

static uintptr_t jb_addr_snprintf(void) { return (uintptr_t)&snprintf; }
static uintptr_t jb_addr_strlen(void) { return (uintptr_t)&strlen; }
static uintptr_t jb_addr_crc32(void) { return (uintptr_t)&crc32; }
static uintptr_t jb_addr_compress2(void) { return (uintptr_t)&compress2; }
static uintptr_t jb_addr_uncompress(void) { return (uintptr_t)&uncompress; }
static uintptr_t jb_addr_sqlite3_reset(void) { return (uintptr_t)&sqlite3_reset; }
static uintptr_t jb_addr_sqlite3_step(void) { return (uintptr_t)&sqlite3_step; }
static uintptr_t jb_addr_sqlite3_column_int(void) { return (uintptr_t)&sqlite3_column_int; }

*/
import "C"

import (
	"errors"
	"unsafe"
)

// LibAddrs holds the addresses cgo's linker resolved, for the floor loops.
var LibAddrs = struct {
	Snprintf, Strlen, Crc32, Compress2, Uncompress, SqliteReset, SqliteStep, SqliteColumnInt uintptr
}{
	Snprintf:        uintptr(C.jb_addr_snprintf()),
	Strlen:          uintptr(C.jb_addr_strlen()),
	Crc32:           uintptr(C.jb_addr_crc32()),
	Compress2:       uintptr(C.jb_addr_compress2()),
	Uncompress:      uintptr(C.jb_addr_uncompress()),
	SqliteReset:     uintptr(C.jb_addr_sqlite3_reset()),
	SqliteStep:      uintptr(C.jb_addr_sqlite3_step()),
	SqliteColumnInt: uintptr(C.jb_addr_sqlite3_column_int()),
}

// CgoSnprintf formats i and d with format (a NUL-terminated "%d %.3f") into buf through
// a non-variadic C wrapper, the only way cgo can call snprintf.
func CgoSnprintf(buf, format []byte, i int32, d float64) int32 {
	return int32(C.jb_snprintf_id((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)),
		(*C.char)(unsafe.Pointer(&format[0])), C.int(i), C.double(d)))
}

// FloorSnprintf calls snprintf(buf, len(buf), format, i, 3.25) n times through a pointer
// to the variadic function.
func FloorSnprintf(fn uintptr, buf, format []byte, n int) int64 {
	return int64(C.jb_floor_snprintf(ptr(fn), (*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)),
		(*C.char)(unsafe.Pointer(&format[0])), C.int64_t(n)))
}

// CgoStrlen is strlen of the NUL-terminated bytes at the start of p, a buffer made
// beforehand: no copy.
func CgoStrlen(p []byte) uint64 {
	return uint64(C.strlen((*C.char)(unsafe.Pointer(&p[0]))))
}

// CgoStrlenString is strlen of a Go string as a cgo program passes one: C.CString (a
// malloc'ed NUL-terminated copy), the call, and C.free.
func CgoStrlenString(s string) uint64 {
	cs := C.CString(s)
	n := C.strlen(cs)
	C.free(unsafe.Pointer(cs))
	return uint64(n)
}

// FloorStrlen calls strlen(p) n times from C, p being NUL-terminated, and sums the
// results.
func FloorStrlen(fn uintptr, p []byte, n int) uint64 {
	return uint64(C.jb_floor_strlen(ptr(fn), (*C.char)(unsafe.Pointer(&p[0])), C.int64_t(n)))
}

// CgoCrc32 is zlib's crc32(crc, p, len(p)).
func CgoCrc32(crc uint64, p []byte) uint64 {
	return uint64(C.crc32(C.uLong(crc), (*C.Bytef)(unsafe.Pointer(&p[0])), C.uInt(len(p))))
}

// FloorCrc32 runs crc32(0, p, len(p)) n times from C and sums the results.
func FloorCrc32(fn uintptr, p []byte, n int) uint64 {
	return uint64(C.jb_floor_crc32(ptr(fn), (*C.uint8_t)(unsafe.Pointer(&p[0])), C.uint(len(p)), C.int64_t(n)))
}

// CgoCompress2 compresses src into dst at level and returns zlib's code and the
// compressed length; *dstLen is in-out as in zlib.
func CgoCompress2(dst []byte, dstLen *uint64, src []byte, level int32) int32 {
	return int32(C.compress2((*C.Bytef)(unsafe.Pointer(&dst[0])), (*C.uLongf)(unsafe.Pointer(dstLen)),
		(*C.Bytef)(unsafe.Pointer(&src[0])), C.uLong(len(src)), C.int(level)))
}

// CgoUncompress is zlib's uncompress.
func CgoUncompress(dst []byte, dstLen *uint64, src []byte) int32 {
	return int32(C.uncompress((*C.Bytef)(unsafe.Pointer(&dst[0])), (*C.uLongf)(unsafe.Pointer(dstLen)),
		(*C.Bytef)(unsafe.Pointer(&src[0])), C.uLong(len(src))))
}

// FloorCompress2 and FloorUncompress run the zlib call n times from C and return the sum
// of the output lengths.
func FloorCompress2(fn uintptr, dst, src []byte, level int32, n int) int64 {
	return int64(C.jb_floor_compress2(ptr(fn), (*C.uint8_t)(unsafe.Pointer(&dst[0])), C.uint64_t(len(dst)),
		(*C.uint8_t)(unsafe.Pointer(&src[0])), C.uint64_t(len(src)), C.int(level), C.int64_t(n)))
}

func FloorUncompress(fn uintptr, dst, src []byte, n int) int64 {
	return int64(C.jb_floor_uncompress(ptr(fn), (*C.uint8_t)(unsafe.Pointer(&dst[0])), C.uint64_t(len(dst)),
		(*C.uint8_t)(unsafe.Pointer(&src[0])), C.uint64_t(len(src)), C.int64_t(n)))
}

// CompressBound is zlib's compressBound.
func CompressBound(n int) int { return int(C.compressBound(C.uLong(n))) }

// SqliteTable returns a prepared "SELECT x FROM t" over a new in-memory table of rows
// rows (x = 0 .. rows-1), as a C pointer the paths pass to sqlite3_step. The database
// lives until the process ends.
func SqliteTable(rows int) (uintptr, error) {
	s := C.jb_sqlite_table(C.int(rows))
	if s == nil {
		return 0, errors.New("bench: cannot build the sqlite3 test table")
	}
	return uintptr(s), nil
}

// SqliteRow (bench.go) must be sqlite3.h's SQLITE_ROW: either difference below would be a
// negative constant converted to uint, which does not compile.
const _ = uint(SqliteRow-C.SQLITE_ROW) + uint(C.SQLITE_ROW-SqliteRow)

// CgoSqliteScan resets stmt and steps through every row, summing column 0: one reset,
// rows+1 steps and rows column_int calls, all through cgo.
func CgoSqliteScan(stmt uintptr) int64 {
	s := (*C.sqlite3_stmt)(ptr(stmt))
	C.sqlite3_reset(s)
	var sum int64
	for C.sqlite3_step(s) == C.SQLITE_ROW {
		sum += int64(C.sqlite3_column_int(s, 0))
	}
	return sum
}

// FloorSqliteScan does CgoSqliteScan's work n times from C.
func FloorSqliteScan(stmt uintptr, n int) int64 {
	return int64(C.jb_floor_sqlite_scan(ptr(LibAddrs.SqliteReset), ptr(LibAddrs.SqliteStep),
		ptr(LibAddrs.SqliteColumnInt), ptr(stmt), C.int64_t(n)))
}

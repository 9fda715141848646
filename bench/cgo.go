//go:build linux && cgo

// cgo's side of the suite: cgo's calls of the C functions (the cgo path), their addresses
// for the other paths, and the C-to-C floor loops called through cgo.

package bench

/*
#include "cfuncs.h"

static uintptr_t jb_addr_noop(void) { return (uintptr_t)&jb_noop; }
static uintptr_t jb_addr_add(void) { return (uintptr_t)&jb_add; }
static uintptr_t jb_addr_fma3(void) { return (uintptr_t)&jb_fma3; }
static uintptr_t jb_addr_sum6(void) { return (uintptr_t)&jb_sum6; }
static uintptr_t jb_addr_sum10(void) { return (uintptr_t)&jb_sum10; }
static uintptr_t jb_addr_mixed8(void) { return (uintptr_t)&jb_mixed8; }
static uintptr_t jb_addr_pair(void) { return (uintptr_t)&jb_pair_swap; }
static uintptr_t jb_addr_vec3(void) { return (uintptr_t)&jb_vec3_scale; }
static uintptr_t jb_addr_fpair(void) { return (uintptr_t)&jb_fpair_rot; }
static uintptr_t jb_addr_sum_bytes(void) { return (uintptr_t)&jb_sum_bytes; }
*/
import "C"

import "unsafe"

// Addrs holds the address of each fixture, for the paths that bind by address.
var Addrs = struct {
	Noop, Add, Fma3, Sum6, Sum10, Mixed8, Pair, Vec3, FPair, SumBytes uintptr
}{
	Noop:     uintptr(C.jb_addr_noop()),
	Add:      uintptr(C.jb_addr_add()),
	Fma3:     uintptr(C.jb_addr_fma3()),
	Sum6:     uintptr(C.jb_addr_sum6()),
	Sum10:    uintptr(C.jb_addr_sum10()),
	Mixed8:   uintptr(C.jb_addr_mixed8()),
	Pair:     uintptr(C.jb_addr_pair()),
	Vec3:     uintptr(C.jb_addr_vec3()),
	FPair:    uintptr(C.jb_addr_fpair()),
	SumBytes: uintptr(C.jb_addr_sum_bytes()),
}

// The cgo path: direct C.fn calls.

func CgoNoop()                { C.jb_noop() }
func CgoAdd(a, b int32) int32 { return int32(C.jb_add(C.int32_t(a), C.int32_t(b))) }
func CgoFma3(a, b, c float64) float64 {
	return float64(C.jb_fma3(C.double(a), C.double(b), C.double(c)))
}

func CgoSum6(a, b, c, d, e, f int64) int64 {
	return int64(C.jb_sum6(C.int64_t(a), C.int64_t(b), C.int64_t(c), C.int64_t(d), C.int64_t(e), C.int64_t(f)))
}

func CgoSum10(a, b, c, d, e, f, g, h, i, j int64) int64 {
	return int64(C.jb_sum10(C.int64_t(a), C.int64_t(b), C.int64_t(c), C.int64_t(d), C.int64_t(e),
		C.int64_t(f), C.int64_t(g), C.int64_t(h), C.int64_t(i), C.int64_t(j)))
}

func CgoMixed8(a int32, b float64, c int64, d float32, e int32, f float64, g int64, h float32) float64 {
	return float64(C.jb_mixed8(C.int32_t(a), C.double(b), C.int64_t(c), C.float(d), C.int32_t(e),
		C.double(f), C.int64_t(g), C.float(h)))
}

func CgoPair(p Pair) Pair {
	r := C.jb_pair_swap(*(*C.struct_jb_pair)(unsafe.Pointer(&p)))
	return *(*Pair)(unsafe.Pointer(&r))
}

func CgoVec3(v Vec3) Vec3 {
	r := C.jb_vec3_scale(*(*C.struct_jb_vec3)(unsafe.Pointer(&v)))
	return *(*Vec3)(unsafe.Pointer(&r))
}

func CgoFPair(p FPair) FPair {
	r := C.jb_fpair_rot(*(*C.struct_jb_fpair)(unsafe.Pointer(&p)))
	return *(*FPair)(unsafe.Pointer(&r))
}

func CgoSumBytes(p []byte) uint64 {
	return uint64(C.jb_sum_bytes((*C.uint8_t)(unsafe.Pointer(&p[0])), C.size_t(len(p))))
}

// The C-to-C floor: each loop runs n calls in C, so one cgo call is spread over n.

func FloorNoop(fn uintptr, n int) int64 { return int64(C.jb_floor_noop(ptr(fn), C.int64_t(n))) }
func FloorAdd(fn uintptr, n int) int64  { return int64(C.jb_floor_add(ptr(fn), C.int64_t(n))) }
func FloorFma3(fn uintptr, n int) float64 {
	return float64(C.jb_floor_fma3(ptr(fn), C.int64_t(n)))
}
func FloorSum6(fn uintptr, n int) int64  { return int64(C.jb_floor_sum6(ptr(fn), C.int64_t(n))) }
func FloorSum10(fn uintptr, n int) int64 { return int64(C.jb_floor_sum10(ptr(fn), C.int64_t(n))) }
func FloorMixed8(fn uintptr, n int) float64 {
	return float64(C.jb_floor_mixed8(ptr(fn), C.int64_t(n)))
}
func FloorPair(fn uintptr, n int) int64    { return int64(C.jb_floor_pair(ptr(fn), C.int64_t(n))) }
func FloorVec3(fn uintptr, n int) float64  { return float64(C.jb_floor_vec3(ptr(fn), C.int64_t(n))) }
func FloorFPair(fn uintptr, n int) float64 { return float64(C.jb_floor_fpair(ptr(fn), C.int64_t(n))) }
func FloorSumBytes(fn uintptr, p []byte, n int) uint64 {
	return uint64(C.jb_floor_sum_bytes(ptr(fn), (*C.uint8_t)(unsafe.Pointer(&p[0])), C.size_t(len(p)), C.int64_t(n)))
}

// ptr turns a C function's address back into the void* the floor loops take. The address
// is of C code, never of Go memory.
func ptr(fn uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&fn)) }

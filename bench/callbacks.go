//go:build linux && cgo

package bench

/*
#include "callbacks.h"
*/
import "C"

import "unsafe"

// CbCallAddr is the address of jb_cb_call: int64_t jb_cb_call(int64_t (*f)(int64_t), int64_t x),
// which calls f(x) once and returns its result.
var CbCallAddr = uintptr(C.jb_cb_call_addr())

//export jbGoCallbackAdd
func jbGoCallbackAdd(x C.int64_t) C.int64_t { return x + 1 }

//export jbGoCompareInt32
func jbGoCompareInt32(a, b unsafe.Pointer) C.int {
	x, y := *(*int32)(a), *(*int32)(b)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// CgoRoundTrip calls C through cgo, which calls the exported Go function jbGoCallbackAdd
// and returns its result: cgo's Go -> C -> Go round trip.
func CgoRoundTrip(x int64) int64 { return int64(C.jb_cb_roundtrip_cgo(C.int64_t(x))) }

// CgoQsort sorts p with the C library's qsort and an exported Go comparator.
func CgoQsort(p []int32) { C.jb_qsort_cgo((*C.int32_t)(unsafe.Pointer(&p[0])), C.size_t(len(p))) }

// FloorRoundTrip makes n C -> C round trips through a C callback, in C.
func FloorRoundTrip(n int) int64 { return int64(C.jb_floor_roundtrip(C.int64_t(n))) }

// CQsort sorts p with qsort and a C comparator.
func CQsort(p []int32) { C.jb_qsort_c((*C.int32_t)(unsafe.Pointer(&p[0])), C.size_t(len(p))) }

//go:build linux

// Package bench compares the cost of calling one C function through cgo and through
// jitffi's call modes. The benchmarks are in bench_test.go; run
//
//	go test -bench . -benchmem ./bench
package bench

/*
#include <stdint.h>

int jitffi_bench_add(int a, int b) { return a + b; }

static uintptr_t jitffi_bench_add_addr(void) { return (uintptr_t)&jitffi_bench_add; }
*/
import "C"

// CgoAdd calls the C function add through cgo.
func CgoAdd(a, b int32) int32 { return int32(C.jitffi_bench_add(C.int(a), C.int(b))) }

// AddAddr returns the address of the same C function, for jitffi to bind.
func AddAddr() uintptr { return uintptr(C.jitffi_bench_add_addr()) }

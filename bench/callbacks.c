//go:build cgo

// cgo compiles this file into package bench; a CGO_ENABLED=0 build of the suite's tests
// compiles it with gcc into a shared library instead (cside_nocgo_test.go).

// C functions of the callback rows: a C function that calls the function pointer it is
// given once (the Go -> C -> Go round trip), qsort, and their C-only floors.
#include <stdint.h>
#include <stdlib.h>
#include "callbacks.h"

int64_t jb_cb_call(jb_cb_fn f, int64_t x) { return f(x); }

// Floors: the same through C callbacks only.
static int64_t jb_c_add(int64_t x) { return x + 1; }
int64_t jb_floor_roundtrip(int64_t n) {
	int64_t s = 0;
	for (int64_t i = 0; i < n; i++) s += jb_cb_call(jb_c_add, i);
	return s;
}
static int jb_c_compare(const void *a, const void *b) {
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}
void jb_qsort_c(int32_t *p, size_t n) { qsort(p, n, sizeof *p, jb_c_compare); }
uintptr_t jb_cb_call_addr(void) { return (uintptr_t)&jb_cb_call; }

// C functions of the callback rows: a C function that calls the function pointer it is
// given once (the Go -> C -> Go round trip), qsort, and their C-only floors.
#include <stdint.h>
#include <stdlib.h>
#include "callbacks.h"

int64_t jb_cb_call(jb_cb_fn f, int64_t x) { return f(x); }

// The cgo path's callback: cgo can hand C only an exported Go function, through C.
extern int64_t jbGoCallbackAdd(int64_t);
int64_t jb_cb_roundtrip_cgo(int64_t x) { return jb_cb_call(jbGoCallbackAdd, x); }

extern int jbGoCompareInt32(void *, void *);
static int jb_cgo_compare(const void *a, const void *b) { return jbGoCompareInt32((void *)a, (void *)b); }
void jb_qsort_cgo(int32_t *p, size_t n) { qsort(p, n, sizeof *p, jb_cgo_compare); }

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

//go:build cgo

// The cgo path's callbacks: cgo can hand C only an exported Go function, through C. They
// call Go functions that callbacks.go exports, so only a cgo build has them (they are not
// in the shared library the CGO_ENABLED=0 tests build).
#include <stdint.h>
#include <stdlib.h>
#include "callbacks.h"

extern int64_t jbGoCallbackAdd(int64_t);
int64_t jb_cb_roundtrip_cgo(int64_t x) { return jb_cb_call(jbGoCallbackAdd, x); }

extern int jbGoCompareInt32(void *, void *);
static int jb_cgo_compare(const void *a, const void *b) { return jbGoCompareInt32((void *)a, (void *)b); }
void jb_qsort_cgo(int32_t *p, size_t n) { qsort(p, n, sizeof *p, jb_cgo_compare); }

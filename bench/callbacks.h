#include <stddef.h>
#include <stdint.h>

typedef int64_t (*jb_cb_fn)(int64_t);
int64_t jb_cb_call(jb_cb_fn f, int64_t x);
int64_t jb_cb_roundtrip_cgo(int64_t x);
void jb_qsort_cgo(int32_t *p, size_t n);
int64_t jb_floor_roundtrip(int64_t n);
void jb_qsort_c(int32_t *p, size_t n);
uintptr_t jb_cb_call_addr(void);

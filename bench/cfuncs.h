// The C functions every path of the suite calls, and the C-to-C floor loops that call
// them through a function pointer. cfuncs.c and floor.c are separate translation units
// from the cgo wrappers, so neither cgo's wrappers nor the floor loops can inline a
// callee: every path pays for a real call.
#include <stddef.h>
#include <stdint.h>

struct jb_pair { int64_t a, b; };
struct jb_vec3 { double x, y, z; };
struct jb_fpair { float x, y; };

void jb_noop(void);
int32_t jb_add(int32_t a, int32_t b);
double jb_fma3(double a, double b, double c);
int64_t jb_sum6(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f);
int64_t jb_sum10(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f,
                 int64_t g, int64_t h, int64_t i, int64_t j);
double jb_mixed8(int32_t a, double b, int64_t c, float d, int32_t e, double f, int64_t g, float h);
struct jb_pair jb_pair_swap(struct jb_pair p);
struct jb_vec3 jb_vec3_scale(struct jb_vec3 v);
struct jb_fpair jb_fpair_rot(struct jb_fpair p);
uint64_t jb_sum_bytes(const uint8_t *p, size_t n);
// jb_snprintf_id is the non-variadic wrapper cgo needs to call snprintf (cgo cannot call
// a C variadic function directly).
int jb_snprintf_id(char *buf, size_t n, const char *fmt, int i, double d);

// Floor loops: each calls fn n times through a function pointer and folds the results
// into one number that the benchmark checks against cgo's.
int64_t jb_floor_noop(void *fn, int64_t n);
int64_t jb_floor_add(void *fn, int64_t n);
double jb_floor_fma3(void *fn, int64_t n);
int64_t jb_floor_sum6(void *fn, int64_t n);
int64_t jb_floor_sum10(void *fn, int64_t n);
double jb_floor_mixed8(void *fn, int64_t n);
int64_t jb_floor_pair(void *fn, int64_t n);
double jb_floor_vec3(void *fn, int64_t n);
double jb_floor_fpair(void *fn, int64_t n);
uint64_t jb_floor_sum_bytes(void *fn, const uint8_t *p, size_t len, int64_t n);
int64_t jb_floor_snprintf(void *fn, char *buf, size_t len, const char *fmt, int64_t n);
uint64_t jb_floor_strlen(void *fn, const char *s, int64_t n);
uint64_t jb_floor_crc32(void *fn, const uint8_t *p, unsigned len, int64_t n);
int64_t jb_floor_compress2(void *fn, uint8_t *dst, uint64_t dstcap, const uint8_t *src, uint64_t srclen, int level, int64_t n);
int64_t jb_floor_uncompress(void *fn, uint8_t *dst, uint64_t dstcap, const uint8_t *src, uint64_t srclen, int64_t n);
void *jb_sqlite_table(int rows);
int64_t jb_floor_sqlite_scan(void *reset, void *step, void *column_int, void *stmt, int64_t n);

//go:build cgo

// cgo compiles this file into package bench; a CGO_ENABLED=0 build of the suite's tests
// compiles it with gcc into a shared library instead (cside_nocgo_test.go).

#include <stdio.h>
#include "cfuncs.h"

void jb_noop(void) {}

int32_t jb_add(int32_t a, int32_t b) { return a + b; }

double jb_fma3(double a, double b, double c) { return a * b + c; }

int64_t jb_sum6(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f) {
	return a + b + c + d + e + f;
}

int64_t jb_sum10(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f,
                 int64_t g, int64_t h, int64_t i, int64_t j) {
	return a + b + c + d + e + f + g + h + i + j;
}

double jb_mixed8(int32_t a, double b, int64_t c, float d, int32_t e, double f, int64_t g, float h) {
	return (double)a + b + (double)c + (double)d + (double)e + f + (double)g + (double)h;
}

struct jb_pair jb_pair_swap(struct jb_pair p) {
	struct jb_pair r = {p.b, p.a + p.b};
	return r;
}

struct jb_vec3 jb_vec3_scale(struct jb_vec3 v) {
	struct jb_vec3 r = {v.x * 2, v.y * 3, v.z * 4};
	return r;
}

struct jb_fpair jb_fpair_rot(struct jb_fpair p) {
	struct jb_fpair r = {-p.y, p.x};
	return r;
}

uint64_t jb_sum_bytes(const uint8_t *p, size_t n) {
	uint64_t s = 0;
	for (size_t i = 0; i < n; i++) s = s * 31 + p[i];
	return s;
}

int jb_snprintf_id(char *buf, size_t n, const char *fmt, int i, double d) {
	return snprintf(buf, n, fmt, i, d);
}

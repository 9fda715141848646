//go:build cgo

// cgo compiles this file into package bench; a CGO_ENABLED=0 build of the suite's tests
// compiles it with gcc into a shared library instead (cside_nocgo_test.go).

// C-to-C floor: what calling the same function costs from C, through a function pointer
// the compiler cannot see through (it arrives as an argument from Go).
#include "cfuncs.h"

int64_t jb_floor_noop(void *fn, int64_t n) {
	void (*f)(void) = fn;
	for (int64_t i = 0; i < n; i++) f();
	return n;
}

int64_t jb_floor_add(void *fn, int64_t n) {
	int32_t (*f)(int32_t, int32_t) = fn;
	int64_t s = 0;
	for (int64_t i = 0; i < n; i++) s += f((int32_t)i, 1);
	return s;
}

double jb_floor_fma3(void *fn, int64_t n) {
	double (*f)(double, double, double) = fn;
	double s = 0;
	for (int64_t i = 0; i < n; i++) s += f((double)i, 0.5, 1.25);
	return s;
}

int64_t jb_floor_sum6(void *fn, int64_t n) {
	int64_t (*f)(int64_t, int64_t, int64_t, int64_t, int64_t, int64_t) = fn;
	int64_t s = 0;
	for (int64_t i = 0; i < n; i++) s += f(i, 2, 3, 4, 5, 6);
	return s;
}

int64_t jb_floor_sum10(void *fn, int64_t n) {
	int64_t (*f)(int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t) = fn;
	int64_t s = 0;
	for (int64_t i = 0; i < n; i++) s += f(i, 2, 3, 4, 5, 6, 7, 8, 9, 10);
	return s;
}

double jb_floor_mixed8(void *fn, int64_t n) {
	double (*f)(int32_t, double, int64_t, float, int32_t, double, int64_t, float) = fn;
	double s = 0;
	for (int64_t i = 0; i < n; i++) s += f((int32_t)i, 0.5, 3, 0.25f, 5, 6.5, 7, 8.75f);
	return s;
}

int64_t jb_floor_pair(void *fn, int64_t n) {
	struct jb_pair (*f)(struct jb_pair) = fn;
	int64_t s = 0;
	for (int64_t i = 0; i < n; i++) {
		struct jb_pair p = {i, 7};
		struct jb_pair r = f(p);
		s += r.a + r.b;
	}
	return s;
}

double jb_floor_vec3(void *fn, int64_t n) {
	struct jb_vec3 (*f)(struct jb_vec3) = fn;
	// The argument is built once: rebuilding it in the loop makes gcc -O2 store it in
	// 8-byte pieces and copy it to the stack with one 16-byte load, a store-forwarding
	// stall of about 10 ns that no FFI path pays.
	struct jb_vec3 v = {1.0, 0.5, 0.25};
	double s = 0;
	for (int64_t i = 0; i < n; i++) {
		struct jb_vec3 r = f(v);
		s += r.x + r.y + r.z;
	}
	return s;
}

double jb_floor_fpair(void *fn, int64_t n) {
	struct jb_fpair (*f)(struct jb_fpair) = fn;
	double s = 0;
	for (int64_t i = 0; i < n; i++) {
		struct jb_fpair p = {(float)(i & 1023), 0.5f};
		struct jb_fpair r = f(p);
		s += (double)r.x + (double)r.y;
	}
	return s;
}

uint64_t jb_floor_sum_bytes(void *fn, const uint8_t *p, size_t len, int64_t n) {
	uint64_t (*f)(const uint8_t *, size_t) = fn;
	uint64_t s = 0;
	for (int64_t i = 0; i < n; i++) s += f(p, len);
	return s;
}

int64_t jb_floor_snprintf(void *fn, char *buf, size_t len, const char *fmt, int64_t n) {
	int (*f)(char *, size_t, const char *, ...) = fn;
	int64_t s = 0;
	for (int64_t i = 0; i < n; i++) s += f(buf, len, fmt, (int)i, 3.25);
	return s;
}

uint64_t jb_floor_strlen(void *fn, const char *s, int64_t n) {
	size_t (*f)(const char *) = fn;
	uint64_t sum = 0;
	for (int64_t i = 0; i < n; i++) sum += f(s);
	return sum;
}

uint64_t jb_floor_crc32(void *fn, const uint8_t *p, unsigned len, int64_t n) {
	// zlib: uLong crc32(uLong crc, const Bytef *buf, uInt len)
	unsigned long (*f)(unsigned long, const uint8_t *, unsigned) = fn;
	uint64_t s = 0;
	for (int64_t i = 0; i < n; i++) s += f(0, p, len);
	return s;
}

int64_t jb_floor_compress2(void *fn, uint8_t *dst, uint64_t dstcap, const uint8_t *src, uint64_t srclen, int level, int64_t n) {
	// zlib: int compress2(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen, int level)
	int (*f)(uint8_t *, unsigned long *, const uint8_t *, unsigned long, int) = fn;
	int64_t s = 0;
	for (int64_t i = 0; i < n; i++) {
		unsigned long dlen = dstcap;
		int rc = f(dst, &dlen, src, srclen, level);
		s += rc == 0 ? (int64_t)dlen : -1000000;
	}
	return s;
}

int64_t jb_floor_uncompress(void *fn, uint8_t *dst, uint64_t dstcap, const uint8_t *src, uint64_t srclen, int64_t n) {
	// zlib: int uncompress(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen)
	int (*f)(uint8_t *, unsigned long *, const uint8_t *, unsigned long) = fn;
	int64_t s = 0;
	for (int64_t i = 0; i < n; i++) {
		unsigned long dlen = dstcap;
		int rc = f(dst, &dlen, src, srclen);
		s += rc == 0 ? (int64_t)dlen : -1000000;
	}
	return s;
}

int64_t jb_floor_sqlite_scan(void *reset, void *step, void *column_int, void *stmt, int64_t n) {
	// sqlite3_reset, sqlite3_step, sqlite3_column_int; 100 is SQLITE_ROW.
	int (*rst)(void *) = reset;
	int (*stp)(void *) = step;
	int (*col)(void *, int) = column_int;
	int64_t s = 0;
	for (int64_t i = 0; i < n; i++) {
		rst(stmt);
		while (stp(stmt) == 100) s += col(stmt, 0);
	}
	return s;
}

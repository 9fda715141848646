// The C reference of a CGO_ENABLED=0 run of the suite (cside_nocgo_test.go builds it with
// gcc from this file and the suite's C files, and runs it once per test process). It
// answers what cgo's own calls answer in a cgo build: each request on stdin names a C
// function and its arguments, the program calls the function directly from C and prints
// the result on one line of stdout. Floating-point values travel as hexadecimal (%a),
// byte strings as hex digits, so nothing is rounded on the way.
//
//   add A B                  -> jb_add(A, B)
//   fma3 A B C               -> jb_fma3
//   sum6 A..F, sum10 A..J    -> jb_sum6, jb_sum10
//   mixed8 A B C D E F G H   -> jb_mixed8 (D and H are floats, sent as doubles)
//   pair A B, vec3 X Y Z, fpair X Y -> the struct's members
//   sum_bytes HEX            -> jb_sum_bytes
//   strlen FILE              -> strlen of the NUL-terminated bytes in FILE (a file, since
//                               the longest string is longer than a request line)
//   snprintf SIZE FMTHEX I D -> snprintf's count, then the buffer's bytes up to the NUL, as hex
//   roundtrip X              -> jb_cb_call with a C function that adds 1
//   crc32 CRC HEX            -> zlib's crc32
//   compress_bound N         -> zlib's compressBound
//   compress2 LEVEL CAP IN OUT -> compress2 of file IN into a CAP-byte buffer, written to
//                               file OUT: zlib's code and the length
//
// A request it cannot parse or serve gets "error ..." and the program goes on.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "cfuncs.h"
#include "callbacks.h"

static int unhex(const char *s, uint8_t *out, size_t cap, size_t *n) {
	size_t len = strlen(s);
	if (len % 2 || len / 2 > cap) return 0;
	for (size_t i = 0; i < len / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1) return 0;
		out[i] = (uint8_t)v;
	}
	*n = len / 2;
	return 1;
}

static int64_t add_one(int64_t x) { return x + 1; }

static uint8_t *read_file(const char *path, size_t *n) {
	FILE *f = fopen(path, "rb");
	if (!f) return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *p = malloc(len > 0 ? (size_t)len : 1);
	if (p && fread(p, 1, (size_t)len, f) != (size_t)len) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*n = (size_t)len;
	return p;
}

static void serve(char *line) {
	char op[32];
	int used = 0;
	if (sscanf(line, "%31s%n", op, &used) != 1) {
		printf("error empty request\n");
		return;
	}
	const char *a = line + used;
	static uint8_t bytes[4096];
	static char text[4096], hex[4096];
	size_t n;
	if (!strcmp(op, "add")) {
		int32_t x, y;
		if (sscanf(a, "%" SCNd32 " %" SCNd32, &x, &y) == 2) {
			printf("%" PRId32 "\n", jb_add(x, y));
			return;
		}
	} else if (!strcmp(op, "fma3")) {
		double x, y, z;
		if (sscanf(a, "%la %la %la", &x, &y, &z) == 3) {
			printf("%a\n", jb_fma3(x, y, z));
			return;
		}
	} else if (!strcmp(op, "sum6")) {
		int64_t v[6];
		if (sscanf(a, "%" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64,
		           &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) == 6) {
			printf("%" PRId64 "\n", jb_sum6(v[0], v[1], v[2], v[3], v[4], v[5]));
			return;
		}
	} else if (!strcmp(op, "sum10")) {
		int64_t v[10];
		if (sscanf(a, "%" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64
		              " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64,
		           &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) == 10) {
			printf("%" PRId64 "\n", jb_sum10(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]));
			return;
		}
	} else if (!strcmp(op, "mixed8")) {
		int32_t i1, i5;
		double d2, f4, d6, f8;
		int64_t l3, l7;
		if (sscanf(a, "%" SCNd32 " %la %" SCNd64 " %la %" SCNd32 " %la %" SCNd64 " %la",
		           &i1, &d2, &l3, &f4, &i5, &d6, &l7, &f8) == 8) {
			printf("%a\n", jb_mixed8(i1, d2, l3, (float)f4, i5, d6, l7, (float)f8));
			return;
		}
	} else if (!strcmp(op, "pair")) {
		struct jb_pair p;
		if (sscanf(a, "%" SCNd64 " %" SCNd64, &p.a, &p.b) == 2) {
			struct jb_pair r = jb_pair_swap(p);
			printf("%" PRId64 " %" PRId64 "\n", r.a, r.b);
			return;
		}
	} else if (!strcmp(op, "vec3")) {
		struct jb_vec3 v;
		if (sscanf(a, "%la %la %la", &v.x, &v.y, &v.z) == 3) {
			struct jb_vec3 r = jb_vec3_scale(v);
			printf("%a %a %a\n", r.x, r.y, r.z);
			return;
		}
	} else if (!strcmp(op, "fpair")) {
		double x, y;
		if (sscanf(a, "%la %la", &x, &y) == 2) {
			struct jb_fpair p = {(float)x, (float)y};
			struct jb_fpair r = jb_fpair_rot(p);
			printf("%a %a\n", (double)r.x, (double)r.y);
			return;
		}
	} else if (!strcmp(op, "sum_bytes")) {
		if (sscanf(a, "%4095s", hex) == 1 && unhex(hex, bytes, sizeof bytes, &n)) {
			printf("%" PRIu64 "\n", jb_sum_bytes(bytes, n));
			return;
		}
	} else if (!strcmp(op, "snprintf")) {
		size_t size;
		int i;
		double d;
		if (sscanf(a, "%zu %4095s %d %la", &size, hex, &i, &d) == 4 && size <= sizeof text &&
		    unhex(hex, bytes, sizeof bytes - 1, &n)) {
			bytes[n] = 0;
			memset(text, 0, sizeof text);
			int rc = snprintf(text, size, (const char *)bytes, i, d);
			printf("%d ", rc);
			for (size_t k = 0; k < size && text[k]; k++) printf("%02x", (unsigned char)text[k]);
			printf("\n");
			return;
		}
	} else if (!strcmp(op, "roundtrip")) {
		int64_t x;
		if (sscanf(a, "%" SCNd64, &x) == 1) {
			printf("%" PRId64 "\n", jb_cb_call(add_one, x));
			return;
		}
	} else if (!strcmp(op, "crc32")) {
		unsigned long crc;
		if (sscanf(a, "%lu %4095s", &crc, hex) == 2 && unhex(hex, bytes, sizeof bytes, &n)) {
			printf("%lu\n", crc32(crc, bytes, (uInt)n));
			return;
		}
	} else if (!strcmp(op, "compress_bound")) {
		unsigned long len;
		if (sscanf(a, "%lu", &len) == 1) {
			printf("%lu\n", compressBound(len));
			return;
		}
	} else if (!strcmp(op, "strlen")) {
		char in[1024];
		if (sscanf(a, "%1023s", in) == 1) {
			uint8_t *s = read_file(in, &n);
			if (!s || n == 0 || s[n - 1] != 0) {
				printf("error strlen: %s is not a NUL-terminated string\n", in);
				free(s);
				return;
			}
			printf("%zu\n", strlen((const char *)s));
			free(s);
			return;
		}
	} else if (!strcmp(op, "compress2")) {
		int level;
		unsigned long cap;
		char in[1024], out[1024];
		if (sscanf(a, "%d %lu %1023s %1023s", &level, &cap, in, out) == 4) {
			uint8_t *src = read_file(in, &n);
			uint8_t *dst = malloc(cap ? cap : 1);
			if (!src || !dst) {
				printf("error compress2: cannot read %s\n", in);
				free(src);
				free(dst);
				return;
			}
			uLongf dlen = cap;
			int rc = compress2(dst, &dlen, src, n, level);
			FILE *f = fopen(out, "wb");
			int ok = f && fwrite(dst, 1, dlen, f) == dlen;
			if (f) ok = fclose(f) == 0 && ok;
			free(src);
			free(dst);
			if (!ok) {
				printf("error compress2: cannot write %s\n", out);
				return;
			}
			printf("%d %lu\n", rc, (unsigned long)dlen);
			return;
		}
	} else {
		printf("error unknown request %s\n", op);
		return;
	}
	printf("error bad arguments to %s\n", op);
}

int main(void) {
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, stdin) > 0) {
		serve(line);
		fflush(stdout);
	}
	free(line);
	return 0;
}

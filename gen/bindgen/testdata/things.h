/* things.h: one of each thing jitffi-gen generates or skips. */
#include <stdint.h>
#include <stddef.h>

/* A point. */
typedef struct point {
	int32_t x, y;
} point;

struct with_union {
	int kind;
	union {
		int i;
		float f;
		double d;
	} u;
};

struct anon {
	int tag;
	union {
		int a;
		float b;
	};
	struct {
		short c, d;
	};
};

struct bits {
	int a;
	unsigned f1 : 3, f2 : 5;
	char after;
};

struct packed_s {
	char c;
	int i;
} __attribute__((packed));

struct aligned16 {
	int x;
} __attribute__((aligned(16)));

struct ld {
	int a;
	long double x;
};

struct wide {
	int a;
	__int128 big;
};

struct cplx {
	char c;
	double _Complex z;
	int after;
};

struct flex {
	int n;
	char data[];
};

struct nested {
	struct {
		int q;
	} inner;
	point pts[3];
	char name[8];
	unsigned long counts[2];
};

typedef struct handle_s *handle;
typedef struct list list;
struct list {
	list *next;
	int value;
};

typedef int (*visit_fn)(void *ctx, const char *name, int depth);
typedef void (*free_fn)(void *);
#define FREE_NONE ((free_fn)0)
#define FREE_COPY ((free_fn)-1)

#define ANSWER 42
#define MASK (~0U)
#define NAME "features"
#define ALIAS NAME
#define RATIO 0.5f
#define TWICE(x) ((x) * 2)
#define VERSION_OF(a, b) (((a) << 16) | (b))
#define VERSION VERSION_OF(1, 2)
#define NOTHING
#define A_TYPE unsigned long

enum color { RED, GREEN = 5, BLUE };
enum signed_e { NEG = -1, POS = 1 };
enum { ANON_A = 7 };
static const uint64_t BIG_FLAG = 0x100000000ULL;

/* visit calls fn for every entry. */
int visit(handle h, visit_fn fn, void *ctx);
int set_name(handle h, const char *name, free_fn release);
const char *get_name(handle h);
int log_msg(const char *fmt, ...);
int vlog_msg(const char *fmt, __builtin_va_list ap);
long double ld_fn(long double);
__int128 i128_fn(__int128);
double _Complex cx_fn(double _Complex);
struct with_union by_value_union(struct with_union);
point by_value_point(point p);
int many(int, int, int, int, int, int, int, int, int, int, int, int, int, int, int, int, int);
static inline int helper(int x) { return x; }
int lookup(handle h);
extern int counter;
extern const char version_string[];
#ifdef _WIN32
int windows_only(void);
#endif

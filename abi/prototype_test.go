package abi_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
)

// zlibDecls are declarations copied from zlib 1.2.13's zconf.h and zlib.h, with the
// macros zconf.h defines on Linux.
const zlibDecls = `
#define ZEXTERN extern
#define ZEXPORT
#define ZEXPORTVA
#define FAR
#define OF(args)  args
#define Z_ARG(args)  args
#define z_const const
#define z_off_t long
typedef unsigned char  Byte;  /* 8 bits */
typedef unsigned int   uInt;  /* 16 bits or more */
typedef unsigned long  uLong; /* 32 bits or more */
typedef Byte  FAR Bytef;
typedef uLong FAR uLongf;
typedef void const *voidpc;
typedef void FAR   *voidpf;
typedef void       *voidp;
typedef voidpf (*alloc_func) OF((voidpf opaque, uInt items, uInt size));
typedef void   (*free_func)  OF((voidpf opaque, voidpf address));

struct internal_state;

typedef struct z_stream_s {
    z_const Bytef *next_in;     /* next input byte */
    uInt     avail_in;  /* number of bytes available at next_in */
    uLong    total_in;  /* total number of input bytes read so far */

    Bytef    *next_out; /* next output byte will go here */
    uInt     avail_out; /* remaining free space at next_out */
    uLong    total_out; /* total number of bytes output so far */

    z_const char *msg;  /* last error message, NULL if no error */
    struct internal_state FAR *state; /* not visible by applications */

    alloc_func zalloc;  /* used to allocate the internal state */
    free_func  zfree;   /* used to free the internal state */
    voidpf     opaque;  /* private data object passed to zalloc and zfree */

    int     data_type;  /* best guess about the data type: binary or text
                           for deflate, or the decoding state for inflate */
    uLong   adler;      /* Adler-32 or CRC-32 value of the uncompressed data */
    uLong   reserved;   /* reserved for future use */
} z_stream;

typedef z_stream FAR *z_streamp;
typedef struct gzFile_s *gzFile;    /* semi-opaque gzip file descriptor */
typedef unsigned (*in_func) OF((void FAR *,
                                z_const unsigned char FAR * FAR *));
typedef int (*out_func) OF((void FAR *, unsigned char FAR *, unsigned));
`

// sqliteDecls are declarations copied from sqlite 3.40.1's sqlite3.h.
const sqliteDecls = `
# define SQLITE_EXTERN extern
# define SQLITE_API
#define SQLITE_DEPRECATED
typedef struct sqlite3 sqlite3;
  typedef long long int sqlite_int64;
  typedef unsigned long long int sqlite_uint64;
typedef sqlite_int64 sqlite3_int64;
typedef sqlite_uint64 sqlite3_uint64;
typedef int (*sqlite3_callback)(void*,int,char**, char**);
typedef struct sqlite3_stmt sqlite3_stmt;
typedef struct sqlite3_value sqlite3_value;
typedef struct sqlite3_context sqlite3_context;
typedef void (*sqlite3_destructor_type)(void*);
SQLITE_API SQLITE_EXTERN const char sqlite3_version[];
SQLITE_API const char *sqlite3_libversion(void);
SQLITE_API int sqlite3_libversion_number(void);
`

func headerEnv(t *testing.T) *abi.TypeEnv {
	t.Helper()
	env := abi.NewTypeEnv()
	for _, text := range []string{zlibDecls, sqliteDecls} {
		if err := env.Declare(text); err != nil {
			t.Fatal(err)
		}
	}
	return env
}

// headerPrototypes are lines of zlib.h and sqlite3.h, parsed with headerEnv, with the
// signature, the name and the parameter names they give under LP64 and LLP64.
var headerPrototypes = []struct {
	text, name, lp64, llp64 string
	params                  []string
	cstring                 bool
}{
	{"ZEXTERN uLong ZEXPORT crc32   OF((uLong crc, const Bytef *buf, uInt len));", "crc32",
		"uint64_t (uint64_t, void*, uint32_t)", "uint32_t (uint32_t, void*, uint32_t)", []string{"crc", "buf", "len"}, false},
	{"ZEXTERN const char * ZEXPORT zlibVersion OF((void));", "zlibVersion", "void* (void)", "", nil, true},
	{"ZEXTERN int ZEXPORT deflateInit OF((z_streamp strm, int level));", "deflateInit",
		"int32_t (void*, int32_t)", "", []string{"strm", "level"}, false},
	{"ZEXTERN int ZEXPORT compress OF((Bytef *dest,   uLongf *destLen,\n                                 const Bytef *source, uLong sourceLen));", "compress",
		"int32_t (void*, void*, void*, uint64_t)", "int32_t (void*, void*, void*, uint32_t)", []string{"dest", "destLen", "source", "sourceLen"}, false},
	{"ZEXTERN int ZEXPORT inflateBack OF((z_streamp strm,\n                                    in_func in, void FAR *in_desc,\n                                    out_func out, void FAR *out_desc));", "inflateBack",
		"int32_t (void*, void*, void*, void*, void*)", "", []string{"strm", "in", "in_desc", "out", "out_desc"}, false},
	{"ZEXTERN gzFile ZEXPORT gzopen OF((const char *path, const char *mode));", "gzopen", "void* (void*, void*)", "", []string{"path", "mode"}, false},
	{"ZEXTERN int ZEXPORTVA gzprintf Z_ARG((gzFile file, const char *format, ...));", "gzprintf", "int32_t (void*, void*, ...)", "", []string{"file", "format"}, false},
	{"ZEXTERN uLong ZEXPORT crc32_combine OF((uLong crc1, uLong crc2, z_off_t len2));", "crc32_combine",
		"uint64_t (uint64_t, uint64_t, int64_t)", "uint32_t (uint32_t, uint32_t, int32_t)", []string{"crc1", "crc2", "len2"}, false},
	{"SQLITE_API int sqlite3_open(const char *filename, sqlite3 **ppDb);", "sqlite3_open", "int32_t (void*, void*)", "", []string{"filename", "ppDb"}, false},
	{"int sqlite3_open(\n  const char *filename,   /* Database filename (UTF-8) */\n  sqlite3 **ppDb          /* OUT: SQLite db handle */\n);", "sqlite3_open",
		"int32_t (void*, void*)", "", []string{"filename", "ppDb"}, false},
	{"SQLITE_API const char *sqlite3_errmsg(sqlite3*);", "sqlite3_errmsg", "void* (void*)", "", []string{""}, true},
	{"SQLITE_API sqlite3_int64 sqlite3_last_insert_rowid(sqlite3*);", "sqlite3_last_insert_rowid", "int64_t (void*)", "", []string{""}, false},
	{"SQLITE_API int sqlite3_exec(\n  sqlite3*,                                  /* An open database */\n  const char *sql,                           /* SQL to be evaluated */\n  int (*callback)(void*,int,char**,char**),  /* Callback function */\n  void *,                                    /* 1st argument to callback */\n  char **errmsg                              /* Error msg written here */\n);", "sqlite3_exec",
		"int32_t (void*, void*, void*, void*, void*)", "", []string{"", "sql", "callback", "", "errmsg"}, false},
	{"SQLITE_API int sqlite3_bind_text(sqlite3_stmt*,int,const char*,int,void(*)(void*));", "sqlite3_bind_text",
		"int32_t (void*, int32_t, void*, int32_t, void*)", "", []string{"", "", "", "", ""}, false},
	{"SQLITE_API const unsigned char *sqlite3_column_text(sqlite3_stmt*, int iCol);", "sqlite3_column_text", "void* (void*, int32_t)", "", []string{"", "iCol"}, true},
	{"SQLITE_API int sqlite3_trace_v2(\n  sqlite3*,\n  unsigned uMask,\n  int(*xCallback)(unsigned,void*,void*,void*),\n  void *pCtx\n);", "sqlite3_trace_v2",
		"int32_t (void*, uint32_t, void*, void*)", "", []string{"", "uMask", "xCallback", "pCtx"}, false},
	{"SQLITE_API SQLITE_DEPRECATED int sqlite3_expired(sqlite3_stmt*);", "sqlite3_expired", "int32_t (void*)", "", []string{""}, false},
	{"SQLITE_API int sqlite3_config(int, ...);", "sqlite3_config", "int32_t (int32_t, ...)", "", []string{""}, false},
	{"SQLITE_API void sqlite3_set_last_insert_rowid(sqlite3*,sqlite3_int64);", "sqlite3_set_last_insert_rowid", "void (void*, int64_t)", "", []string{"", ""}, false},
	// A pointer to a function, or a typedef of one, stands for the function.
	{"sqlite3_callback", "", "int32_t (void*, int32_t, void*, void*)", "", []string{"", "", "", ""}, false},
	{"int (*callback)(void*,int,char**,char**)", "", "int32_t (void*, int32_t, void*, void*)", "", []string{"", "", "", ""}, false},
	// Declared in the environment: the name alone.
	{"sqlite3_libversion", "sqlite3_libversion", "void* (void)", "", nil, true},
	{"sqlite3_libversion_number;", "sqlite3_libversion_number", "int32_t (void)", "", nil, false},
}

func TestHeaderPrototypes(t *testing.T) {
	env := headerEnv(t)
	for _, c := range headerPrototypes {
		for _, m := range []struct {
			model abi.DataModel
			want  string
		}{{abi.LP64, c.lp64}, {abi.LP64UnsignedChar, c.lp64}, {abi.LLP64, c.llp64}} {
			if m.want == "" {
				m.want = c.lp64
			}
			p := abi.Parser{Model: m.model, Env: env}
			proto, err := p.ParsePrototype(c.text)
			if err != nil {
				t.Errorf("%v: ParsePrototype(%q): %v", m.model, c.text, err)
				continue
			}
			if got := proto.Signature.String(); got != m.want || proto.Name != c.name || proto.Symbol != c.name ||
				fmt.Sprint(proto.ParamNames) != fmt.Sprint(c.params) || proto.ResultCString != c.cstring {
				t.Errorf("%v: ParsePrototype(%q)\n got %q %s %q C string %v\nwant %q %s %q C string %v", m.model, c.text,
					proto.Name, got, proto.ParamNames, proto.ResultCString, c.name, m.want, c.params, c.cstring)
			}
			sig, err := p.ParseSignature(c.text)
			if err != nil || !abi.EqualSignatures(sig, proto.Signature) {
				t.Errorf("%v: ParseSignature(%q) = %v, %v; want %v", m.model, c.text, sig, err, proto.Signature)
			}
			if m.model == abi.LP64 {
				checkPrintParse(t, sig)
			}
		}
	}
}

// prototypeCases are declarations as headers write them, with the name, symbol,
// signature, parameter names and C-string result they give.
var prototypeCases = []struct {
	in, name, sym, sig string
	params             []string
	cstring            bool
}{
	{"int f(void)", "f", "f", "int32_t (void)", nil, false},
	{"int f();", "f", "f", "int32_t (void)", nil, false},
	{"extern int abs(int __x) __attribute__ ((__nothrow__ , __leaf__)) __attribute__ ((__const__)) ;", "abs", "abs", "int32_t (int32_t)", []string{"__x"}, false},
	{"extern char *getenv (const char *__name) __attribute__ ((__nothrow__ , __leaf__)) __attribute__ ((__nonnull__ (1))) __attribute__ ((__warn_unused_result__));",
		"getenv", "getenv", "void* (void*)", []string{"__name"}, true},
	{"extern int open (const char *__file, int __oflag, ...) __asm__ (\"\" \"open64\") __attribute__ ((__nonnull__ (1)));",
		"open", "open64", "int32_t (void*, int32_t, ...)", []string{"__file", "__oflag"}, false},
	{"static inline unsigned long int strtoul(const char *restrict nptr, char **restrict endptr, int base)", "strtoul", "strtoul",
		"uint64_t (void*, void*, int32_t)", []string{"nptr", "endptr", "base"}, false},
	{"__declspec(dllimport) int __stdcall MessageBeep(unsigned int uType);", "MessageBeep", "MessageBeep", "int32_t (uint32_t)", []string{"uType"}, false},
	{"void (__cdecl *handler)(int)", "", "", "void (int32_t)", []string{""}, false},
	{"_Noreturn void exit(int status);", "exit", "exit", "void (int32_t)", []string{"status"}, false},
	{"int printf(const char *restrict format, ...) __attribute__((format(printf, 1, 2)));", "printf", "printf", "int32_t (void*, ...)", []string{"format"}, false},
	// Parameters declared as arrays and functions are pointers.
	{"int main(int argc, char *argv[])", "main", "main", "int32_t (int32_t, void*)", []string{"argc", "argv"}, false},
	{"void md5(const unsigned char data[static 16], char out[33][2])", "md5", "md5", "void (void*, void*)", []string{"data", "out"}, false},
	{"void qsort(void *base, size_t n, size_t size, int compar(const void *, const void *))", "qsort", "qsort",
		"void (void*, uint64_t, uint64_t, void*)", []string{"base", "n", "size", "compar"}, false},
	// A function returning a pointer to a function.
	{"void (*signal(int sig, void (*func)(int)))(int);", "signal", "signal", "void* (int32_t, void*)", []string{"sig", "func"}, false},
	{"int (*(*lookup)(const char *))(int)", "", "", "void* (void*)", []string{""}, false},
	// Opaque types: pointers to names and tags declared nowhere.
	{"sqlite3_stmt *prepare(sqlite3 *db, struct opaque **out, const foo_t *in)", "prepare", "prepare", "void* (void*, void*, void*)", []string{"db", "out", "in"}, false},
	// Tags defined in the text name their type for the rest of it.
	{"struct point {int x, y;} mid(struct point a, struct point b)", "mid", "mid",
		"struct{int32_t x; int32_t y;} (struct{int32_t x; int32_t y;}, struct{int32_t x; int32_t y;})", []string{"a", "b"}, false},
	{"int len(struct node {int v; struct node *next;} *list, struct node last)", "len", "len",
		"int32_t (void*, struct{int32_t v; void* next;})", []string{"list", "last"}, false},
	{"enum color {RED, GREEN = 5, BLUE} paint(enum color c, int shade[BLUE])", "paint", "paint", "uint32_t (uint32_t, void*)", []string{"c", "shade"}, false},
	{"enum {NEG = -1} f(void)", "f", "f", "int32_t (void)", nil, false},
	{"struct{char s[sizeof(struct{double d; char c;}) * 2 + (1 << 2)];} f(void)", "f", "f", "struct{int8_t s[36];} (void)", nil, false},
	{"struct{int (*fn)(int); void (*table[4])(void);} f(void)", "f", "f", "struct{void* fn; void* table[4];} (void)", nil, false},
	// Character types and pointers to them.
	{"signed char *f(void)", "f", "f", "void* (void)", nil, true},
	{"const volatile unsigned char *const f(void)", "f", "f", "void* (void)", nil, true},
	{"char **f(void)", "f", "f", "void* (void)", nil, false},
	{"int8_t *f(void)", "f", "f", "void* (void)", nil, false},
	{"uint8_t *f(void)", "f", "f", "void* (void)", nil, false},
	{"char f(void)", "f", "f", "int8_t (void)", nil, false},
	// What Apple's, Windows' and glibc's headers add.
	{"void qsort(void *__base, size_t __nel, size_t __width, int (* _Nonnull __compar)(const void *, const void *));", "qsort", "qsort",
		"void (void*, uint64_t, uint64_t, void*)", []string{"__base", "__nel", "__width", "__compar"}, false},
	{"char * _Nullable getenv(const char *) __attribute__((availability(macos,introduced=10.0)));", "getenv", "getenv", "void* (void*)", []string{""}, true},
	{"void __cdecl free(void * __ptr64 _Block);", "free", "free", "void (void*)", []string{"_Block"}, false},
	{"extern _Float32 cosf32 (_Float32 __x); ", "cosf32", "cosf32", "float (float)", []string{"__x"}, false},
	{"extern _Float32x cosf32x (_Float64 __x); ", "cosf32x", "cosf32x", "double (double)", []string{"__x"}, false},
}

// TestPrototypes covers C declarators and what headers carry around them, without a type
// environment.
func TestPrototypes(t *testing.T) {
	for _, c := range prototypeCases {
		proto, err := abi.Parser{}.ParsePrototype(c.in)
		if err != nil {
			t.Errorf("ParsePrototype(%q): %v", c.in, err)
			continue
		}
		if got := proto.Signature.String(); got != c.sig || proto.Name != c.name || proto.Symbol != c.sym ||
			fmt.Sprint(proto.ParamNames) != fmt.Sprint(c.params) || proto.ResultCString != c.cstring {
			t.Errorf("ParsePrototype(%q)\n got %q %q %s %q C string %v\nwant %q %q %s %q C string %v", c.in,
				proto.Name, proto.Symbol, got, proto.ParamNames, proto.ResultCString, c.name, c.sym, c.sig, c.params, c.cstring)
		}
		if sig, err := abi.ParseSignature(c.in); err != nil || !abi.EqualSignatures(sig, proto.Signature) {
			t.Errorf("ParseSignature(%q) = %v, %v", c.in, sig, err)
		}
		checkPrintParse(t, proto.Signature)
	}
}

// prototypeErrorCases are header-style texts the parser refuses, with the position and
// message of the error.
var prototypeErrorCases = []struct {
	in  string
	pos int
	msg string
}{
	{"uLong crc32(uLong crc, const Bytef *buf, uInt len);", 0, "unknown type name 'uLong' (declare it in a TypeEnv; a pointer to it needs no declaration)"},
	{"int f(sqlite3 db)", 6, "unknown type name 'sqlite3' (declare it in a TypeEnv; a pointer to it needs no declaration)"},
	{"int f(struct foo x)", 13, "incomplete type 'struct foo': define it (in a TypeEnv or inline, as in struct foo {...}), or pass a pointer to it"},
	{"union u f(void)", 6, "incomplete type 'union u': define it (in a TypeEnv or inline, as in union u {...}), or pass a pointer to it"},
	{"struct node {int v; struct node next;} f(void)", 27, "incomplete type 'struct node': define it (in a TypeEnv or inline, as in struct node {...}), or pass a pointer to it"},
	{"SQLITE_API int sqlite3_close(sqlite3*);", 0, "unknown type name 'SQLITE_API' before 'int'; if 'SQLITE_API' is a macro, define it in a TypeEnv (#define SQLITE_API) or remove it"},
	{"ZEXTERN uLong ZEXPORT crc32(uLong crc);", 14, "expected '(' to start the parameter list, found 'ZEXPORT'; if 'ZEXTERN' is a macro, define it in a TypeEnv (#define ZEXTERN) or remove it"},
	{"int x;", 5, "expected '(' to start the parameter list, found ';'"},
	{"int (*p)[3]", 11, "expected '(' to start the parameter list, found end of input"},
	{"int f(int) g(int)", 11, "expected end of input, found 'g'"},
	{"int f(int), g(int);", 10, "expected end of input, found ','"},
	{"int f(int x) { return x; }", 13, "expected end of input, found '{'"},
	{"int f(void) __attribute__((ms_abi));", 27, "attribute 'ms_abi' sets the calling convention: remove it and bind with the matching ABI option (jitffi.WithABI(abi.Win64) for ms_abi)"},
	{"int f(void) __attribute__((regparm(3)));", 27, "unsupported attribute 'regparm' here: jitffi accepts only attributes that cannot change a call or a layout, such as nonnull, deprecated, format or visibility"},
	{"__declspec(align(16)) int f(void)", 11, "unsupported __declspec(align): jitffi accepts only attributes that cannot change a call or a layout, such as dllimport or deprecated"},
	{"_Float64x f(void)", 0, "_Float64x (long double) is not supported"},
	{"struct{char c[1.5];} f(void)", 14, "floating constant 1.5 in an integer constant expression"},
	{"struct{char c[1e3];} f(void)", 14, "floating constant 1e3 in an integer constant expression"},
	{"int __vectorcall f(double)", 4, "__vectorcall is not supported: it passes vector and floating-point arguments in other registers"},
	{"typedef int myint;", 0, "typedef declarations go in a type environment: TypeEnv.Declare"},
	{"int f(int g(int)(int))", 11, "a function cannot return a function; return a pointer to it"},
	{"int f(void)[3]", 5, "a C function cannot return an array"},
	{"struct{int f(int);} g(void)", 11, "a struct member cannot be a function; use a pointer to the function"},
	{"struct{static int x;} g(void)", 7, "storage class 'static' is not allowed in a field"},
	{"int (*table[2])(void)", 21, "expected '(' to start the parameter list, found end of input"},
	{"int f(int a[][])", 14, "arrays need a length; flexible array members are not supported"},
	{"struct{char c[1 << 40];} f(void)", 14, "array length 1099511627776 is larger than 2147483647"},
	{"struct{char c[2 - 3];} f(void)", 14, "array length -1 is negative"},
	{"struct{char c[1 / 0];} f(void)", 16, "division by zero in a constant expression"},
	{"struct{char c[N];} f(void)", 14, "'N' is not a constant: expected an integer constant, an enumeration constant or a macro that expands to one"},
	{"struct{char c[(int)3];} f(void)", 15, "casts are not supported in constant expressions"},
	{"struct{char c[0x7fffffffffffffff * 2];} f(void)", 33, "integer overflow in a constant expression"},
	{"struct{char c['\\xff'];} f(void)", 14, `character constant '\xff' is above 0x7f; write its value as a number`},
	{"enum e {A = 0x7fffffffffffffff, B} f(void)", 32, "enumerator 'B' overflows int64"},
	{"enum e {} f(void)", 8, "an enum needs at least one enumerator"},
	{"enum {A, A} f(void)", 9, "'A' is already declared as an enumeration constant"},
	{"struct s {int a;} f(struct s {float b;})", 27, "'struct s' is already defined differently, as struct{int32_t a;}"},
	{"struct s {int a;} f(union s x)", 26, "'s' is the tag of a struct, not of a union"},
	{"int f(enum e {X} x, struct e y)", 27, "'e' is the tag of an enum, not of a struct"},
	{"int f(const char *s = 0)", 20, "expected ',' or ')' after parameter, found '='"},
	{"int f(int) __asm__(sym)", 19, "expected a string literal naming the symbol, found 'sym'"},
	{`int f(int) __asm__("sym`, 19, "unterminated string literal"},
	{"#define X int\nX f(void)", 0, "unexpected '#': only TypeEnv.Declare reads directives, #define and #undef at the start of a line (the # and ## operators are not supported)"},
}

func TestPrototypeErrors(t *testing.T) {
	for _, c := range prototypeErrorCases {
		_, err := abi.Parser{}.ParsePrototype(c.in)
		var pe *abi.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("ParsePrototype(%q) = %v, want a *ParseError", c.in, err)
			continue
		}
		if pe.Pos != c.pos || pe.Msg != c.msg || pe.Text != c.in {
			t.Errorf("ParsePrototype(%q):\n got at %d: %s\nwant at %d: %s", c.in, pe.Pos, pe.Msg, c.pos, c.msg)
		}
	}
}

// TestParseTypeEnv checks ParseType with declarations: typedef names, tags and enums lay
// out under the parser's data model.
func TestParseTypeEnv(t *testing.T) {
	env := headerEnv(t)
	if err := env.Declare("typedef char gchar; typedef struct { int a; double b; } pair;"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		in          string
		lp64, llp64 string
	}{
		{"uLong", "uint64_t", "uint32_t"},
		{"z_stream",
			"struct{void* next_in; uint32_t avail_in; uint64_t total_in; void* next_out; uint32_t avail_out; uint64_t total_out; void* msg; void* state; void* zalloc; void* zfree; void* opaque; int32_t data_type; uint64_t adler; uint64_t reserved;}",
			"struct{void* next_in; uint32_t avail_in; uint32_t total_in; void* next_out; uint32_t avail_out; uint32_t total_out; void* msg; void* state; void* zalloc; void* zfree; void* opaque; int32_t data_type; uint32_t adler; uint32_t reserved;}"},
		{"struct z_stream_s", "", ""},
		{"pair[2]", "struct{int32_t a; double b;}[2]", ""},
		{"sqlite3 *", "void*", ""},
		{"gzFile", "void*", ""},
		{"alloc_func", "void*", ""},
		{"const gchar", "int8_t", ""},
	}
	for _, c := range cases {
		if c.lp64 == "" && c.in == "struct z_stream_s" {
			c.lp64, c.llp64 = cases[1].lp64, cases[1].llp64
		}
		if c.llp64 == "" {
			c.llp64 = c.lp64
		}
		for _, m := range []struct {
			model abi.DataModel
			want  string
		}{{abi.LP64, c.lp64}, {abi.LLP64, c.llp64}} {
			typ, err := abi.Parser{Model: m.model, Env: env}.ParseType(c.in)
			if err != nil {
				t.Errorf("%v: ParseType(%q): %v", m.model, c.in, err)
				continue
			}
			if got := typ.String(); got != m.want {
				t.Errorf("%v: ParseType(%q) = %s, want %s", m.model, c.in, got, m.want)
			}
		}
	}
	typ, err := abi.Parser{Model: abi.LP64UnsignedChar, Env: env}.ParseType("gchar")
	if err != nil || typ.Kind != abi.Uint8 {
		t.Errorf("LP64UnsignedChar: ParseType(gchar) = %v, %v; want uint8_t", typ, err)
	}
	if _, err := (abi.Parser{Env: env}).ParseType("struct gzFile_s"); err == nil || !strings.Contains(err.Error(), "incomplete type 'struct gzFile_s'") {
		t.Errorf("ParseType(struct gzFile_s) = %v, want an incomplete-type error", err)
	}
	if _, err := (abi.Parser{Model: 7}).ParseType("int"); err == nil {
		t.Errorf("Parser with an unknown data model succeeded")
	}
}

// TestABIDataModel pins the data model of each convention's platforms.
func TestABIDataModel(t *testing.T) {
	for a, want := range map[abi.ABI]abi.DataModel{
		abi.SysV: abi.LP64, abi.Win64: abi.LLP64, abi.AAPCS64: abi.LP64UnsignedChar, abi.AppleARM64: abi.LP64, 0: abi.LP64,
	} {
		if got := a.DataModel(); got != want {
			t.Errorf("%v.DataModel() = %v, want %v", a, got, want)
		}
	}
}

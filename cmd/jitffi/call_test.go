//go:build linux && (cgo || amd64 || arm64)

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCall(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string // the whole output
	}{
		{"cos", []string{"libm.so.6", "cos", "double (double)", "0"}, "1\n"},
		{"cosf fast", []string{"--fast", "libm.so.6", "cosf", "float (float)", "0.5"}, "0.87758255\n"},
		{"pow", []string{"libm.so.6", "pow", "double (double, double)", "2", "-0.5"}, "0.7071067811865476\n"},
		{"strlen", []string{"libc.so.6", "strlen", "size_t (const char*)", "hello"}, "5\n"},
		{"strlen quoted", []string{"libc.so.6", "strlen", "size_t (const char*)", `"a\tb"`}, "3\n"},
		{"strlen str:", []string{"libc.so.6", "strlen", "size_t (const char*)", "str:null"}, "4\n"},
		{"abs", []string{"libc.so.6", "abs", "int (int)", "-5"}, "5\n"},
		{"labs hex", []string{"libc.so.6", "labs", "long (long)", "-0x10"}, "16\n"},
		{"snprintf", []string{"libc.so.6", "snprintf", "int32_t (char*, size_t, char*, ..., double)", "buf:64", "64", "%.3f", "3.14159"},
			"5\narg 0 buf: \"3.142\"\n"},
		{"snprintf promotes", []string{"libc.so.6", "snprintf", "int (char*, size_t, char*, ..., int, float, char*)", "buf:32", "32", "%d|%.1f|%s", "-7", "2.5", "ok"},
			"9\narg 0 buf: \"-7|2.5|ok\"\n"},
		{"div", []string{"libc.so.6", "div", "struct{int quot; int rem;} (int, int)", "17", "5"}, "{quot: 3, rem: 2}\n"},
		{"ldiv", []string{"libc.so.6", "ldiv", "struct{long quot; long rem;} (long, long)", "-1099511627779", "1048576"},
			"{quot: -1048576, rem: -3}\n"},
		{"strtol errno", []string{"--errno", "libc.so.6", "strtol", "long (const char*, char**, int)", "99999999999999999999", "null", "10"},
			"9223372036854775807\nerrno: ERANGE (34): numerical result out of range\n"},
		{"strtol no errno", []string{"libc.so.6", "strtol", "long (const char*, char**, int)", "-42", "null", "10", "--errno"},
			"-42\nerrno: 0\n"},
		{"void", []string{"libc.so.6", "srand", "void (unsigned)", "1"}, ""},
		{"hex argument", []string{"libc.so.6", "toupper", "int (int)", "0x61"}, "65\n"},
		{"null string result", []string{"libc.so.6", "getenv", "char* (char*)", "JITFFI_SURELY_UNSET_VARIABLE"}, "NULL\n"},
		{"null pointer result", []string{"--raw", "libc.so.6", "getenv", "char* (char*)", "JITFFI_SURELY_UNSET_VARIABLE"}, "0x0\n"},
		{"void pointer result", []string{"libc.so.6", "memchr", "void *memchr(const void *s, int c, size_t n);", "abc", "100", "3"}, "0x0\n"},
		// A prototype names the symbol; a char pointer result prints as a string.
		{"string result", []string{"libc.so.6", "char *strchr(const char *s, int c);", "hello", "108"}, "\"llo\"\n"},
		{"unsigned string result", []string{"libc.so.6", "strrchr", "const unsigned char *(const char *, int)", "a\tb\"c", "9"}, "\"\\tb\\\"c\"\n"},
		{"asm label", []string{"libc.so.6", "extern int my_abs (int __x) __attribute__ ((__const__)) __asm__(\"abs\");", "-7"}, "7\n"},
		{"header prototype", []string{"libc.so.6", "extern int abs (int __x) __attribute__ ((__nothrow__ , __leaf__)) __attribute__ ((__const__)) ;", "-3"}, "3\n"},
		{"opaque pointer", []string{"libc.so.6", "int fflush(FILE *stream);", "null"}, "0\n"},
		// Declarations: typedefs, structs and macros the signature uses; a function they
		// declare may be named alone.
		{"typedefs", []string{"--decl", "typedef unsigned long my_size; typedef struct { int quot; int rem; } div_t;",
			"libc.so.6", "div_t div(int numer, int denom);", "17", "5"}, "{quot: 3, rem: 2}\n"},
		{"macros", []string{"--decl", "#define LIBC_API extern\n#define OF(args) args\ntypedef unsigned long my_size;",
			"libc.so.6", "LIBC_API my_size strlen OF((const char *s));", "hello"}, "5\n"},
		{"declared function", []string{"--decl", "typedef unsigned long size_t; size_t strlen(const char *s);", "libc.so.6", "strlen", "hello!"}, "6\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, append([]string{"call"}, tc.args...)...)
			if code != exitOK || stdout != tc.want || stderr != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 0, stdout %q", code, stdout, stderr, tc.want)
			}
		})
	}
}

func TestCallErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"missing library", []string{"libjitffi-no-such-library.so", "f", "int (void)"}, "libjitffi-no-such-library.so"},
		{"missing symbol", []string{"libc.so.6", "jitffi_no_such_symbol", "int (void)"}, "jitffi_no_such_symbol"},
		{"parse error", []string{"libc.so.6", "abs", "int (int"}, `parse "int (int" at 8: expected ',' or ')'`},
		{"too many arguments", []string{"libc.so.6", "abs", "int (int)", "1", "2"}, "takes 1 argument, got 2"},
		{"too few arguments", []string{"libc.so.6", "div", "struct{int q; int r;} (int, int)", "1"}, "takes 2 arguments, got 1"},
		{"bad number", []string{"libc.so.6", "abs", "int (int)", "12abc"}, `argument 0 (int32_t): bad integer "12abc"`},
		{"out of range", []string{"libc.so.6", "abs", "int (int)", "2147483648"}, "2147483648 is out of range for int32_t"},
		{"bad float", []string{"libm.so.6", "cos", "double (double)", "one"}, `bad double "one"`},
		{"bad bool", []string{"libc.so.6", "abs", "int (bool)", "yes"}, "want true, false, 1 or 0"},
		{"bad buffer", []string{"libc.so.6", "strlen", "size_t (char*)", "buf:0"}, `bad buffer "buf:0"`},
		{"unknown flag", []string{"--slow", "libc.so.6", "abs", "int (int)", "1"}, "unknown flag --slow"},
		{"no signature", []string{"libc.so.6", "abs"}, "want a library, a symbol and a signature"},
		{"no symbol", []string{"libc.so.6"}, "want a library, a symbol and a signature"},
		{"unnamed prototype", []string{"libc.so.6", "int (int)", "1"}, `the signature "int (int)" names no function: give the symbol before it`},
		{"undeclared type", []string{"libc.so.6", "uLong crc32(uLong crc);", "1"}, "at 0: unknown type name 'uLong'"},
		{"bad declaration", []string{"--decl", "typedef int;;\ntypedef long x y;", "libc.so.6", "abs", "int (int)", "1"}, "--decl: abi: parse \"typedef int;;\\ntypedef long x y;\" at 29: expected ';' after the declaration, found 'y'"},
		{"declared function and a signature", []string{"--decl", "long labs(long);", "libc.so.6", "labs", "long (long)", "-4"}, "labs (int64_t (int64_t)) takes 1 argument, got 2"},
		{"missing decl file", []string{"--decl-file", "/jitffi/no/such/file.h", "libc.so.6", "abs", "int (int)", "1"}, "--decl-file: open /jitffi/no/such/file.h"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, append([]string{"call"}, tc.args...)...)
			if code != exitError || stdout != "" || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", code, stdout, stderr, tc.want)
			}
		})
	}
}

// TestCallDeclFile reads declarations from files, in order, with prototypes copied from
// glibc's preprocessed headers.
func TestCallDeclFile(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "types.h")
	second := filepath.Join(dir, "funcs.h")
	if err := os.WriteFile(first, []byte("typedef unsigned long int size_t;\ntypedef struct { long int quot; long int rem; } ldiv_t;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(second, []byte("extern ldiv_t ldiv (long int __numer, long int __denom)\n     __attribute__ ((__nothrow__ , __leaf__)) __attribute__ ((__const__)) ;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCmd(t, "call", "--decl-file", first, "--decl-file", second, "libc.so.6", "ldiv", "-1099511627779", "1048576")
	if code != exitOK || stdout != "{quot: -1048576, rem: -3}\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, _, stderr = runCmd(t, "call", "--decl-file", second, "libc.so.6", "ldiv", "1", "1")
	if code != exitError || !strings.Contains(stderr, `abi: parse "ldiv" at 0: unknown type name 'ldiv_t'`) {
		t.Errorf("out of order: exit %d, stderr %q", code, stderr)
	}
	// A whole preprocessed header: what cannot be read is skipped, and said to be when
	// the signature fails.
	header := filepath.Join(dir, "header.h")
	if err := os.WriteFile(header, []byte("typedef struct { long double d; } big;\ntypedef unsigned long int size_t;\nextern size_t strlen (const char *__s);\nbig make(void);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCmd(t, "call", "--decl-file", header, "libc.so.6", "strlen", "abc")
	if code != exitOK || stdout != "3\n" {
		t.Errorf("a header with a declaration skipped: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, _, stderr = runCmd(t, "call", "--decl-file", header, "libc.so.6", "make")
	if code != exitError || !strings.Contains(stderr, "unknown type name 'big'") || !strings.Contains(stderr, "hold 2 declarations jitffi cannot read, which were skipped") {
		t.Errorf("a function whose type was skipped: exit %d, stderr %q", code, stderr)
	}
}

// TestCallChecksLimitsFirst checks that call refuses, before converting any argument, a
// signature bind would refuse (a 2 GB argument was allocated, and filled with gigabytes
// of leaf descriptions, before the bind said no), and that results of billions of
// elements print elided instead of exhausting memory.
func TestCallChecksLimitsFirst(t *testing.T) {
	for _, sig := range []string{"int (struct{char a[100000];})", "int (struct{char a[2000000000];})"} {
		code, stdout, stderr := runCmd(t, "call", "libc.so.6", "abs", sig, "{}")
		if code != exitError || stdout != "" || !strings.Contains(stderr, "more than 65536") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", sig, code, stdout, stderr)
		}
	}
	code, stdout, stderr := runCmd(t, "call", "libc.so.6", "getpid", "struct{struct{} a[2147483647][2147483647];} (void)")
	if code != exitOK || len(stdout) > 1000 || !strings.Contains(stdout, "more…") {
		t.Errorf("a result of 2^62 empty structs: exit %d, stderr %q, %d bytes of output: %.300q", code, stderr, len(stdout), stdout)
	}
	code, _, stderr = runCmd(t, "call", "libc.so.6", "getpid", "int (struct{struct{} a[100000000];})", "{}")
	if code != exitOK {
		t.Errorf("an argument of 10^8 empty structs: exit %d, stderr %q", code, stderr)
	}
}

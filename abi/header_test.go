package abi_test

import (
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
)

// glibcLines are declarations as glibc's headers read after the preprocessor (gcc -E -P),
// some of which jitffi cannot read.
const glibcLines = `typedef long unsigned int size_t;
typedef struct {
  long long __max_align_ll __attribute__((__aligned__(__alignof__(long long))));
  long double __max_align_ld __attribute__((__aligned__(__alignof__(long double))));
} max_align_t;
typedef int int8_t_mode __attribute__ ((__mode__ (__QI__)));
typedef long int int64_t;
typedef struct { int quot; int rem; } div_t;
struct bits { unsigned int flag : 1; int rest; };
extern long double strtold (const char *__restrict __nptr, char **__restrict __endptr)
     __attribute__ ((__nothrow__ , __leaf__)) __attribute__ ((__nonnull__ (1)));
extern __inline __attribute__ ((__gnu_inline__)) int
__attribute__ ((__nothrow__ , __leaf__)) atoi (const char *__nptr)
{
  return (int) strtol (__nptr, (char **) ((void *)0), 10);
}
extern div_t div (int __numer, int __denom)
     __attribute__ ((__nothrow__ , __leaf__)) __attribute__ ((__const__)) ;
typedef struct _IO_FILE FILE;
extern int fscanf (FILE *__restrict __stream,
     const char *__restrict __format, ...) ;
extern int fscanf (FILE *__restrict __stream, const char *__restrict __format, ...) __asm__ ("" "__isoc99_fscanf") ;
#if 0
#endif
extern size_t strlen (const char *__s)
     __attribute__ ((__nothrow__ , __leaf__)) __attribute__ ((__pure__)) __attribute__ ((__nonnull__ (1)));
`

func TestDeclareHeader(t *testing.T) {
	env := abi.NewTypeEnv()
	skipped, err := env.DeclareHeader(glibcLines)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range skipped {
		var pe *abi.ParseError
		if !errors.As(e, &pe) || pe.Text != glibcLines {
			t.Fatalf("skipped: %v is not a *ParseError of the text", e)
		}
		got = append(got, strconv.Itoa(pe.Pos)+": "+pe.Msg)
	}
	want := []string{
		"26: 'size_t' is built in as uint64_t; a typedef cannot make it uint32_t (under the LLP64 data model)",
		"93: attribute '__aligned__' is only supported right after 'struct' or 'union' or after a member list's '}'",
		"272: unsupported attribute '__mode__' here: jitffi accepts only attributes that cannot change a call or a layout, such as nonnull, deprecated, format or visibility",
		"310: 'int64_t' is built in as int64_t; a typedef cannot make it int32_t (under the LLP64 data model)",
		"396: bit-fields are not supported",
		"426: long double is not supported",
		"702: function bodies are not supported; declare the function only",
		"1124: #if is not supported: TypeEnv.Declare reads declarations, #define and #undef; run a header through the preprocessor first (cc -E -P)",
		"1130: #endif is not supported: TypeEnv.Declare reads declarations, #define and #undef; run a header through the preprocessor first (cc -E -P)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("skipped:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The rest was declared; what was skipped is unknown, so usable by pointer only.
	p := abi.Parser{Env: env}
	for _, c := range []struct{ text, sym, sig string }{
		{"div", "div", "struct{int32_t quot; int32_t rem;} (int32_t, int32_t)"},
		{"strlen", "strlen", "uint64_t (void*)"},
		{"fscanf", "__isoc99_fscanf", "int32_t (void*, void*, ...)"},
		// The prototype read before the body stays declared.
		{"atoi", "atoi", "int32_t (void*)"},
		{"void f(max_align_t *a, struct bits *b)", "f", "void (void*, void*)"},
	} {
		proto, err := p.ParsePrototype(c.text)
		if err != nil || proto.Symbol != c.sym || proto.Signature.String() != c.sig {
			t.Errorf("ParsePrototype(%q) = %+v, %v; want %s %s", c.text, proto, err, c.sym, c.sig)
		}
	}
	for _, text := range []string{"strtold", "max_align_t f(void)", "struct bits f(void)"} {
		if _, err := p.ParsePrototype(text); err == nil {
			t.Errorf("ParsePrototype(%q) of a skipped declaration succeeded", text)
		}
	}
	if got := parseWith(env, abi.LLP64, "int64_t f(size_t)"); got != "int64_t (uint64_t)" {
		t.Errorf("LLP64 keeps the built-in types: %s", got)
	}
	// Text the lexer cannot read adds nothing.
	env = abi.NewTypeEnv()
	if _, err := env.DeclareHeader("typedef int a; /* open"); err == nil || len(env.Funcs()) != 0 || !strings.Contains(err.Error(), "unterminated comment") {
		t.Errorf("DeclareHeader of an unterminated comment: %v", err)
	}
	if got := parseWith(env, abi.LP64, "a f(void)"); !strings.Contains(got, "unknown type name 'a'") {
		t.Errorf("after a failed DeclareHeader: %s", got)
	}
	// Declare reads a redirected prototype too, and refuses a label that conflicts.
	env = abi.NewTypeEnv()
	declare(t, env, "int open(const char *, int, ...); int open(const char *, int, ...) __asm__(\"open64\");")
	if err := env.Declare(`int open(const char *, int, ...) __asm__("open32");`); err == nil || !strings.Contains(err.Error(), `function 'open' redeclared with another __asm__ label, "open32" after "open64"`) {
		t.Errorf("a conflicting label: %v", err)
	}
}

// TestDeclareSystemHeaders runs the host's C headers through its preprocessor and reads
// them with DeclareHeader: it must read them to the end and declare the C library's
// functions with the types the C standard gives them.
func TestDeclareSystemHeaders(t *testing.T) {
	if strconv.IntSize != 64 || abi.Host == 0 {
		t.Skip("the parser's data models are those of the 64-bit hosts jitffi supports")
	}
	cc := layoutCC(t)
	args := append(append([]string{}, cc[1:]...), "-E", "-P", "-x", "c", "-")
	cmd := exec.Command(cc[0], args...)
	cmd.Stdin = strings.NewReader("#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <math.h>\n#include <errno.h>\n#include <time.h>\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v", cc[0], strings.Join(args, " "), err)
	}
	env := abi.NewTypeEnv()
	skipped, err := env.DeclareHeader(string(out))
	if err != nil {
		t.Fatal(err)
	}
	p := abi.Parser{Model: abi.Host.DataModel(), Env: env}
	for name, want := range map[string]string{
		"strlen": "uint64_t (void*)",
		"strtol": "int64_t (void*, void*, int32_t)",
		"div":    "struct{int32_t quot; int32_t rem;} (int32_t, int32_t)",
		"ldiv":   "struct{int64_t quot; int64_t rem;} (int64_t, int64_t)",
		"qsort":  "void (void*, uint64_t, uint64_t, void*)",
		"printf": "int32_t (void*, ...)",
		"cos":    "double (double)",
		"frexpf": "float (float, void*)",
		"time":   "int64_t (void*)",
		"getenv": "void* (void*)",
	} {
		proto, err := p.ParsePrototype(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := proto.Signature.String(); got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	t.Logf("%d bytes of headers: %d functions declared, %d declarations skipped", len(out), len(env.Funcs()), len(skipped))
}

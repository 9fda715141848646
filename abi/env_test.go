package abi_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jitffi/jitffi/abi"
)

func declare(t *testing.T, env *abi.TypeEnv, text string) {
	t.Helper()
	if err := env.Declare(text); err != nil {
		t.Fatal(err)
	}
}

// parseWith parses a signature with env under m and returns its canonical text or the error.
func parseWith(env *abi.TypeEnv, m abi.DataModel, text string) string {
	sig, err := abi.Parser{Model: m, Env: env}.ParseSignature(text)
	if err != nil {
		return err.Error()
	}
	return sig.String()
}

// TestDeclareModels checks that one environment lays its declarations out under each
// data model: long, plain char and enums differ.
func TestDeclareModels(t *testing.T) {
	// Text right under some data models only is added under those.
	wide := abi.NewTypeEnv()
	declare(t, wide, "typedef unsigned long uLong;")
	declare(t, wide, "typedef enum { BIG = 0x100000000 } big;")
	if got := parseWith(wide, abi.LP64, "big f(uLong)"); got != "uint64_t (uint64_t)" {
		t.Errorf("LP64: %s", got)
	}
	err := wide.Err(abi.LLP64)
	var pe *abi.ParseError
	if !errors.As(err, &pe) || pe.Pos != 8 || pe.Msg != "enum values beyond int are not supported under LLP64 (MSVC makes every enum an int) (under the LLP64 data model)" ||
		!strings.HasPrefix(err.Error(), "abi: the type environment holds no declarations for the LLP64 data model: abi: parse") {
		t.Errorf("Err(LLP64) = %v", err)
	}
	if _, err := (abi.Parser{Model: abi.LLP64, Env: wide}).ParseSignature("int f(void)"); !errors.As(err, &pe) || pe.Pos != 8 {
		t.Errorf("parsing under LLP64 with an environment that failed there: %v", err)
	}
	if wide.Err(abi.LP64) != nil || wide.Err(abi.LP64UnsignedChar) != nil {
		t.Errorf("Err(LP64) = %v, Err(LP64UnsignedChar) = %v", wide.Err(abi.LP64), wide.Err(abi.LP64UnsignedChar))
	}
	// Text wrong under every model adds nothing and says why under LP64.
	env := abi.NewTypeEnv()
	if err := env.Declare("typedef unsigned long uLong; typedef struct { char c[1 << 40]; } huge;"); !errors.As(err, &pe) || pe.Pos != 53 || !errors.Is(err, abi.ErrTooLarge) {
		t.Errorf("Declare of a huge struct = %v", err)
	}
	if got := parseWith(env, abi.LP64, "uLong (void)"); !strings.Contains(got, "unknown type name 'uLong'") || env.Err(abi.LP64) != nil {
		t.Fatalf("a Declare that failed added declarations: %s", got)
	}
	declare(t, env, `
		typedef unsigned long uLong;
		typedef char gchar;
		typedef struct { char c; long l; } rec;
		enum small { A, B };
		enum negative { N = -1 };
	`)
	for _, c := range []struct {
		text               string
		lp64, uchar, llp64 string
	}{
		{"uLong f(gchar c, rec r)", "uint64_t (int8_t, struct{int8_t c; int64_t l;})", "uint64_t (uint8_t, struct{uint8_t c; int64_t l;})", "uint32_t (int8_t, struct{int8_t c; int32_t l;})"},
		{"enum small f(enum negative n)", "uint32_t (int32_t)", "uint32_t (int32_t)", "int32_t (int32_t)"},
	} {
		for m, want := range map[abi.DataModel]string{abi.LP64: c.lp64, abi.LP64UnsignedChar: c.uchar, abi.LLP64: c.llp64} {
			if got := parseWith(env, m, c.text); got != want {
				t.Errorf("%v: %s = %s, want %s", m, c.text, got, want)
			}
		}
	}
	if got := parseWith(env, abi.LP64, "struct{char c[B + N + 3];} f(void)"); got != "struct{int8_t c[3];} (void)" {
		t.Errorf("enum constants in an array length: %s", got)
	}
}

// TestDeclareRedefinitions checks that a name or tag declared again must agree with its
// first declaration, under every data model.
func TestDeclareRedefinitions(t *testing.T) {
	env := abi.NewTypeEnv()
	declare(t, env, "typedef unsigned int uInt; struct s {int a;}; enum e {X = 1}; int f(int); typedef unsigned long long size_t;")
	if got := env.Funcs(); !slices.Equal(got, []string{"f"}) {
		t.Errorf("Funcs() = %q", got)
	}
	declare(t, env, "typedef unsigned uInt; struct s {int a;}; enum e {X = 1}; int f(int x); struct s; struct later;")
	for _, c := range []struct {
		text string
		pos  int
		msg  string
	}{
		{"typedef long uInt;", 13, "typedef 'uInt' redefined as a different type: int64_t, was uint32_t"},
		{"struct s {short a;};", 7, "'struct s' is already defined differently, as struct{int32_t a;}"},
		{"union s {int a;};", 6, "'s' is already the tag of a struct"},
		{"enum e {X = 2};", 8, "'X' is already declared as an enumeration constant"},
		{"typedef int X;", 12, "'X' is already declared as an enumeration constant"},
		{"typedef int f;", 12, "'f' is already declared as a function"},
		{"short f(int);", 6, "function 'f' redeclared with a different type"},
		{"int uInt(void);", 4, "'uInt' is already declared as a typedef"},
		{"typedef int int32_t; typedef short int32_t;", 35, "typedef 'int32_t' redefined as a different type: int16_t, was int32_t"},
		{"typedef char uint64_t;", 13, "'uint64_t' is built in as uint64_t; a typedef cannot make it int8_t"},
		{"int x = 3;", 6, "initializers are not supported"},
		{"int g(int x) { return x; }", 13, "function bodies are not supported; declare the function only"},
		{"typedef int *;", 13, "expected a name to declare, found ';'"},
		{"typedef int a b;", 14, "expected ';' after the declaration, found 'b'"},
		{"typedef int arr[];", 16, "arrays need a length; flexible array members are not supported"},
		{"typedef struct later later_t; typedef later_t two[2];", 38, "incomplete type 'struct later': define it (in a TypeEnv or inline, as in struct later {...}), or pass a pointer to it"},
	} {
		err := env.Declare(c.text)
		var pe *abi.ParseError
		if !errors.As(err, &pe) || pe.Pos != c.pos || pe.Msg != c.msg || pe.Text != c.text {
			t.Errorf("Declare(%q) = %v\nwant at %d: %s", c.text, err, c.pos, c.msg)
		}
	}
	for m := range 3 {
		if err := env.Err(abi.DataModel(m)); err != nil {
			t.Fatalf("a failed Declare left an error under %v: %v", abi.DataModel(m), err)
		}
	}
	// A redefinition that agrees under some models only excludes the others.
	for _, c := range []struct {
		text    string
		refused []abi.DataModel
		pos     int
		msg     string
	}{
		{"typedef unsigned long int size_t;", []abi.DataModel{abi.LLP64}, 26, "'size_t' is built in as uint64_t; a typedef cannot make it uint32_t (under the LLP64 data model)"},
		{"typedef unsigned long long uint64; typedef unsigned long uint64;", []abi.DataModel{abi.LLP64}, 57, "typedef 'uint64' redefined as a different type: uint32_t, was uint64_t (under the LLP64 data model)"},
		{"struct s {int a;}; struct s {long a;};", []abi.DataModel{abi.LP64, abi.LP64UnsignedChar}, 26, "'struct s' is already defined differently, as struct{int32_t a;}"},
		{"typedef char c8; typedef signed char c8;", []abi.DataModel{abi.LP64UnsignedChar}, 37, "typedef 'c8' redefined as a different type: int8_t, was uint8_t (under the LP64UnsignedChar data model)"},
	} {
		env := abi.NewTypeEnv()
		if err := env.Declare(c.text); err != nil {
			t.Errorf("Declare(%q) = %v, want nil", c.text, err)
			continue
		}
		for m := range 3 {
			err := env.Err(abi.DataModel(m))
			var pe *abi.ParseError
			if !slices.Contains(c.refused, abi.DataModel(m)) {
				if err != nil {
					t.Errorf("Declare(%q): Err(%v) = %v", c.text, abi.DataModel(m), err)
				}
				continue
			}
			if !errors.As(err, &pe) || pe.Pos != c.pos || !strings.HasPrefix(pe.Msg, c.msg) {
				t.Errorf("Declare(%q): Err(%v) = %v\nwant at %d: %s", c.text, abi.DataModel(m), err, c.pos, c.msg)
			}
		}
	}
	// A signature's own tags and constants may shadow the environment's, as C's
	// prototype scope allows.
	if got := parseWith(env, abi.LP64, "struct s {double d;} f(enum e {X = 7} v, int a[X])"); got != "struct{double d;} (uint32_t, void*)" {
		t.Errorf("shadowing the environment: %s", got)
	}
	// Completed later, a forward-declared struct is complete to a typedef made earlier.
	declare(t, env, "typedef struct fwd fwd_t;")
	if got := parseWith(env, abi.LP64, "fwd_t f(void)"); !strings.Contains(got, "at 0: incomplete type 'struct fwd'") {
		t.Errorf("incomplete typedef: %s", got)
	}
	declare(t, env, "struct fwd { char c[3]; };")
	if got := parseWith(env, abi.LP64, "fwd_t f(void)"); got != "struct{int8_t c[3];} (void)" {
		t.Errorf("completed typedef: %s", got)
	}
}

// TestDeclareFunctions checks prototypes recorded by Declare, found by name.
func TestDeclareFunctions(t *testing.T) {
	env := abi.NewTypeEnv()
	declare(t, env, `
		typedef int cmp_fn(const void *, const void *);
		cmp_fn by_name;
		extern int stat(const char *restrict path, struct stat *restrict buf) __asm__("stat64");
		typedef void cb(struct incomplete);
		cb later;
		typedef cb *cb_ptr;
	`)
	p := abi.Parser{Env: env}
	for _, c := range []struct{ text, name, sym, sig string }{
		{"by_name", "by_name", "by_name", "int32_t (void*, void*)"},
		{"stat", "stat", "stat64", "int32_t (void*, void*)"},
		{"cmp_fn", "", "", "int32_t (void*, void*)"},
		{"cmp_fn *", "", "", "int32_t (void*, void*)"},
		{"cmp_fn my_compare;", "my_compare", "my_compare", "int32_t (void*, void*)"},
		{"void sort(void *base, cmp_fn f)", "sort", "sort", "void (void*, void*)"},
		{"void on(cb_ptr p, cb q)", "on", "on", "void (void*, void*)"},
	} {
		proto, err := p.ParsePrototype(c.text)
		if err != nil {
			t.Errorf("ParsePrototype(%q): %v", c.text, err)
			continue
		}
		if proto.Name != c.name || proto.Symbol != c.sym || proto.Signature.String() != c.sig {
			t.Errorf("ParsePrototype(%q) = %q %q %v, want %q %q %s", c.text, proto.Name, proto.Symbol, proto.Signature, c.name, c.sym, c.sig)
		}
	}
	// An error about a declaration of the environment points at its use in the text.
	for _, text := range []string{"later", "  cb", "void (*) (int, cb_ptr)"} {
		_, err := p.ParsePrototype(text)
		var pe *abi.ParseError
		if text == "void (*) (int, cb_ptr)" {
			if err != nil {
				t.Errorf("ParsePrototype(%q): %v", text, err)
			}
			continue
		}
		want := strings.Index(text, strings.TrimSpace(text))
		if !errors.As(err, &pe) || pe.Text != text || pe.Pos != want || !strings.Contains(pe.Msg, "incomplete type 'struct incomplete'") {
			t.Errorf("ParsePrototype(%q) = %v, want an incomplete type at %d", text, err, want)
		}
	}
}

// TestDeclareMacros checks the macros Declare reads and the parser expands.
func TestDeclareMacros(t *testing.T) {
	env := abi.NewTypeEnv()
	declare(t, env, `
#define API extern __attribute__((visibility("default")))
#define OF(args) args
#define PAIR(a, b) struct { a first; b second; }
#define COUNT 4
#define SIZE (COUNT * 2 + \
              1)
#define EMPTY()
#define SELF SELF
#define PING PONG
#define PONG PING
#pragma once
# /* the null directive */
typedef PAIR(int, double) pair;
#define WIDE long
#undef WIDE
#define WIDE short
`)
	for _, c := range []struct{ text, want string }{
		{"API int f OF((int a, char *b));", "int32_t (int32_t, void*)"},
		{"pair f(PAIR(char, char) p)", "struct{int32_t first; double second;} (struct{int8_t first; int8_t second;})"},
		{"struct{char c[SIZE];} f(void)", "struct{int8_t c[9];} (void)"},
		{"WIDE f(EMPTY() int)", "int16_t (int32_t)"},
		{"int f(SELF *s, PING *p)", "int32_t (void*, void*)"},
		{"OF", "at 2: expected '(' to start the parameter list, found end of input"},
		{"int f OF((int)", "unterminated call of macro 'OF'"},
		{"PAIR(int) f(void)", "macro 'PAIR' takes 2 arguments, got 1"},
		{"SELF f(void)", "unknown type name 'SELF'"},
	} {
		if got := parseWith(env, abi.LP64, c.text); !strings.Contains(got, c.want) {
			t.Errorf("%s = %s, want %s", c.text, got, c.want)
		}
	}
	env2 := abi.NewTypeEnv()
	declare(t, env2, "#define V(x, ...) x f(__VA_ARGS__)\n#define N(...) __VA_ARGS__\n")
	for _, c := range []struct{ text, want string }{
		{"V(int, char, double)", "int32_t (int8_t, double)"},
		{"V(int)", "int32_t (void)"},
		{"int g(N(char, long))", "int32_t (int8_t, int64_t)"},
	} {
		if got := parseWith(env2, abi.LP64, c.text); got != c.want {
			t.Errorf("%s = %s, want %s", c.text, got, c.want)
		}
	}
	// Expansion is bounded: each level doubles the tokens.
	var b strings.Builder
	for i := range 24 {
		fmt.Fprintf(&b, "#define M%d M%d M%d\n", i, i+1, i+1)
	}
	declare(t, env2, b.String())
	if got := parseWith(env2, abi.LP64, "int f(void) __attribute__((deprecated(M0)))"); !strings.Contains(got, "at 38: macro expansion makes more than 262144 tokens") {
		t.Errorf("exponential expansion: %s", got)
	}
	for _, c := range []struct {
		text string
		pos  int
		msg  string
	}{
		{"#define COUNT 5", 8, "macro 'COUNT' redefined differently; #undef it first"},
		{"#include <zlib.h>", 1, "#include is not supported: TypeEnv.Declare reads declarations, #define and #undef; run a header through the preprocessor first (cc -E -P)"},
		{"#ifdef X\n#endif", 1, "#ifdef is not supported: TypeEnv.Declare reads declarations, #define and #undef; run a header through the preprocessor first (cc -E -P)"},
		{"#define STR(x) #x", 15, "unexpected '#': only TypeEnv.Declare reads directives, #define and #undef at the start of a line (the # and ## operators are not supported)"},
		{"#define F(a, a) a", 13, "expected a macro parameter name, found 'a'"},
		{"#define 3", 8, "expected a macro name after #define, found '3'"},
		{"int f(void); # define X", 13, "unexpected '#': only TypeEnv.Declare reads directives, #define and #undef at the start of a line (the # and ## operators are not supported)"},
		{"struct s {\n#define X int\n X a; };", 11, "expected a type, found '#'"},
	} {
		err := env.Declare(c.text)
		var pe *abi.ParseError
		if !errors.As(err, &pe) || pe.Pos != c.pos || pe.Msg != c.msg {
			t.Errorf("Declare(%q) = %v\nwant at %d: %s", c.text, err, c.pos, c.msg)
		}
	}
}

// TestTypeEnvConcurrent parses with an environment while declarations are added to it.
func TestTypeEnvConcurrent(t *testing.T) {
	env := abi.NewTypeEnv()
	declare(t, env, "typedef int base_t;")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				if g == 0 {
					if err := env.Declare(fmt.Sprintf("typedef base_t t%d;", i)); err != nil {
						t.Error(err)
						return
					}
					continue
				}
				if got := parseWith(env, abi.DataModel(g%3), "base_t f(base_t)"); got != "int32_t (int32_t)" {
					t.Errorf("parse while declaring: %s", got)
					return
				}
			}
		}()
	}
	wg.Wait()
	if got := parseWith(env, abi.LLP64, "t199 f(t0)"); got != "int32_t (int32_t)" {
		t.Errorf("after the concurrent declarations: %s", got)
	}
	var zero abi.TypeEnv
	declare(t, &zero, "typedef long L;")
	if got := parseWith(&zero, abi.LLP64, "L f(void)"); got != "int32_t (void)" {
		t.Errorf("the zero TypeEnv: %s", got)
	}
}

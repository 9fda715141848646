//go:build cgo || windows || (linux && (amd64 || arm64))

package jitffi_test

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/internal/fixtures"
)

// TestBindAll binds structs of typed bindings and funcs in one call each.
func TestBindAll(t *testing.T) {
	t.Run("strings-slices", testBindAllValues)
	t.Run("callbacks-variadic-optional", testBindAllCallbacksVariadicOptional)
}

// testBindAllValues binds fields with string, slice and string-result types, an optional
// field whose symbol is missing and an untagged field.
func testBindAllValues(t *testing.T) {
	var v struct {
		Strlen   jitffi.Func1[string, jitffi.SizeT]         `c:"val_strlen"`
		Sum      jitffi.Func2[[]int32, jitffi.SizeT, int64] `c:"val_sum_i32,fast"`
		Greeting func(jitffi.Int) string                    `c:"val_greeting"`
		Missing  jitffi.Func0[jitffi.Int]                   `c:"jitffi_no_such_function,optional"`
		Untagged jitffi.Func0[jitffi.Int]
	}
	lib := fixtureLib(t, "values")
	if err := jitffi.BindAll(lib, &v); err != nil {
		t.Fatal(err)
	}
	if got := v.Strlen.Call("four"); got != 4 {
		t.Errorf("Strlen = %d", got)
	}
	if got := v.Sum.Call([]int32{1, 2, 3}, 3); got != 6 {
		t.Errorf("Sum = %d", got)
	}
	if got := v.Greeting(1); got != "hello from C" {
		t.Errorf("Greeting = %q", got)
	}
	for name, f := range map[string]jitffi.Func0[jitffi.Int]{"optional": v.Missing, "untagged": v.Untagged} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("the %s field was bound", name)
				}
			}()
			f.Call()
		}()
	}
}

// testBindAllCallbacksVariadicOptional binds, through BindAll, fields whose parameters
// are *jitffi.Callback (C calls the callback: qsort's comparator, and cb_call's function
// through a func field), a C variadic function through the variadic=N tag (snprintf with
// a double, whose name stdioFuncs gives per system), and optional fields, present and
// absent.
func testBindAllCallbacksVariadicOptional(t *testing.T) {
	stdio := openLib(t, stdioName)
	var c struct {
		Qsort   jitffi.Func4[[]jitffi.Int, jitffi.SizeT, jitffi.SizeT, *jitffi.Callback, jitffi.Void] `c:"qsort"`
		Abs     jitffi.Func1[jitffi.Int, jitffi.Int]                                                  `c:"abs,optional"`
		Missing func() jitffi.Int                                                                     `c:"jitffi_no_such_function,optional"`
	}
	var f stdioFuncs
	for _, p := range []any{&c, &f} {
		if err := jitffi.BindAll(stdio, p); err != nil {
			t.Fatal(err)
		}
	}

	calls := 0
	compare := must(jitffi.NewCallback2(func(a, b *jitffi.Int) jitffi.Int {
		calls++
		return jitffi.Int(cmp.Compare(*a, *b))
	}))
	defer compare.Free()
	data := []jitffi.Int{5, -1, 3, 9, 0, -7}
	c.Qsort.Call(data, jitffi.SizeT(len(data)), jitffi.SizeT(unsafe.Sizeof(data[0])), compare)
	if !slices.Equal(data, []jitffi.Int{-7, -1, 0, 3, 5, 9}) || calls == 0 {
		t.Errorf("qsort through a BindAll field: %v after %d comparator calls", data, calls)
	}

	buf := make([]byte, 32)
	n := f.Snprintf.Call(buf, jitffi.SizeT(len(buf)), "%d|%.3f|%s", -7, 2.71828, "end")
	if got := string(buf[:max(n, 0)]); got != "-7|2.718|end" {
		t.Errorf("%s with variadic=3 wrote %q (%d), want \"-7|2.718|end\"", snprintfName, got, n)
	}

	if got := c.Abs.Call(-12); got != 12 {
		t.Errorf("optional field whose symbol exists: abs(-12) = %d", got)
	}
	if c.Missing != nil {
		t.Error("the optional field whose symbol is missing was set")
	}

	var cb struct {
		Call func(*jitffi.Callback, int64) int64 `c:"cb_call"`
	}
	if err := jitffi.BindAll(fixtureLib(t, "callbacks"), &cb); err != nil {
		t.Fatal(err)
	}
	triple := must(jitffi.NewCallback1(func(x int64) int64 { return 3 * x }))
	defer triple.Free()
	if got := cb.Call(triple, -1<<40); got != -3<<40 {
		t.Errorf("cb_call(triple, -2^40) through a func field = %d, want %d", got, int64(-3<<40))
	}
}

// TestBindAllReportsEveryProblem checks that one error lists every missing symbol and
// unsupported type, and that no field is set when there is one.
func TestBindAllReportsEveryProblem(t *testing.T) {
	var v struct {
		Strlen jitffi.Func1[string, jitffi.SizeT]    `c:"val_strlen"`
		Gone   jitffi.Func0[jitffi.Int]              `c:"jitffi_gone_1"`
		Also   func() int32                          `c:"jitffi_gone_2"`
		BadArg jitffi.Func1[map[int]int, jitffi.Int] `c:"val_strlen"`
		BadTag jitffi.Func0[jitffi.Int]              `c:"val_strlen,slow"`
		NotFn  int                                   `c:"val_strlen"`
	}
	err := jitffi.BindAll(fixtureLib(t, "values"), &v)
	if err == nil {
		t.Fatal("BindAll succeeded")
	}
	for _, want := range []string{"5 problems", "field Gone", "jitffi_gone_1", "field Also", "jitffi_gone_2", "field BadArg", "map[int]int", "field BadTag", "slow", "field NotFn"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	for _, want := range []error{jitffi.ErrSymbolNotFound, jitffi.ErrUnsupportedType, jitffi.ErrBadOption} {
		if !errors.Is(err, want) {
			t.Errorf("error does not wrap %v", want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("a field was set although BindAll failed")
		}
	}()
	v.Strlen.Call("x")
}

func TestBindAllRefusesNonStructs(t *testing.T) {
	lib := fixtureLib(t, "values")
	var f jitffi.Func0[jitffi.Int]
	for _, p := range []any{nil, f, &f, struct{}{}} {
		if err := jitffi.BindAll(lib, p); !errors.Is(err, jitffi.ErrNotFunc) {
			t.Errorf("BindAll(%T) = %v, want ErrNotFunc", p, err)
		}
	}
}

func TestOpenFirst(t *testing.T) {
	lib, err := jitffi.OpenFirst([]string{"libjitffi-no-such-1" + fixtures.Ext, "libjitffi-no-such-2" + fixtures.Ext, libcName})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Lookup("strlen"); err != nil {
		t.Errorf("the library OpenFirst opened lacks strlen: %v", err)
	}
	_, err = jitffi.OpenFirst([]string{"libjitffi-no-such-1" + fixtures.Ext, "libjitffi-no-such-2" + fixtures.Ext})
	if !errors.Is(err, jitffi.ErrLibraryNotFound) || !strings.Contains(err.Error(), "none of 2 names") ||
		!strings.Contains(err.Error(), "libjitffi-no-such-1") || !strings.Contains(err.Error(), "libjitffi-no-such-2") {
		t.Errorf("OpenFirst of missing names: %v", err)
	}
	if _, err := jitffi.OpenFirst(nil); !errors.Is(err, jitffi.ErrLibraryNotFound) {
		t.Errorf("OpenFirst of no names: %v", err)
	}
}

//go:build cgo || windows || (linux && (amd64 || arm64))

package jitffi_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/internal/fixtures"
)

// TestBindAll binds a struct of typed bindings and funcs in one call.
func TestBindAll(t *testing.T) {
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

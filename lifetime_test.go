//go:build (amd64 || arm64) && (cgo || windows || linux)

package jitffi_test

import (
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/fixtures"
)

// panicMessage runs f and returns what it panicked with, or "" if it returned.
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
			if msg == "" {
				msg = "non-string panic"
				if err, ok := r.(error); ok {
					msg = err.Error()
				}
			}
		}
	}()
	f()
	return ""
}

// TestCallAfterClosePanics calls every kind of binding, made one at a time or by BindAll,
// of a library that was closed and unloaded: each call jumped into unmapped memory
// (SIGSEGV) and must now panic naming the library and the symbol.
func TestCallAfterClosePanics(t *testing.T) {
	lib := fixtureLib(t, "loader") // no one else loads it, so Close unloads it
	add := must(jitffi.Bind2[int32, int32, int32](lib, "jitffi_add"))
	fast := must(jitffi.Bind2[int32, int32, int32](lib, "jitffi_add", jitffi.Fast()))
	var reflected func(int32, int32) int32
	if err := jitffi.BindFunc(lib, "jitffi_add", &reflected); err != nil {
		t.Fatal(err)
	}
	var reflectedErrno func(int32, int32) (int32, syscall.Errno)
	if err := jitffi.BindFunc(lib, "jitffi_add", &reflectedErrno); err != nil {
		t.Fatal(err)
	}
	dyn := must(jitffi.BindDynamic(lib, "jitffi_add", must(abi.ParseSignature("int32_t (int32_t, int32_t)"))))
	fr := dyn.NewFrame()
	fr.Arg(0)[0], fr.Arg(1)[0] = 2, 3
	dyn.Call(fr)
	var all struct {
		Add       jitffi.Func2[int32, int32, int32]         `c:"jitffi_add"`
		Fast      jitffi.Func2[int32, int32, int32]         `c:"jitffi_add,fast"`
		Func      func(int32, int32) int32                  `c:"jitffi_add"`
		FuncErrno func(int32, int32) (int32, syscall.Errno) `c:"jitffi_add"`
	}
	if err := jitffi.BindAll(lib, &all); err != nil {
		t.Fatal(err)
	}
	allErrno, _ := all.FuncErrno(2, 3)
	if got := add.Call(2, 3) + fast.Call(2, 3) + reflected(2, 3) + int32(fr.Result()[0]) +
		all.Add.Call(2, 3) + all.Fast.Call(2, 3) + all.Func(2, 3) + allErrno; got != 40 {
		t.Fatalf("before Close: sums %d, want 40", got)
	}

	if err := lib.Close(); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func(){
		"Call":                func() { add.Call(1, 2) },
		"CallErrno":           func() { add.CallErrno(1, 2) },
		"Fast":                func() { fast.Call(1, 2) },
		"NoEscape Call":       func() { add.NoEscape().Call(1, 2) },
		"NoEscape CallErrno":  func() { add.NoEscape().CallErrno(1, 2) },
		"BindFunc":            func() { reflected(1, 2) },
		"BindFunc with errno": func() { reflectedErrno(1, 2) },
		"Dynamic Call":        func() { dyn.Call(fr) },
		"Dynamic CallErrno":   func() { dyn.CallErrno(fr) },
		"BindAll Call":        func() { all.Add.Call(1, 2) },
		"BindAll CallErrno":   func() { all.Add.CallErrno(1, 2) },
		"BindAll Fast":        func() { all.Fast.Call(1, 2) },
		"BindAll NoEscape":    func() { all.Fast.NoEscape().Call(1, 2) },
		"BindAll func":        func() { all.Func(1, 2) },
		"BindAll func errno":  func() { all.FuncErrno(1, 2) },
	} {
		msg := panicMessage(call)
		if !strings.Contains(msg, "jitffi_add") || !strings.Contains(msg, fixtures.Ext) || !strings.Contains(msg, "closed") {
			t.Errorf("%s after Close: panic %q, want one naming the symbol, the library and the Close", name, msg)
		}
	}
	if _, err := jitffi.Bind2[int32, int32, int32](lib, "jitffi_add"); !errors.Is(err, jitffi.ErrClosed) {
		t.Errorf("Bind after Close: %v, want ErrClosed", err)
	}
	if _, err := jitffi.BindDynamic(lib, "jitffi_add", dyn.Signature()); !errors.Is(err, jitffi.ErrClosed) {
		t.Errorf("BindDynamic after Close: %v, want ErrClosed", err)
	}
}

// TestZeroValuesPanicClearly uses the zero Frame, Dynamic and Func: each must panic
// with a message saying what was zero, not with a nil dereference.
func TestZeroValuesPanicClearly(t *testing.T) {
	var f jitffi.Frame
	var d jitffi.Dynamic
	var fn jitffi.Func2[int32, int32, int32]
	for name, c := range map[string]struct {
		call func()
		want string
	}{
		"Frame.Arg":           {func() { f.Arg(0) }, "zero Frame"},
		"Frame.Result":        {func() { f.Result() }, "zero Frame"},
		"nil Frame.Arg":       {func() { (*jitffi.Frame)(nil).Arg(0) }, "zero Frame"},
		"Dynamic.Call":        {func() { d.Call(&f) }, "zero Dynamic"},
		"Dynamic.CallErrno":   {func() { d.CallErrno(nil) }, "zero Dynamic"},
		"Dynamic.NewFrame":    {func() { d.NewFrame() }, "zero Dynamic"},
		"Dynamic.Signature":   {func() { d.Signature() }, "zero Dynamic"},
		"Dynamic.Plan":        {func() { d.Plan() }, "zero Dynamic"},
		"nil Dynamic.Call":    {func() { (*jitffi.Dynamic)(nil).Call(nil) }, "zero Dynamic"},
		"Func2.Call":          {func() { fn.Call(1, 2) }, "zero Func"},
		"Func2.NoEscape.Call": {func() { fn.NoEscape().CallErrno(1, 2) }, "zero Func"},
	} {
		if msg := panicMessage(c.call); !strings.Contains(msg, c.want) {
			t.Errorf("%s: panic %q, want one about a %s", name, msg, c.want)
		}
	}
}

// TestBindRefusesWrappedSizes binds signatures whose sizes wrapped around: a result of
// size -16 cancelled a 16-byte argument in the stack check, so the bind succeeded and the
// stub copied the argument from a frame too small for it. Also refused up front now:
// Go types beyond 2 GiB.
func TestBindRefusesWrappedSizes(t *testing.T) {
	libc := openLib(t, libcName)
	addr := must(libc.Lookup("abs"))
	wrapped := abi.StructOf(abi.Field{Name: "a", Type: abi.ArrayOf(abi.Scalar(abi.Int64), 1<<61-2)})
	arg := must(abi.ParseType("struct{char c[16];}"))
	sig := &abi.Signature{Result: wrapped, Params: []*abi.Type{arg}, Fixed: -1}
	if _, err := jitffi.BindDynamicAt(addr, sig); !errors.Is(err, jitffi.ErrTooLarge) || !errors.Is(err, abi.ErrTooLarge) {
		t.Errorf("a result of 2^64-16 bytes: %v, want ErrTooLarge", err)
	}
	if err := jitffi.CheckSignature(sig); !errors.Is(err, jitffi.ErrTooLarge) {
		t.Errorf("CheckSignature of it: %v, want ErrTooLarge", err)
	}
	type over2GiB struct{ B [1 << 32]byte }
	var huge func(*over2GiB, over2GiB) int32 // never called
	if err := jitffi.BindFuncAt(addr, &huge); !errors.Is(err, jitffi.ErrTooLarge) || !errors.Is(err, abi.ErrTooLarge) {
		t.Errorf("a 4 GiB Go struct: %v, want abi's and jitffi's ErrTooLarge", err)
	}
	loop := *abi.ArrayOf(abi.StructOf(), 1)
	loop.Elem = &loop
	self := &abi.Signature{Result: abi.Scalar(abi.Int32), Params: []*abi.Type{abi.StructOf(abi.Field{Name: "x", Type: &loop})}, Fixed: -1}
	if _, err := jitffi.BindDynamicAt(addr, self); !errors.Is(err, abi.ErrTooDeep) {
		t.Errorf("a type that contains itself: %v, want ErrTooDeep", err)
	}
	if err := jitffi.CheckSignature(must(abi.ParseSignature("int32_t (int32_t)"))); err != nil {
		t.Errorf("CheckSignature(int32_t (int32_t)): %v", err)
	}
	if err := jitffi.CheckSignature(must(abi.ParseSignature("int32_t (struct{char c[70000];})"))); !errors.Is(err, jitffi.ErrTooLarge) {
		t.Errorf("CheckSignature of a 70000-byte argument: %v, want ErrTooLarge", err)
	}
}

//go:build cgo || windows || (linux && (amd64 || arm64))

package jitffi_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

// TestFastRefusedWhenRuntimeCheckFails makes the fast door's runtime check fail, as it
// would on a Go release whose runtime no longer offers what Fast calls rely on: every way of
// asking for Fast must fail at bind time with ErrFastUnavailable and a message saying why and
// what to do, while the same binds without Fast still work and call correctly.
func TestFastRefusedWhenRuntimeCheckFails(t *testing.T) {
	libc := openLib(t, libcName)
	addr, err := libc.Lookup("abs")
	if err != nil {
		t.Fatal(err)
	}
	const detail = "asm: injected: runtime.asmcgocall ran the probe on the goroutine stack"
	restore := jitffi.SetFastDoorCheck(func() error { return fmt.Errorf("%s: %w", detail, jitffi.ErrFastUnavailable) })
	defer restore()

	sig, err := abi.ParseSignature("int (int)")
	if err != nil {
		t.Fatal(err)
	}
	var fastFunc func(int32) int32
	var fastAll struct {
		Abs jitffi.Func1[int32, int32] `c:"abs,fast"`
	}
	fastBinds := map[string]func() error{
		"Bind1": func() error {
			_, err := jitffi.Bind1[int32, int32](libc, "abs", jitffi.Fast())
			return err
		},
		"Bind1At": func() error {
			_, err := jitffi.Bind1At[int32, int32](addr, jitffi.Fast())
			return err
		},
		"BindDynamic": func() error {
			_, err := jitffi.BindDynamic(libc, "abs", sig, jitffi.Fast())
			return err
		},
		"BindFunc":       func() error { return jitffi.BindFunc(libc, "abs", &fastFunc, jitffi.Fast()) },
		"BindAll tagged": func() error { return jitffi.BindAll(libc, &fastAll) },
		"BindAll option": func() error {
			var v struct {
				Abs jitffi.Func1[int32, int32] `c:"abs"`
			}
			return jitffi.BindAll(libc, &v, jitffi.Fast())
		},
	}
	for name, bind := range fastBinds {
		err := bind()
		if !errors.Is(err, jitffi.ErrFastUnavailable) {
			t.Errorf("%s with Fast: err = %v, want ErrFastUnavailable", name, err)
			continue
		}
		for _, want := range []string{"Fast on " + runtime.Version(), detail, "bind without Fast"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s with Fast: %q does not say %q", name, err, want)
			}
		}
	}
	if fastFunc != nil || fastAll.Abs != (jitffi.Func1[int32, int32]{}) {
		t.Errorf("a refused Fast bind stored a binding")
	}

	const in, want = -42, 42
	abs, err := jitffi.Bind1[int32, int32](libc, "abs")
	if err != nil {
		t.Fatalf("Bind1 without Fast: %v", err)
	}
	if got := abs.Call(in); got != want {
		t.Errorf("Bind1 without Fast: abs(%d) = %d, want %d", in, got, want)
	}
	dyn, err := jitffi.BindDynamic(libc, "abs", sig)
	if err != nil {
		t.Fatalf("BindDynamic without Fast: %v", err)
	}
	fr := dyn.NewFrame()
	fr.SetInt(0, in)
	dyn.Call(fr)
	if got := fr.ResultInt(); got != want {
		t.Errorf("BindDynamic without Fast: abs(%d) = %d, want %d", in, got, want)
	}
	var plain func(int32) int32
	if err := jitffi.BindFunc(libc, "abs", &plain); err != nil {
		t.Fatalf("BindFunc without Fast: %v", err)
	}
	if got := plain(in); got != want {
		t.Errorf("BindFunc without Fast: abs(%d) = %d, want %d", in, got, want)
	}

	restore()
	fast, err := jitffi.Bind1[int32, int32](libc, "abs", jitffi.Fast())
	if err != nil {
		t.Fatalf("Bind1 with Fast once the check is restored: %v", err)
	}
	if got := fast.Call(in); got != want {
		t.Errorf("Fast abs(%d) = %d, want %d", in, got, want)
	}
}

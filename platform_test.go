package jitffi_test

import (
	"errors"
	"runtime"
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

// TestUnsupportedPlatform runs on every platform the module builds for (CI runs it as
// linux/386 too): where jitffi has no stubs, Open, OpenFirst, every bind and every
// callback constructor fail with ErrUnsupportedPlatform, the binds that take a Library
// even given the nil one a failed Open leaves; where it has stubs, none of them does.
func TestUnsupportedPlatform(t *testing.T) {
	platform := runtime.GOOS + "/" + runtime.GOARCH
	supported := map[string]bool{"linux/amd64": true, "linux/arm64": true, "windows/amd64": true}[platform]
	sig, err := abi.ParseSignature("int (int)")
	if err != nil {
		t.Fatal(err)
	}
	var fn func(int32) int32
	var all struct {
		Abs jitffi.Func1[int32, int32] `c:"abs"`
	}
	cases := map[string]func() error{
		"Open": func() error { return closeLib(jitffi.Open("")) },
		"OpenFirst": func() error {
			return closeLib(jitffi.OpenFirst([]string{""}))
		},
		"Bind0At": func() error {
			_, err := jitffi.Bind0At[int32](1)
			return err
		},
		"Bind1 of the nil Library": func() error {
			_, err := jitffi.Bind1[int32, int32](nil, "abs")
			return err
		},
		"BindDynamicAt": func() error {
			_, err := jitffi.BindDynamicAt(1, sig)
			return err
		},
		"BindDynamic of the nil Library": func() error {
			_, err := jitffi.BindDynamic(nil, "abs", sig)
			return err
		},
		"BindFuncAt":                  func() error { return jitffi.BindFuncAt(1, &fn) },
		"BindFunc of the nil Library": func() error { return jitffi.BindFunc(nil, "abs", &fn) },
		"BindAll of the nil Library":  func() error { return jitffi.BindAll(nil, &all) },
		"NewCallback0": func() error {
			return freeCallback(jitffi.NewCallback0(func() int32 { return 0 }))
		},
		"NewCallbackDynamic": func() error {
			return freeCallback(jitffi.NewCallbackDynamic(sig, func(*jitffi.Frame) {}))
		},
	}
	for name, run := range cases {
		err := run()
		if got := errors.Is(err, jitffi.ErrUnsupportedPlatform); got == supported {
			t.Errorf("%s on %s: error %v; want ErrUnsupportedPlatform: %v", name, platform, err, !supported)
		}
	}
}

// closeLib closes a library that opened and passes Open's error on.
func closeLib(lib *jitffi.Library, err error) error {
	if err == nil {
		lib.Close()
	}
	return err
}

// freeCallback frees a callback that was made and passes its constructor's error on.
func freeCallback(cb *jitffi.Callback, err error) error {
	if err == nil {
		cb.Free()
	}
	return err
}

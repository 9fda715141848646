package jitffi_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

// TestCheckCallbackSignature checks a few signatures and options without making a
// callback, for every convention: on any host, as CheckCallbackSignature needs no C
// runtime.
func TestCheckCallbackSignature(t *testing.T) {
	cases := []struct {
		sig  string
		opts []jitffi.Option
		want error // nil: accepted
	}{
		{"int32_t (void*, void*)", nil, nil},
		{"double (struct { float x, y; }, int8_t, uint16_t)", nil, nil},
		{"int64_t (struct { char b[65000]; })", nil, nil}, // large, but within MaxStackBytes
		{"int32_t (char*, ...)", nil, jitffi.ErrBadVariadic},
		{"int32_t (char*, int32_t)", []jitffi.Option{jitffi.Variadic(1)}, jitffi.ErrBadVariadic},
		{"int32_t (void*, void*)", []jitffi.Option{jitffi.Fast()}, jitffi.ErrBadOption},
		{"int64_t (struct { char b[70000]; })", nil, jitffi.ErrTooLarge},
		{"struct { char b[70000]; } (void)", nil, jitffi.ErrTooLarge},
		// A call would fit the system stack, the callback's frame does not (checked as a
		// callback's frame under System V and AAPCS64, where the struct goes on the stack
		// or is copied; as the call under Win64, with its shadow space).
		{"int64_t (int64_t, struct { char b[65504]; })", nil, jitffi.ErrTooLarge},
	}
	for _, c := range cases {
		sig, err := abi.ParseSignature(c.sig)
		if err != nil {
			t.Fatalf("%s: %v", c.sig, err)
		}
		for _, conv := range []abi.ABI{abi.SysV, abi.Win64, abi.AAPCS64} {
			err := jitffi.CheckCallbackSignature(sig, append([]jitffi.Option{jitffi.WithABI(conv)}, c.opts...)...)
			switch {
			case c.want == nil && err != nil:
				t.Errorf("%s under %v: %v, want it accepted", c.sig, conv, err)
			case c.want != nil && !errors.Is(err, c.want):
				t.Errorf("%s under %v: %v, want an error wrapping %v", c.sig, conv, err, c.want)
			}
		}
	}
	sig, err := abi.ParseSignature("int64_t (int64_t, struct { char b[65504]; })")
	if err != nil {
		t.Fatal(err)
	}
	if err := jitffi.CheckCallbackSignature(sig, jitffi.WithABI(abi.SysV)); err == nil || !strings.Contains(err.Error(), "its frame of arguments and result needs 65544 bytes of C stack") {
		t.Errorf("the frame that only a callback cannot have: %v, want the callback frame's own error", err)
	}
	if err := jitffi.CheckCallbackSignature(nil); !errors.Is(err, jitffi.ErrUnsupportedType) {
		t.Errorf("a nil signature: %v, want an error wrapping %v", err, jitffi.ErrUnsupportedType)
	}
}

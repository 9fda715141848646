//go:build cgo || windows || (linux && (amd64 || arm64))

package jitffi_test

import (
	"errors"
	"syscall"
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

// TestBindRefusesWhatWouldCrash covers inputs that bound silently before and then crashed
// or misbehaved at call time.
func TestBindRefusesWhatWouldCrash(t *testing.T) {
	libc := openLib(t, libcName)
	addr := must(libc.Lookup("abs"))

	type huge struct{ B [1 << 20]byte }
	if _, err := jitffi.Bind1At[huge, int32](addr); !errors.Is(err, jitffi.ErrTooLarge) {
		t.Errorf("1 MiB struct by value: err = %v, want ErrTooLarge", err)
	}
	if _, err := jitffi.Bind0At[huge](addr); !errors.Is(err, jitffi.ErrTooLarge) {
		t.Errorf("1 MiB struct result: err = %v, want ErrTooLarge", err)
	}
	type fine struct{ B [4096]byte }
	if _, err := jitffi.Bind1At[fine, int32](addr); err != nil {
		t.Errorf("4 KiB struct by value: %v", err)
	}

	if _, err := jitffi.BindDynamicAt(addr, nil); err == nil {
		t.Error("BindDynamicAt with a nil signature succeeded")
	}
	sig := must(abi.ParseSignature("int32_t (int32_t, ..., double)"))
	if _, err := jitffi.BindDynamicAt(addr, sig, jitffi.Variadic(1)); !errors.Is(err, jitffi.ErrBadVariadic) {
		t.Errorf("BindDynamic with a Variadic option: err = %v, want ErrBadVariadic", err)
	}
	if _, err := jitffi.Bind1At[int32, int32](addr, nil); err != nil {
		t.Errorf("a nil Option: %v", err)
	}
	var nilLib *jitffi.Library
	if err := nilLib.Close(); !errors.Is(err, jitffi.ErrNilLibrary) {
		t.Errorf("closing a nil library: err = %v", err)
	}
	var loneErrno func(int32) syscall.Errno
	if err := jitffi.BindFuncAt(addr, &loneErrno); !errors.Is(err, jitffi.ErrUnsupportedType) {
		t.Errorf("BindFunc with a lone syscall.Errno result: err = %v, want ErrUnsupportedType", err)
	}
	var voidErrno func(int32) (jitffi.Void, syscall.Errno)
	if err := jitffi.BindFuncAt(addr, &voidErrno); err != nil {
		t.Errorf("BindFunc with (Void, syscall.Errno): %v", err)
	}
	literal := &abi.Signature{Result: abi.Scalar(abi.Float32), Params: []*abi.Type{abi.Scalar(abi.Float32)}}
	if _, err := jitffi.BindDynamicAt(addr, literal); err == nil {
		t.Error("a Signature literal without Fixed (so 'variadic, no fixed parameter') was bound")
	}
}

// TestDynamicKeepsItsSignature checks that changing a signature after binding it changes
// nothing about the binding: frames keep the sizes the stub was compiled for.
func TestDynamicKeepsItsSignature(t *testing.T) {
	libc := openLib(t, libcName)
	sig := must(abi.ParseSignature("int32_t (int32_t)"))
	d := must(jitffi.BindDynamic(libc, "abs", sig))
	sig.Params[0] = abi.ArrayOf(abi.Scalar(abi.Uint8), 100000)
	sig.Result = abi.Scalar(abi.Int64)
	fr := d.NewFrame()
	if n := len(fr.Arg(0)); n != 4 {
		t.Fatalf("after the caller changed its signature, Arg(0) has %d bytes, want 4", n)
	}
	if n := len(fr.Result()); n != 4 {
		t.Fatalf("after the caller changed its signature, Result has %d bytes, want 4", n)
	}
	d.Signature().Params[0] = abi.Scalar(abi.Int8)
	if got := d.Signature().Params[0]; got.Kind != abi.Int32 {
		t.Fatalf("changing Signature()'s result changed the binding's signature to %v", got)
	}
}

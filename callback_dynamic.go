package jitffi

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/jit"
)

// dynamicCallback describes the frames of a dynamic callback.
type dynamicCallback struct {
	sig    *abi.Signature
	layout jit.Layout
}

// NewCallbackDynamic returns a C function pointer of the signature sig, known only at run
// time (from abi.ParseSignature, say), that calls fn with a Frame of the C call: fn reads
// the arguments' bytes with Arg and writes the result's with Result. The Frame is valid
// only until fn returns. The option is WithABI; a variadic sig, Fast and Variadic are
// refused. Each call allocates the Frame; the typed family allocates nothing.
func NewCallbackDynamic(sig *abi.Signature, fn func(*Frame), opts ...Option) (*Callback, error) {
	if fn == nil {
		return nil, fmt.Errorf("jitffi: new callback: nil func: %w", ErrUnsupportedType)
	}
	stub, sig, sigID, err := upcallStub(sig, newBindConfig(opts))
	if err != nil {
		return nil, err
	}
	dc := &dynamicCallback{sig: sig, layout: stub.Layout}
	invoke := func(frame unsafe.Pointer) {
		f := &Frame{upcall: frame, cb: dc}
		// A result nobody writes must not hand C whatever the stack held.
		clear(bytesAt(frame, dc.layout.Result, dc.sig.Result.Size()))
		fn(f)
		f.upcall = nil
	}
	return registerCallback(stub, sig, sigID, reflect.ValueOf(fn).Pointer(), invoke)
}

// NewCallbackFunc returns a C function pointer that calls fn, a func of any type whose
// parameters and result follow Bind's type rules (no result for a C void function). It is
// a convenience built on reflection: each call costs a few hundred nanoseconds and a few
// allocations more than the typed family's (NewCallback0..NewCallback16).
func NewCallbackFunc(fn any, opts ...Option) (*Callback, error) {
	v := reflect.ValueOf(fn)
	if !v.IsValid() || v.Kind() != reflect.Func || v.IsNil() {
		return nil, fmt.Errorf("jitffi: new callback: got %T, want a non-nil func: %w", fn, ErrNotFunc)
	}
	ft := v.Type()
	if ft.IsVariadic() {
		return nil, fmt.Errorf("jitffi: new callback: %v: a Go variadic func cannot be a C callback: %w", ft, ErrBadVariadic)
	}
	result := voidType
	switch ft.NumOut() {
	case 0:
	case 1:
		result = ft.Out(0)
	default:
		return nil, fmt.Errorf("jitffi: new callback: %v: a C function returns at most one value: %w", ft, ErrUnsupportedType)
	}
	params := make([]goType, ft.NumIn())
	for i := range params {
		params[i] = ft.In(i)
	}
	var layout jit.Layout
	invoke := func(frame unsafe.Pointer) {
		args := make([]reflect.Value, len(params))
		for i, t := range params {
			args[i] = reflect.NewAt(t, unsafe.Add(frame, layout.Args[i])).Elem()
		}
		out := v.Call(args)
		if len(out) == 1 {
			reflect.NewAt(result, unsafe.Add(frame, layout.Result)).Elem().Set(out[0])
		}
	}
	if err := refuseCallbackTypes(params, result); err != nil {
		return nil, err
	}
	sig, cfg, err := signatureOf(params, result, opts)
	if err != nil {
		return nil, err
	}
	stub, sig, sigID, err := upcallStub(sig, cfg)
	if err != nil {
		return nil, err
	}
	layout = stub.Layout
	return registerCallback(stub, sig, sigID, v.Pointer(), invoke)
}

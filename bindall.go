package jitffi

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/jitffi/jitffi/jit"
)

// BindAll binds every field of the struct that ptr points to whose tag names a C symbol,
// in one go:
//
//	var z struct {
//		Crc32    jitffi.Func3[jitffi.ULong, *byte, jitffi.UInt, jitffi.ULong] `c:"crc32,fast"`
//		Compress jitffi.Func4[*byte, *jitffi.ULong, *byte, jitffi.ULong, jitffi.Int] `c:"compress"`
//		Printf   func(string, int32) int32                                            `c:"printf,variadic=1"`
//		Trace    jitffi.Func2[*byte, *jitffi.Callback, jitffi.Int]                     `c:"my_trace,optional"`
//	}
//	err := jitffi.BindAll(libz, &z)
//
// A field is a typed binding (Func0..Func16) or a func (bound as BindFunc binds it). Its
// tag is `c:"symbol[,option...]"`, the options being fast (Fast), variadic=N (Variadic(N))
// and optional: an optional field whose symbol is missing is left zero instead of failing.
// Fields without a c tag are left alone. opts apply to every field (WithABI, say).
//
// Every field is checked before anything is compiled, and the error lists every missing
// symbol and every unsupported type at once (each wrapped, so errors.Is finds
// ErrSymbolNotFound, ErrUnsupportedType and the rest). When there is an error no field is
// set. The stubs of all fields are then compiled as one batch (one pass over the stub
// cache, one write into the code arena), and a field whose signature was bound before
// costs a cache look-up.
//
// That saves no measurable time: each new signature still costs its own classification
// and assembly, and a func field its own frame type and reflect.MakeFunc, as in a separate
// bind. Measured (BenchmarkBind/BindAll-100 and BindFunc-100 in bench/, the README's
// "Performance"): 100 func fields of new signatures took 4.20 ms through one BindAll and
// 4.24 ms through 100 BindFunc calls (5.4 and 5.7 ms of CPU, the collector's included),
// with as many allocations and as much executable memory per function either way.
// BindAll is for the single error and the optional fields, not for speed.
func BindAll(lib *Library, ptr any, opts ...Option) error {
	v := reflect.ValueOf(ptr)
	if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("jitffi: BindAll: got %T, want a pointer to a struct of bindings: %w", ptr, ErrNotFunc)
	}
	if err := checkRuntime(); err != nil {
		return err
	}
	if lib == nil || lib.l == nil {
		return fmt.Errorf("jitffi: BindAll: %w", ErrNilLibrary)
	}
	sv := v.Elem()
	var fields []*fieldBinding
	var errs []error
	tagged := 0
	for i := 0; i < sv.NumField(); i++ {
		sf := sv.Type().Field(i)
		tag, ok := sf.Tag.Lookup("c")
		if !ok {
			continue
		}
		tagged++
		f, err := prepareField(lib, sf, sv.Field(i), tag, opts)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("field %s: %w", sf.Name, err))
		case f != nil:
			fields = append(fields, f)
		}
	}
	if len(errs) > 0 {
		return bindAllError(sv.Type(), errs)
	}
	if tagged == 0 {
		return fmt.Errorf("jitffi: BindAll: no field of %v has a c tag naming its symbol: %w", sv.Type(), ErrNotFunc)
	}
	var reqs []jit.Request
	for _, f := range fields {
		reqs = append(reqs, f.pending.request())
	}
	stubs, err := jit.CompileAll(reqs)
	if err != nil {
		return fmt.Errorf("jitffi: BindAll %v: %w", sv.Type(), err)
	}
	bindings := make([]*binding, len(fields))
	for k, f := range fields {
		if bindings[k], err = f.pending.finish(stubs[k]); err != nil {
			errs = append(errs, fmt.Errorf("field %s: %w", f.name, err))
		}
	}
	if len(errs) > 0 {
		return bindAllError(sv.Type(), errs)
	}
	for k, f := range fields {
		if err := f.set(bindings[k]); err != nil {
			errs = append(errs, fmt.Errorf("field %s: %w", f.name, err))
		}
	}
	if len(errs) > 0 {
		return bindAllError(sv.Type(), errs)
	}
	return nil
}

func bindAllError(t reflect.Type, errs []error) error {
	var b strings.Builder
	fmt.Fprintf(&b, "jitffi: BindAll %v: %d problem", t, len(errs))
	if len(errs) > 1 {
		b.WriteString("s")
	}
	for _, e := range errs {
		b.WriteString("\n\t")
		b.WriteString(strings.ReplaceAll(strings.TrimPrefix(e.Error(), "jitffi: "), ": jitffi: ", ": "))
	}
	return &joinedError{msg: b.String(), errs: errs}
}

// joinedError is errors.Join with a message of its own.
type joinedError struct {
	msg  string
	errs []error
}

func (e *joinedError) Error() string   { return e.msg }
func (e *joinedError) Unwrap() []error { return e.errs }

// A fieldBinding is one field of BindAll's struct, ready for its stubs.
type fieldBinding struct {
	name    string
	pending *pendingBinding
	set     func(*binding) error
}

// bindingPtrType is the type of the field every FuncN struct holds: the family is
// recognised by that shape and its package.
var bindingPtrType = reflect.TypeFor[*binding]()

// prepareField parses a field's tag, looks its symbol up and makes its bind's checks. It
// returns nil and no error for an optional field whose symbol is missing.
func prepareField(lib *Library, sf reflect.StructField, fv reflect.Value, tag string, opts []Option) (*fieldBinding, error) {
	parts := strings.Split(tag, ",")
	symbol := parts[0]
	if symbol == "" {
		return nil, fmt.Errorf("tag %q names no symbol: %w", tag, ErrBadOption)
	}
	optional := false
	fieldOpts := append([]Option(nil), opts...)
	for _, o := range parts[1:] {
		switch {
		case o == "fast":
			fieldOpts = append(fieldOpts, Fast())
		case o == "optional":
			optional = true
		case strings.HasPrefix(o, "variadic="):
			n, err := strconv.Atoi(strings.TrimPrefix(o, "variadic="))
			if err != nil {
				return nil, fmt.Errorf("tag option %q: %w", o, ErrBadVariadic)
			}
			fieldOpts = append(fieldOpts, Variadic(n))
		default:
			return nil, fmt.Errorf("unknown tag option %q (want fast, optional or variadic=N): %w", o, ErrBadOption)
		}
	}
	params, result, set, err := fieldShape(sf, fv)
	if err != nil {
		return nil, err
	}
	addr, o, err := lib.lookupFunc(symbol)
	if err != nil {
		if optional && errors.Is(err, ErrSymbolNotFound) {
			return nil, nil
		}
		return nil, fmt.Errorf("symbol %q: %w", symbol, err)
	}
	sig, cfg, err := signatureOf(params, result, fieldOpts)
	if err != nil {
		return nil, fmt.Errorf("symbol %q: %w", symbol, err)
	}
	cfg.goArgs(params, result)
	p, err := preparePending(o, addr, sig, cfg)
	if err != nil {
		return nil, fmt.Errorf("symbol %q: %w", symbol, err)
	}
	return &fieldBinding{name: sf.Name, pending: p, set: func(b *binding) error {
		b.conv = conversionsOf(params, result, b.layout)
		return set(b.seal())
	}}, nil
}

// fieldShape returns the Go parameter and result types of a field, whether a func field
// ends in a syscall.Errno result, and how to store the finished binding in it.
func fieldShape(sf reflect.StructField, fv reflect.Value) (params []goType, result goType, set func(*binding) error, err error) {
	t := sf.Type
	if !sf.IsExported() {
		return nil, nil, nil, fmt.Errorf("unexported field: BindAll sets exported fields only: %w", ErrNotFunc)
	}
	switch {
	case t.Kind() == reflect.Struct && t.PkgPath() == bindingPkg && t.NumField() == 1 && t.Field(0).Type == bindingPtrType && strings.HasPrefix(t.Name(), "Func"):
		call, _ := reflect.PointerTo(t).MethodByName("Call")
		ct := call.Type // func(*FuncN[...], A1, ..., An) R
		for i := 1; i < ct.NumIn(); i++ {
			params = append(params, ct.In(i))
		}
		result = ct.Out(0)
		set = func(b *binding) error {
			// The frame the generic Call lays out must be the one the stub reads.
			if _, err := reflectFrameType(params, result, b); err != nil {
				return err
			}
			*(**binding)(fv.Addr().UnsafePointer()) = b
			return nil
		}
		return params, result, set, nil
	case t.Kind() == reflect.Func:
		if t.IsVariadic() {
			return nil, nil, nil, fmt.Errorf("%v: Go variadic funcs cannot be bound; use variadic=N with explicit parameters: %w", t, ErrUnsupportedType)
		}
		result, withErrno, err := funcResult(t)
		if err != nil {
			return nil, nil, nil, err
		}
		for i := 0; i < t.NumIn(); i++ {
			params = append(params, t.In(i))
		}
		set = func(b *binding) error { return makeFunc(fv, t, params, result, withErrno, b) }
		return params, result, set, nil
	}
	return nil, nil, nil, fmt.Errorf("type %v: a bound field is a jitffi.Func0..Func16 or a func: %w", t, ErrUnsupportedType)
}

// bindingPkg is this package's import path, which the FuncN types carry.
var bindingPkg = reflect.TypeFor[binding]().PkgPath()

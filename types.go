package jitffi

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/jitffi/jitffi/abi"
)

// Void is the result type of a binding to a C function that returns void.
type Void struct{}

var voidType = reflect.TypeFor[Void]()

// callbackPtrType is *Callback: a binding's parameter of this type passes the callback's
// C function pointer.
var callbackPtrType = reflect.TypeFor[*Callback]()

func typeFor[T any]() reflect.Type { return reflect.TypeFor[T]() }

// goType is the Go type of a parameter or result, as reflection sees it at bind time.
type goType = reflect.Type

// cParamType maps the Go type of parameter i to its C type.
func cParamType(t reflect.Type, i int) (*abi.Type, error) {
	if t == voidType {
		return nil, fmt.Errorf("jitffi: parameter %d: Void is only a result type: %w", i, ErrUnsupportedType)
	}
	switch t.Kind() {
	case reflect.Array:
		return nil, fmt.Errorf("jitffi: parameter %d: Go type %v: C passes arrays as pointers; pass a slice, a pointer to the first element, or wrap the array in a struct: %w", i, t, ErrUnsupportedType)
	case reflect.String:
		// A NUL-terminated copy, valid for the call (see conversions).
		return abi.Scalar(abi.Pointer), nil
	case reflect.Slice:
		// A pointer to the first element, NULL when empty; the elements must be C values.
		if _, err := cType(t.Elem(), fmt.Sprintf("parameter %d's element", i), t); err != nil {
			return nil, err
		}
		return abi.Scalar(abi.Pointer), nil
	}
	return cType(t, fmt.Sprintf("parameter %d", i), t)
}

// cResultType maps a result's Go type to its C type.
func cResultType(t reflect.Type) (*abi.Type, error) {
	if t == voidType {
		return abi.Scalar(abi.Void), nil
	}
	if t.Kind() == reflect.Array {
		return nil, fmt.Errorf("jitffi: result: Go type %v: a C function cannot return an array; wrap it in a struct: %w", t, ErrUnsupportedType)
	}
	if t == callbackPtrType {
		return nil, fmt.Errorf("jitffi: result: a C function returns a function pointer, not a *Callback: use uintptr or unsafe.Pointer: %w", ErrUnsupportedType)
	}
	if t.Kind() == reflect.String {
		// A char* result, copied into a Go string after the call (NULL gives "").
		return abi.Scalar(abi.Pointer), nil
	}
	return cType(t, "result", t)
}

var scalarKinds = map[reflect.Kind]abi.Kind{
	reflect.Bool: abi.Bool, reflect.Int8: abi.Int8, reflect.Int16: abi.Int16, reflect.Int32: abi.Int32,
	reflect.Int64: abi.Int64, reflect.Int: abi.Int64, reflect.Uint8: abi.Uint8, reflect.Uint16: abi.Uint16,
	reflect.Uint32: abi.Uint32, reflect.Uint64: abi.Uint64, reflect.Uint: abi.Uint64, reflect.Uintptr: abi.Uint64,
	reflect.Float32: abi.Float32, reflect.Float64: abi.Float64,
	reflect.Pointer: abi.Pointer, reflect.UnsafePointer: abi.Pointer,
}

// cType maps t, found at path within the top-level type top, to a C type with the same
// layout, or explains why there is none.
func cType(t reflect.Type, path string, top reflect.Type) (*abi.Type, error) {
	if t == callbackPtrType && t != top {
		return nil, fmt.Errorf("jitffi: %s (in %v): a *Callback is passed as a function pointer only as a parameter of its own; store its Addr() in a uintptr field instead: %w", path, top, ErrUnsupportedType)
	}
	if k, ok := scalarKinds[t.Kind()]; ok {
		return abi.Scalar(k), nil
	}
	switch t.Kind() {
	case reflect.Array:
		elem, err := cType(t.Elem(), path+"[]", top)
		if err != nil {
			return nil, err
		}
		c := abi.ArrayOf(elem, t.Len())
		return c, beyondLimits(c, path, t)
	case reflect.Struct:
		return cStruct(t, path, top)
	}
	what := path
	if t != top {
		what = fmt.Sprintf("%s (in %v)", path, top)
	}
	return nil, fmt.Errorf("jitffi: %s has Go type %v (%v), which has no C equivalent: %w", what, t, t.Kind(), ErrUnsupportedType)
}

// beyondLimits returns an error if the C type c made for the Go type t breaks a limit of
// package abi's type model (a Go array of 2^32 bytes, say), and nil otherwise.
func beyondLimits(c *abi.Type, path string, t reflect.Type) error {
	err := abi.CheckType(c)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, abi.ErrTooLarge):
		return fmt.Errorf("jitffi: %s: Go type %v: %w: %w", path, t, err, ErrTooLarge)
	}
	return fmt.Errorf("jitffi: %s: Go type %v: %w: %w", path, t, err, ErrUnsupportedType)
}

func cStruct(t reflect.Type, path string, top reflect.Type) (*abi.Type, error) {
	fields := make([]abi.Field, t.NumField())
	for i := range fields {
		f := t.Field(i)
		ft, err := cType(f.Type, path+" field "+f.Name, top)
		if err != nil {
			return nil, err
		}
		name := f.Name
		if name == "_" {
			name = ""
		}
		fields[i] = abi.Field{Name: name, Type: ft}
	}
	c := abi.StructOf(fields...)
	if err := beyondLimits(c, path, t); err != nil {
		return nil, err
	}
	for i, f := range c.Fields {
		if gf := t.Field(i); gf.Offset != uintptr(f.Offset) {
			return nil, fmt.Errorf("jitffi: %s field %s: Go puts it at offset %d, C at %d: %w", path, gf.Name, gf.Offset, f.Offset, ErrUnsupportedType)
		}
	}
	if t.Size() != uintptr(c.Size()) || t.Align() != c.Align() {
		return nil, fmt.Errorf("jitffi: %s: Go type %v has size %d align %d, the C struct size %d align %d (a trailing zero-size field adds Go padding): %w",
			path, t, t.Size(), t.Align(), c.Size(), c.Align(), ErrUnsupportedType)
	}
	return c, nil
}

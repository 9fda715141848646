package jitffi

import (
	"fmt"
	"reflect"
	"strconv"

	"github.com/jitffi/jitffi/asm"
)

var errnoType = reflect.TypeFor[Errno]()

// BindFunc binds symbol in lib to a Go function and stores it in *fptr, which must be a
// variable of func type:
//
//	var strtol func(s *byte, end **byte, base int32) (int64, syscall.Errno)
//	err := jitffi.BindFunc(libc, "strtol", &strtol)
//
// The func may return nothing (C void), one value, or one value followed by a
// syscall.Errno, which receives errno as read right after the call. Go variadic funcs are
// refused; bind a C variadic function with the Variadic option and explicit parameters.
//
// BindFunc is a convenience: it goes through reflect.MakeFunc, which costs a few hundred
// nanoseconds and a few allocations per call on top of the C call. The typed family
// (Bind0..Bind16) has no such cost.
func BindFunc(lib *Library, symbol string, fptr any, opts ...Option) error {
	if err := checkFuncPtr(fptr); err != nil {
		return fmt.Errorf("jitffi: bind %q: %w", symbol, err)
	}
	addr, o, err := lib.lookupFunc(symbol)
	if err != nil {
		return err
	}
	return bindFunc(o, addr, fptr, opts)
}

func checkFuncPtr(fptr any) error {
	v := reflect.ValueOf(fptr)
	if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() || v.Type().Elem().Kind() != reflect.Func {
		return fmt.Errorf("got %T: %w", fptr, ErrNotFunc)
	}
	return nil
}

// BindFuncAt is BindFunc for the C function at addr.
func BindFuncAt(addr uintptr, fptr any, opts ...Option) error {
	return bindFunc(atAddress(addr), addr, fptr, opts)
}

func bindFunc(o origin, addr uintptr, fptr any, opts []Option) error {
	if err := checkFuncPtr(fptr); err != nil {
		return fmt.Errorf("jitffi: bind %#x: %w", addr, err)
	}
	v := reflect.ValueOf(fptr).Elem()
	ft := v.Type()
	if ft.IsVariadic() {
		return fmt.Errorf("jitffi: %v: Go variadic funcs cannot be bound; use the Variadic option with explicit parameters: %w", ft, ErrUnsupportedType)
	}
	result, withErrno, err := funcResult(ft)
	if err != nil {
		return err
	}
	params := make([]goType, ft.NumIn())
	for i := range params {
		params[i] = ft.In(i)
	}
	sig, cfg, err := signatureOf(params, result, opts)
	if err != nil {
		return err
	}
	cfg.goArgs(params, result)
	b, err := bindSignature(o, addr, sig, cfg)
	if err != nil {
		return err
	}
	return makeFunc(v, ft, params, result, withErrno, b)
}

// makeFunc sets the func variable v, of type ft, to a func that calls through b.
func makeFunc(v reflect.Value, ft reflect.Type, params []goType, result goType, withErrno bool, b *binding) error {
	conv := conversionsOf(params, result, b.layout)
	frame, err := reflectFrameType(params, result, b)
	if err != nil {
		return err
	}
	v.Set(reflect.MakeFunc(ft, func(args []reflect.Value) []reflect.Value {
		fr := reflect.New(frame.t)
		h := (*asm.Header)(fr.UnsafePointer())
		h.Stub, h.Fn = b.stub, b.fn
		if withErrno {
			h.Stub = b.errnoStub()
		}
		for i, a := range args {
			fr.Elem().Field(frame.slots[i]).Set(a)
		}
		if conv != nil {
			conv.before(fr.UnsafePointer())
		}
		b.run(fr.UnsafePointer())
		if conv != nil {
			conv.after(fr.UnsafePointer())
		}
		var out []reflect.Value
		if ft.NumOut() > 0 {
			out = append(out, fr.Elem().Field(frame.slots[len(args)]))
		}
		if withErrno {
			out = append(out, reflect.ValueOf(Errno(uint32(h.Errno))))
		}
		return out
	}))
	return nil
}

// funcResult returns the C result's Go type of a func type and whether it ends in Errno.
func funcResult(ft reflect.Type) (goType, bool, error) {
	switch {
	case ft.NumOut() == 0:
		return voidType, false, nil
	case ft.NumOut() == 1 && ft.Out(0) == errnoType:
		return nil, false, fmt.Errorf("jitffi: %v: a lone syscall.Errno result is ambiguous; return (Void, syscall.Errno) to capture errno from a void function, or a uintptr for a C result: %w", ft, ErrUnsupportedType)
	case ft.NumOut() == 1:
		return ft.Out(0), false, nil
	case ft.NumOut() == 2 && ft.Out(1) == errnoType:
		return ft.Out(0), true, nil
	}
	return nil, false, fmt.Errorf("jitffi: %v: a bound func returns nothing, one value, or one value and a syscall.Errno: %w", ft, ErrUnsupportedType)
}

// A reflectFrame is the Go struct type of a call frame for a func bound through
// reflection, so that the frame is typed memory the garbage collector scans.
type reflectFrame struct {
	t reflect.Type
	// slots holds the field index of each parameter's value, then the result's.
	slots []int
}

// reflectFrameType builds the frame type of the given types and checks it against the
// stub's layout. Each slot starts on an 8-byte boundary and takes a multiple of 8 bytes
// (at least 8), as jit.LayoutOf lays slots out; explicit padding fields make that one
// flat struct, so binding costs one reflect.StructOf instead of one per slot.
func reflectFrameType(params []goType, result goType, b *binding) (reflectFrame, error) {
	types := append(params[:len(params):len(params)], result)
	fields := make([]reflect.StructField, 0, 1+2*len(types))
	fields = append(fields, reflect.StructField{Name: "Header", Type: reflect.TypeFor[asm.Header]()})
	slots := make([]int, len(types))
	for i, t := range types {
		slots[i] = len(fields)
		fields = append(fields, reflect.StructField{Name: "S" + strconv.Itoa(i), Type: t})
		if pad := (8 - t.Size()%8) % 8; pad != 0 || t.Size() == 0 {
			if t.Size() == 0 {
				pad = 8
			}
			fields = append(fields, reflect.StructField{Name: "P" + strconv.Itoa(i), Type: reflect.ArrayOf(int(pad), byteType)})
		}
	}
	ft := reflect.StructOf(fields)
	for i, off := range append(b.layout.Args[:len(b.layout.Args):len(b.layout.Args)], b.layout.Result) {
		if got := int(ft.Field(slots[i]).Offset); got != off {
			return reflectFrame{}, fmt.Errorf("jitffi: internal error: reflect frame slot %d at %d, stub expects %d", i, got, off)
		}
	}
	return reflectFrame{t: ft, slots: slots}, nil
}

var byteType = reflect.TypeFor[byte]()

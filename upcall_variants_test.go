//go:build cgo || windows || (linux && (amd64 || arm64))

package jitffi_test

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// The upcall oracle's callbacks beyond the dynamic one (see upcallCase): reflective ones
// for every case Go types can spell, and typed ones for a selection of System V cases.

// reflectUpcall makes callbacks of the Go func type ft with NewCallbackFunc, whose values
// it turns into bytes and back through their memory.
func reflectUpcall(ft reflect.Type) upcallMaker {
	return func(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error) {
		fn := reflect.MakeFunc(ft, func(in []reflect.Value) []reflect.Value {
			rec.calls++
			rec.received = make([][]byte, len(in))
			for i, v := range in {
				p := reflect.New(v.Type())
				p.Elem().Set(v)
				rec.received[i] = bytes.Clone(unsafe.Slice((*byte)(p.UnsafePointer()), v.Type().Size()))
			}
			if ft.NumOut() == 0 {
				return nil
			}
			p := reflect.New(ft.Out(0))
			copy(unsafe.Slice((*byte)(p.UnsafePointer()), ft.Out(0).Size()), rec.result)
			return []reflect.Value{p.Elem()}
		})
		return jitffi.NewCallbackFunc(fn.Interface(), opts...)
	}
}

// goFuncType returns a Go func type whose parameters and result have exactly the layout of
// sig's C types, if Go can spell them all: no unions, no packed or over-aligned structs,
// no struct that Go would pad differently (an empty member at the end). Pointers become
// uintptr, the same bytes in the same registers, so that the arbitrary addresses the C
// callers pass never reach the garbage collector.
func goFuncType(sig *abi.Signature) (reflect.Type, bool) {
	in := make([]reflect.Type, len(sig.Params))
	for i, p := range sig.Params {
		t, ok := goTypeOf(p)
		if !ok || t.Kind() == reflect.Array {
			return nil, false
		}
		in[i] = t
	}
	var out []reflect.Type
	if sig.Result.Kind != abi.Void {
		t, ok := goTypeOf(sig.Result)
		if !ok {
			return nil, false
		}
		out = append(out, t)
	}
	return reflect.FuncOf(in, out, false), true
}

var goScalars = map[abi.Kind]reflect.Type{
	abi.Bool: reflect.TypeFor[bool](), abi.Int8: reflect.TypeFor[int8](), abi.Int16: reflect.TypeFor[int16](),
	abi.Int32: reflect.TypeFor[int32](), abi.Int64: reflect.TypeFor[int64](), abi.Uint8: reflect.TypeFor[uint8](),
	abi.Uint16: reflect.TypeFor[uint16](), abi.Uint32: reflect.TypeFor[uint32](), abi.Uint64: reflect.TypeFor[uint64](),
	abi.Float32: reflect.TypeFor[float32](), abi.Float64: reflect.TypeFor[float64](), abi.Pointer: reflect.TypeFor[uintptr](),
}

func goTypeOf(t *abi.Type) (reflect.Type, bool) {
	if g, ok := goScalars[t.Kind]; ok {
		return g, true
	}
	switch {
	case t.Kind == abi.Array:
		elem, ok := goTypeOf(t.Elem)
		if !ok {
			return nil, false
		}
		return reflect.ArrayOf(t.Len, elem), true
	case t.Kind != abi.Struct || t.Packed || t.AlignAttr != 0:
		return nil, false
	}
	fields := make([]reflect.StructField, len(t.Fields))
	for i, f := range t.Fields {
		ft, ok := goTypeOf(f.Type)
		if !ok {
			return nil, false
		}
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: ft}
	}
	g := reflect.StructOf(fields)
	if g.Size() != uintptr(t.Size()) || g.Align() != t.Align() {
		return nil, false
	}
	for i, f := range t.Fields {
		if g.Field(i).Offset != uintptr(f.Offset) {
			return nil, false
		}
	}
	return g, true
}

// argBytes returns the bytes of v's memory.
func argBytes[T any](v T) []byte {
	return bytes.Clone(unsafe.Slice((*byte)(unsafe.Pointer(&v)), unsafe.Sizeof(v)))
}

// resultOf returns the value of type T whose memory holds b.
func resultOf[T any](b []byte) (v T) {
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&v)), unsafe.Sizeof(v)), b)
	return v
}

// Go spellings of some System V cases' C types, for typedUpcalls.
type (
	i64x3  struct{ A, B, C int64 }
	dblI64 struct {
		D float64
		I int64
	}
	i64Dbl struct {
		I int64
		D float64
	}
	float3 struct{ X, Y, Z float32 }
	i64x2  struct{ A, B int64 }
	p520   struct {
		A int8
		B int32
		C int16
		D float32
	}
	i16Dbl struct {
		A int16
		B float64
	}
	charDbl struct {
		C int8
		D float64
	}
	float4Arr struct{ F [4]float32 }
	points    struct {
		Pts [3]struct{ X, Y int16 }
		N   int8
	}
	empty struct{}
)

// typedUpcalls makes callbacks with the typed family for some System V cases, present in
// every upcall fixture, so that its frames (Go structs of the Go types) meet C too.
var typedUpcalls = map[string]upcallMaker{
	"sv_void_i32": func(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error) {
		return jitffi.NewCallback1(func(a int32) jitffi.Void {
			rec.calls++
			rec.received = [][]byte{argBytes(a)}
			return jitffi.Void{}
		}, opts...)
	},
	"sv_narrow_args": func(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error) {
		return jitffi.NewCallback6(func(a int8, b uint8, c int16, d uint16, e bool, f int8) int32 {
			rec.calls++
			rec.received = [][]byte{argBytes(a), argBytes(b), argBytes(c), argBytes(d), argBytes(e), argBytes(f)}
			return resultOf[int32](rec.result)
		}, opts...)
	},
	"sv_ret_bool": func(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error) {
		return jitffi.NewCallback1(func(a int32) bool {
			rec.calls++
			rec.received = [][]byte{argBytes(a)}
			return resultOf[bool](rec.result)
		}, opts...)
	},
	"sv_int_float_interleaved": func(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error) {
		return jitffi.NewCallback6(func(a float32, b int32, c float64, d int64, e float32, f int8) float64 {
			rec.calls++
			rec.received = [][]byte{argBytes(a), argBytes(b), argBytes(c), argBytes(d), argBytes(e), argBytes(f)}
			return resultOf[float64](rec.result)
		}, opts...)
	},
	"sv_int32_x16": func(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error) {
		return jitffi.NewCallback16(func(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15 int32) int32 {
			rec.calls++
			for _, a := range []int32{a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15} {
				rec.received = append(rec.received, argBytes(a))
			}
			return resultOf[int32](rec.result)
		}, opts...)
	},
	"sv_mem_24": func(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error) {
		return jitffi.NewCallback2(func(a i64x3, b int32) i64x3 {
			rec.calls++
			rec.received = [][]byte{argBytes(a), argBytes(b)}
			return resultOf[i64x3](rec.result)
		}, opts...)
	},
	"sv_merge_int_double": func(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error) {
		return jitffi.NewCallback2(func(a dblI64, b i64Dbl) i64Dbl {
			rec.calls++
			rec.received = [][]byte{argBytes(a), argBytes(b)}
			return resultOf[i64Dbl](rec.result)
		}, opts...)
	},
	"sv_float3": func(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error) {
		return jitffi.NewCallback2(func(a float3, b float32) float3 {
			rec.calls++
			rec.received = [][]byte{argBytes(a), argBytes(b)}
			return resultOf[float3](rec.result)
		}, opts...)
	},
	"sv_all_or_nothing_int": func(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error) {
		return jitffi.NewCallback7(func(a, b, c, d, e int64, f i64x2, g int64) int64 {
			rec.calls++
			rec.received = [][]byte{argBytes(a), argBytes(b), argBytes(c), argBytes(d), argBytes(e), argBytes(f), argBytes(g)}
			return resultOf[int64](rec.result)
		}, opts...)
	},
	"sv_p520_offsets": func(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error) {
		return jitffi.NewCallback2(func(a p520, b i16Dbl) p520 {
			rec.calls++
			rec.received = [][]byte{argBytes(a), argBytes(b)}
			return resultOf[p520](rec.result)
		}, opts...)
	},
	"sv_char_double": func(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error) {
		return jitffi.NewCallback2(func(a charDbl, b float64) charDbl {
			rec.calls++
			rec.received = [][]byte{argBytes(a), argBytes(b)}
			return resultOf[charDbl](rec.result)
		}, opts...)
	},
	"sv_p526_float4_ret": func(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error) {
		return jitffi.NewCallback0(func() float4Arr {
			rec.calls++
			return resultOf[float4Arr](rec.result)
		}, opts...)
	},
	"sv_nested_points": func(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error) {
		return jitffi.NewCallback2(func(a points, b int32) points {
			rec.calls++
			rec.received = [][]byte{argBytes(a), argBytes(b)}
			return resultOf[points](rec.result)
		}, opts...)
	},
	"sv_empty_args": func(c ctest.Case, rec *upcallRecord, opts []jitffi.Option) (*jitffi.Callback, error) {
		return jitffi.NewCallback5(func(a int32, b empty, c int32, d empty, e float64) int32 {
			rec.calls++
			rec.received = [][]byte{argBytes(a), argBytes(b), argBytes(c), argBytes(d), argBytes(e)}
			return resultOf[int32](rec.result)
		}, opts...)
	},
}

// TestUpcallVariantsCover checks that every typedUpcalls entry names a System V case, so
// that none is silently left out, and that Go types spell most of the catalogue, so that
// NewCallbackFunc meets as many shapes as the dynamic callbacks do.
func TestUpcallVariantsCover(t *testing.T) {
	names := map[string]ctest.Case{}
	for _, c := range upcallCases(t, ctest.SysVCases) {
		names[c.Name] = c
	}
	for name := range typedUpcalls {
		c, ok := names[name]
		if !ok {
			t.Errorf("typedUpcalls has %s, which is no fixed-signature System V case", name)
			continue
		}
		if _, ok := goFuncType(c.Sig); !ok {
			t.Errorf("%s: typed, but goFuncType cannot spell %v", name, c.Sig)
		}
	}
	all := upcallCases(t, append(append([]ctest.NamedSig(nil), ctest.Win64Cases...), ctest.SysVCases...))
	spelled := 0
	for _, c := range all {
		if _, ok := goFuncType(c.Sig); ok {
			spelled++
		}
	}
	if spelled < len(all)/2 {
		t.Errorf("Go types spell only %d of %d cases", spelled, len(all))
	}
	t.Logf("NewCallbackFunc runs %d of %d cases, the typed family %d", spelled, len(all), len(typedUpcalls))
}

package jitffi

import (
	"fmt"
	"math"
	"reflect"
	"sync"
	"unsafe"

	"github.com/jitffi/jitffi/abi"
)

// Typed access to a Frame's arguments and result, checked against their C types, so that
// filling a Dynamic call or reading a dynamic callback's arguments needs no byte
// arithmetic:
//
//	f := strtol.NewFrame()
//	f.SetPointer(0, unsafe.Pointer(s))
//	f.SetPointer(1, nil)
//	f.SetInt(2, 10)
//	strtol.Call(f)
//	n := f.ResultInt()
//
// The integer accessors take any C integer type (bool included) and check the value
// against its range: a value that does not fit, or a negative one read with Uint, is a
// panic, never a silent truncation. SetUint and Uint also take a pointer, as an address.
// The float accessors take float and double, the pointer accessors pointers. A mismatch
// of kinds is a panic naming the argument and its C type, as is an index out of range.
// The generic SetArg, ArgAs, SetResult and ResultAs move a whole Go value, a struct say,
// checked against the C type's layout. None of them allocates.

// resultIndex stands for the result where an argument index is expected; it is below
// any index an accessor of an argument lets through.
const resultIndex = math.MinInt

// slot returns the frame memory, the offset and the C type of argument i or of the
// result (resultIndex), for the accessor named method.
func (f *Frame) slot(method string, i int) (unsafe.Pointer, int, *abi.Type) {
	mem, layout, sig := f.view(method)
	if i == resultIndex {
		return mem, layout.Result, sig.Result
	}
	if i < 0 || i >= len(sig.Params) {
		panic(fmt.Sprintf("jitffi: Frame.%s: argument %d of %d", method, i, len(sig.Params)))
	}
	return mem, layout.Args[i], sig.Params[i]
}

// argIndex returns the argument index i, or -1 for any negative one, which is out of range
// and not resultIndex.
func argIndex(i int) int {
	if i < 0 {
		return -1
	}
	return i
}

// slotName names argument i or the result in a message.
func slotName(i int) string {
	if i == resultIndex {
		return "the result"
	}
	return fmt.Sprintf("argument %d", i)
}

func kindPanic(method string, i int, t *abi.Type, want string) {
	panic(fmt.Sprintf("jitffi: Frame.%s: %s is %v, not %s", method, slotName(i), t, want))
}

func rangePanic(method string, i int, t *abi.Type, v any) {
	panic(fmt.Sprintf("jitffi: Frame.%s: %v does not fit %s (%v)", method, v, slotName(i), t))
}

// intLimit is the range of an integer kind, as int64 (lo) and uint64 (hi).
type intLimit struct {
	lo int64
	hi uint64
	ok bool
}

var intLimits = [abi.Kind(abi.Array + 1)]intLimit{
	abi.Bool: {0, 1, true}, abi.Int8: {math.MinInt8, math.MaxInt8, true}, abi.Int16: {math.MinInt16, math.MaxInt16, true},
	abi.Int32: {math.MinInt32, math.MaxInt32, true}, abi.Int64: {math.MinInt64, math.MaxInt64, true},
	abi.Uint8: {0, math.MaxUint8, true}, abi.Uint16: {0, math.MaxUint16, true}, abi.Uint32: {0, math.MaxUint32, true},
	abi.Uint64: {0, math.MaxUint64, true},
}

// limitOf returns the range of kind k, ok false for a kind that is not an integer.
func limitOf(k abi.Kind) intLimit {
	if int(k) < len(intLimits) {
		return intLimits[k]
	}
	return intLimit{}
}

// storeInt stores the low bytes of v, a value of kind k, at p.
func storeInt(p unsafe.Pointer, k abi.Kind, v uint64) {
	switch abi.Scalar(k).Size() {
	case 1:
		*(*uint8)(p) = uint8(v)
	case 2:
		*(*uint16)(p) = uint16(v)
	case 4:
		*(*uint32)(p) = uint32(v)
	default:
		*(*uint64)(p) = v
	}
}

// loadInt reads an integer of kind k at p, sign- or zero-extended to 64 bits.
func loadInt(p unsafe.Pointer, k abi.Kind) uint64 {
	switch k {
	case abi.Bool:
		if *(*uint8)(p) != 0 {
			return 1
		}
		return 0
	case abi.Int8:
		return uint64(*(*int8)(p))
	case abi.Int16:
		return uint64(*(*int16)(p))
	case abi.Int32:
		return uint64(*(*int32)(p))
	case abi.Uint8:
		return uint64(*(*uint8)(p))
	case abi.Uint16:
		return uint64(*(*uint16)(p))
	case abi.Uint32:
		return uint64(*(*uint32)(p))
	}
	return *(*uint64)(p)
}

func (f *Frame) setInt(method string, i int, v int64) {
	mem, off, t := f.slot(method, i)
	lim := limitOf(t.Kind)
	if !lim.ok {
		kindPanic(method, i, t, "an integer")
	}
	if v < lim.lo || v > 0 && uint64(v) > lim.hi {
		rangePanic(method, i, t, v)
	}
	storeInt(unsafe.Add(mem, off), t.Kind, uint64(v))
}

func (f *Frame) setUint(method string, i int, v uint64) {
	mem, off, t := f.slot(method, i)
	if t.Kind == abi.Pointer {
		*(*uint64)(unsafe.Add(mem, off)) = v
		return
	}
	lim := limitOf(t.Kind)
	if !lim.ok {
		kindPanic(method, i, t, "an integer or a pointer")
	}
	if v > lim.hi {
		rangePanic(method, i, t, v)
	}
	storeInt(unsafe.Add(mem, off), t.Kind, v)
}

func (f *Frame) int(method string, i int) int64 {
	mem, off, t := f.slot(method, i)
	if !limitOf(t.Kind).ok {
		kindPanic(method, i, t, "an integer")
	}
	v := loadInt(unsafe.Add(mem, off), t.Kind)
	if t.Kind == abi.Uint64 && v > math.MaxInt64 {
		panic(fmt.Sprintf("jitffi: Frame.%s: %s (%v) holds %d, beyond int64; read it with Uint", method, slotName(i), t, v))
	}
	return int64(v)
}

func (f *Frame) uint(method string, i int) uint64 {
	mem, off, t := f.slot(method, i)
	if t.Kind == abi.Pointer {
		return *(*uint64)(unsafe.Add(mem, off))
	}
	if !limitOf(t.Kind).ok {
		kindPanic(method, i, t, "an integer or a pointer")
	}
	v := loadInt(unsafe.Add(mem, off), t.Kind)
	if t.Kind.IsSigned() && int64(v) < 0 {
		panic(fmt.Sprintf("jitffi: Frame.%s: %s (%v) holds %d, which is negative; read it with Int", method, slotName(i), t, int64(v)))
	}
	return v
}

func (f *Frame) setFloat(method string, i int, v float64) {
	mem, off, t := f.slot(method, i)
	switch t.Kind {
	case abi.Float32:
		*(*float32)(unsafe.Add(mem, off)) = float32(v)
	case abi.Float64:
		*(*float64)(unsafe.Add(mem, off)) = v
	default:
		kindPanic(method, i, t, "float or double")
	}
}

func (f *Frame) float(method string, i int) float64 {
	mem, off, t := f.slot(method, i)
	switch t.Kind {
	case abi.Float32:
		return float64(*(*float32)(unsafe.Add(mem, off)))
	case abi.Float64:
		return *(*float64)(unsafe.Add(mem, off))
	}
	kindPanic(method, i, t, "float or double")
	return 0
}

func (f *Frame) setPointer(method string, i int, p unsafe.Pointer) {
	mem, off, t := f.slot(method, i)
	if t.Kind != abi.Pointer {
		kindPanic(method, i, t, "a pointer")
	}
	// Stored as an integer: a pointer store has a write barrier, which would take the
	// slot's old bits (C's stack, or a stale address) for a Go pointer.
	*(*uintptr)(unsafe.Add(mem, off)) = uintptr(p)
}

func (f *Frame) pointer(method string, i int) unsafe.Pointer {
	mem, off, t := f.slot(method, i)
	if t.Kind != abi.Pointer {
		kindPanic(method, i, t, "a pointer")
	}
	return *(*unsafe.Pointer)(unsafe.Add(mem, off))
}

func boolBits(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// SetInt sets argument i, of a C integer type, to v.
func (f *Frame) SetInt(i int, v int64) { f.setInt("SetInt", argIndex(i), v) }

// SetUint sets argument i, of a C integer or pointer type, to v.
func (f *Frame) SetUint(i int, v uint64) { f.setUint("SetUint", argIndex(i), v) }

// SetBool sets argument i, of a C integer type such as bool, to 1 or 0.
func (f *Frame) SetBool(i int, v bool) { f.setUint("SetBool", argIndex(i), boolBits(v)) }

// SetFloat sets argument i, of C type float or double, to v (rounded for a float).
func (f *Frame) SetFloat(i int, v float64) { f.setFloat("SetFloat", argIndex(i), v) }

// SetPointer sets argument i, of a C pointer type, to p. The frame does not keep what p
// points to alive: see Frame.
func (f *Frame) SetPointer(i int, p unsafe.Pointer) { f.setPointer("SetPointer", argIndex(i), p) }

// Int returns argument i, of a C integer type.
func (f *Frame) Int(i int) int64 { return f.int("Int", argIndex(i)) }

// Uint returns argument i, of a C integer type, or the address argument i, a pointer,
// holds.
func (f *Frame) Uint(i int) uint64 { return f.uint("Uint", argIndex(i)) }

// Bool reports whether argument i, of a C integer type such as bool, is not zero.
func (f *Frame) Bool(i int) bool { return f.uint("Bool", argIndex(i)) != 0 }

// Float returns argument i, of C type float or double.
func (f *Frame) Float(i int) float64 { return f.float("Float", argIndex(i)) }

// Pointer returns argument i, of a C pointer type.
func (f *Frame) Pointer(i int) unsafe.Pointer { return f.pointer("Pointer", argIndex(i)) }

// SetResultInt sets the result (of a callback), of a C integer type, to v.
func (f *Frame) SetResultInt(v int64) { f.setInt("SetResultInt", resultIndex, v) }

// SetResultUint sets the result, of a C integer or pointer type, to v.
func (f *Frame) SetResultUint(v uint64) { f.setUint("SetResultUint", resultIndex, v) }

// SetResultBool sets the result, of a C integer type such as bool, to 1 or 0.
func (f *Frame) SetResultBool(v bool) { f.setUint("SetResultBool", resultIndex, boolBits(v)) }

// SetResultFloat sets the result, of C type float or double, to v.
func (f *Frame) SetResultFloat(v float64) { f.setFloat("SetResultFloat", resultIndex, v) }

// SetResultPointer sets the result, of a C pointer type, to p.
func (f *Frame) SetResultPointer(p unsafe.Pointer) { f.setPointer("SetResultPointer", resultIndex, p) }

// ResultInt returns the result (of a call), of a C integer type.
func (f *Frame) ResultInt() int64 { return f.int("ResultInt", resultIndex) }

// ResultUint returns the result, of a C integer type, or the address a pointer result
// holds.
func (f *Frame) ResultUint() uint64 { return f.uint("ResultUint", resultIndex) }

// ResultBool reports whether the result, of a C integer type such as bool, is not zero.
func (f *Frame) ResultBool() bool { return f.uint("ResultBool", resultIndex) != 0 }

// ResultFloat returns the result, of C type float or double.
func (f *Frame) ResultFloat() float64 { return f.float("ResultFloat", resultIndex) }

// ResultPointer returns the result, of a C pointer type.
func (f *Frame) ResultPointer() unsafe.Pointer { return f.pointer("ResultPointer", resultIndex) }

// SetArg stores v in argument i. T must have the C type's layout: an integer type of the
// same size for a C integer (bool or an integer for C bool), float32 or float64 for float
// and double, a pointer, unsafe.Pointer or uintptr for a C pointer, a struct whose fields
// (other than blank ones) have the C members' offsets and types, an array of the same
// length and element, and for any struct, union or array a byte array of its size (a
// union also takes the type of any of its members, padded to its size). A *Callback
// stores its C address. Any other T panics with a message saying why.
func SetArg[T any](f *Frame, i int, v T) { setValue(f, "SetArg", argIndex(i), v) }

// ArgAs returns argument i as a T, under SetArg's rules.
func ArgAs[T any](f *Frame, i int) T { return getValue[T](f, "ArgAs", argIndex(i)) }

// SetResult stores v in the result (of a callback), under SetArg's rules.
func SetResult[T any](f *Frame, v T) { setValue(f, "SetResult", resultIndex, v) }

// ResultAs returns the result (of a call) as a T, under SetArg's rules.
func ResultAs[T any](f *Frame) T { return getValue[T](f, "ResultAs", resultIndex) }

func setValue[T any](f *Frame, method string, i int, v T) {
	mem, off, t := f.slot(method, i)
	g := reflect.TypeFor[T]()
	if g == callbackPtrTypeAccess {
		if t.Kind != abi.Pointer {
			kindPanic(method, i, t, "a pointer, for a *Callback")
		}
		*(*uintptr)(unsafe.Add(mem, off)) = any(v).(*Callback).Addr()
		return
	}
	checkCompatible(method, i, g, t)
	if n := t.Size(); n > 0 { // an empty value's slot may lie at the frame's end
		// Copied as bytes, without the write barriers of a typed store (see setPointer):
		// the frame is not memory the garbage collector scans.
		copy(unsafe.Slice((*byte)(unsafe.Add(mem, off)), n), unsafe.Slice((*byte)(unsafe.Pointer(&v)), n))
	}
}

func getValue[T any](f *Frame, method string, i int) T {
	mem, off, t := f.slot(method, i)
	g := reflect.TypeFor[T]()
	if g == callbackPtrTypeAccess {
		panic(fmt.Sprintf("jitffi: Frame.%s: a *Callback cannot be read back from a frame; read the address as a uintptr", method))
	}
	checkCompatible(method, i, g, t)
	var v T
	if t.Size() > 0 {
		v = *(*T)(unsafe.Add(mem, off)) // a load: no write barrier reads the slot
	}
	return v
}

var callbackPtrTypeAccess = reflect.TypeFor[*Callback]()

// checkCompatible panics unless the Go type g has the layout of the C type t. The answer
// for an aggregate is cached, in a cache of bounded size.
func checkCompatible(method string, i int, g reflect.Type, t *abi.Type) {
	aggregate := t.Kind.IsAggregate()
	key := compatKey{g, t}
	if aggregate {
		compatCache.RLock()
		_, ok := compatCache.m[key]
		compatCache.RUnlock()
		if ok {
			return
		}
	}
	if why := incompatibility(g, t, ""); why != "" {
		panic(fmt.Sprintf("jitffi: Frame.%s: Go type %v does not match %s (%v): %s", method, g, slotName(i), t, why))
	}
	if aggregate {
		compatCache.Lock()
		if len(compatCache.m) >= compatCacheMax {
			clear(compatCache.m)
		}
		compatCache.m[key] = struct{}{}
		compatCache.Unlock()
	}
}

type compatKey struct {
	g reflect.Type
	t *abi.Type
}

// compatCacheMax bounds the aggregate pairs checkCompatible remembers; past it, it starts
// again, so that binding ever new signatures does not grow memory.
const compatCacheMax = 1024

var compatCache = struct {
	sync.RWMutex
	m map[compatKey]struct{}
}{m: map[compatKey]struct{}{}}

// incompatibility says why the Go type g does not have the layout of the C type t, at
// path within the value, or returns "" when it does.
func incompatibility(g reflect.Type, t *abi.Type, path string) string {
	at := ""
	if path != "" {
		at = " at " + path
	}
	if g.Size() != uintptr(t.Size()) {
		return fmt.Sprintf("%d bytes%s, the C type %d", g.Size(), at, t.Size())
	}
	gk := g.Kind()
	isInt := gk >= reflect.Int && gk <= reflect.Uintptr
	ok := false
	switch k := t.Kind; {
	case k == abi.Void:
		return "the C function returns void"
	case k == abi.Bool:
		ok = gk == reflect.Bool || isInt
	case k.IsInteger():
		ok = isInt
	case k.IsFloat():
		ok = gk == reflect.Float32 || gk == reflect.Float64
	case k == abi.Pointer:
		ok = gk == reflect.Pointer || gk == reflect.UnsafePointer || gk == reflect.Uintptr
	case isGoByteArray(g):
		ok = true
	case k == abi.Array:
		if gk == reflect.Array && g.Len() == t.Len {
			return incompatibility(g.Elem(), t.Elem, path+"[]")
		}
	case k == abi.Struct:
		if gk == reflect.Struct {
			return structIncompatibility(g, t, path)
		}
	case k == abi.Union:
		for _, m := range t.Fields {
			if m.Type.Size() == t.Size() && incompatibility(g, m.Type, path) == "" {
				return ""
			}
		}
		return fmt.Sprintf("%s matches no member of the union%s, nor is it a byte array", g, at)
	}
	if !ok {
		return fmt.Sprintf("%v%s cannot hold a C %v", g, at, t)
	}
	return ""
}

func isGoByteArray(g reflect.Type) bool {
	return g.Kind() == reflect.Array && (g.Elem().Kind() == reflect.Uint8 || g.Elem().Kind() == reflect.Int8)
}

// structIncompatibility compares a Go struct's fields, blank ones left out, with a C
// struct's members.
func structIncompatibility(g reflect.Type, t *abi.Type, path string) string {
	j := 0
	for k := range g.NumField() {
		gf := g.Field(k)
		if gf.Name == "_" {
			continue
		}
		if j == len(t.Fields) {
			return fmt.Sprintf("field %s%s has no C member", gf.Name, path)
		}
		m := t.Fields[j]
		j++
		if int(gf.Offset) != m.Offset {
			return fmt.Sprintf("field %s%s is at offset %d, the C member %q at %d", gf.Name, path, gf.Offset, m.Name, m.Offset)
		}
		if why := incompatibility(gf.Type, m.Type, path+"."+gf.Name); why != "" {
			return why
		}
	}
	if j < len(t.Fields) {
		return fmt.Sprintf("the C member %q%s has no Go field", t.Fields[j].Name, path)
	}
	return ""
}

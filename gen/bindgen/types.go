package bindgen

import (
	"fmt"

	"modernc.org/cc/v4"
)

// A use is where a C type appears; it decides a few mappings (a const char * parameter
// is a Go string, a function pointer parameter a *jitffi.Callback, ...).
type use int

const (
	useField    use = iota // struct or union member, global variable, array element
	useParam               // parameter of a bound function
	useResult              // result of a bound function
	useCbParam             // parameter of a callback
	useCbResult            // result of a callback
	usePointee             // what a pointer points to
)

// A goRef is a Go type expression and its layout on the target.
type goRef struct {
	expr        string
	size, align int64
	// notByValue says why a value of the type cannot be passed to or returned from C by
	// value through jitffi (a union inside, opaque bytes standing for bit-fields, ...).
	notByValue string
	needUnsafe bool
}

// A typeError says why a C type has no Go form.
type typeError struct{ reason string }

func (e *typeError) Error() string { return e.reason }

func unsupported(format string, args ...any) error {
	return &typeError{fmt.Sprintf(format, args...)}
}

// knownTypedefs are C library typedef names with a jitffi or Go type of their own.
var knownTypedefs = map[string]string{
	"size_t": "jitffi.SizeT", "ssize_t": "jitffi.SSizeT", "SSIZE_T": "jitffi.SSizeT",
	"ptrdiff_t": "jitffi.PtrDiffT", "intptr_t": "jitffi.IntPtrT", "uintptr_t": "jitffi.UIntPtrT",
	"wchar_t": "jitffi.WChar",
	"int8_t":  "int8", "int16_t": "int16", "int32_t": "int32", "int64_t": "int64",
	"uint8_t": "uint8", "uint16_t": "uint16", "uint32_t": "uint32", "uint64_t": "uint64",
}

// vaList are the names of va_list.
var vaList = map[string]bool{"va_list": true, "__gnuc_va_list": true, "__builtin_va_list": true}

// scalar maps a C arithmetic kind to its Go type and layout on the target.
func (g *generator) scalar(k cc.Kind) (goRef, error) {
	long := int64(8)
	if g.c.Target.GOOS == "windows" {
		long = 4
	}
	switch k {
	case cc.Bool:
		return goRef{expr: "jitffi.Bool", size: 1, align: 1}, nil
	case cc.Char:
		return goRef{expr: "jitffi.Char", size: 1, align: 1}, nil
	case cc.SChar:
		return goRef{expr: "int8", size: 1, align: 1}, nil
	case cc.UChar:
		return goRef{expr: "byte", size: 1, align: 1}, nil
	case cc.Short:
		return goRef{expr: "jitffi.Short", size: 2, align: 2}, nil
	case cc.UShort:
		return goRef{expr: "jitffi.UShort", size: 2, align: 2}, nil
	case cc.Int:
		return goRef{expr: "jitffi.Int", size: 4, align: 4}, nil
	case cc.UInt:
		return goRef{expr: "jitffi.UInt", size: 4, align: 4}, nil
	case cc.Long:
		return goRef{expr: "jitffi.Long", size: long, align: long}, nil
	case cc.ULong:
		return goRef{expr: "jitffi.ULong", size: long, align: long}, nil
	case cc.LongLong:
		return goRef{expr: "jitffi.LongLong", size: 8, align: 8}, nil
	case cc.ULongLong:
		return goRef{expr: "jitffi.ULongLong", size: 8, align: 8}, nil
	case cc.Float, cc.Float32:
		return goRef{expr: "float32", size: 4, align: 4}, nil
	case cc.Double, cc.Float64, cc.Float32x:
		return goRef{expr: "float64", size: 8, align: 8}, nil
	case cc.LongDouble, cc.Float64x, cc.Float128, cc.Float128x:
		return goRef{}, unsupported("%s has no Go type", k)
	case cc.Int128, cc.UInt128:
		return goRef{}, unsupported("__int128 has no Go type")
	case cc.ComplexChar, cc.ComplexDouble, cc.ComplexFloat, cc.ComplexFloat16, cc.ComplexInt,
		cc.ComplexLong, cc.ComplexLongDouble, cc.ComplexLongLong, cc.ComplexShort, cc.ComplexUInt, cc.ComplexUShort:
		return goRef{}, unsupported("_Complex types are not supported by jitffi")
	case cc.Float16:
		return goRef{}, unsupported("_Float16 has no Go type")
	case cc.Decimal32, cc.Decimal64, cc.Decimal128:
		return goRef{}, unsupported("decimal floating types have no Go type")
	}
	return goRef{}, unsupported("C type kind %s is not supported", k)
}

// isPlainChar reports whether t is char itself (not signed or unsigned char).
func isPlainChar(t cc.Type) bool { return t.Kind() == cc.Char }

// goType returns the Go form of a C type used as u, declaring the named types it needs.
func (g *generator) goType(t cc.Type, u use) (goRef, error) {
	if t == nil {
		return goRef{}, unsupported("no type")
	}
	if d := t.Typedef(); d != nil {
		name := d.Name()
		if vaList[name] {
			return goRef{}, unsupported("%s: C's way to pass on variadic arguments has no Go form", name)
		}
		if expr, ok := knownTypedefs[name]; ok {
			r, err := g.bare(t, u)
			if err != nil {
				return r, err
			}
			r.expr = expr
			return r, nil
		}
		if td := g.typedef(d); td != nil {
			return g.typedefRef(td, t, u)
		}
		// A typedef that is not bound (one of the system headers', say) stands for its type.
	}
	return g.bare(t, u)
}

// bare maps a type by what it is, ignoring the typedef name it may carry.
func (g *generator) bare(t cc.Type, u use) (goRef, error) {
	switch t.Kind() {
	case cc.Void:
		if u == useResult || u == useCbResult {
			return goRef{expr: "jitffi.Void"}, nil
		}
		return goRef{}, unsupported("void is not a value")
	case cc.Ptr:
		return g.pointer(t.(*cc.PointerType), u)
	case cc.Array:
		at := t.(*cc.ArrayType)
		if u == useParam || u == useCbParam {
			return g.pointerTo(at.Elem(), u)
		}
		if at.IsVLA() || at.Len() < 0 || at.IsIncomplete() {
			return goRef{}, unsupported("an array of unknown length has no Go type")
		}
		elem, err := g.goType(at.Elem(), useField)
		if err != nil {
			return goRef{}, err
		}
		if isPlainChar(at.Elem()) {
			elem.expr = "byte"
		}
		return goRef{expr: fmt.Sprintf("[%d]%s", at.Len(), elem.expr), size: elem.size * at.Len(), align: elem.align,
			notByValue: elem.notByValue, needUnsafe: elem.needUnsafe}, nil
	case cc.Struct, cc.Union:
		td := g.record(t, nil, "")
		return g.recordRef(td, u)
	case cc.Enum:
		td := g.enum(t.(*cc.EnumType), nil)
		if td == nil {
			return g.enumUnderlying(t.(*cc.EnumType))
		}
		return goRef{expr: td.goName, size: td.size, align: td.align}, nil
	case cc.Function:
		return goRef{}, unsupported("a function is not a value")
	}
	return g.scalar(t.Kind())
}

func (g *generator) pointer(p *cc.PointerType, u use) (goRef, error) {
	return g.pointerTo(p.Elem(), u)
}

// pointerTo maps a pointer to elem.
func (g *generator) pointerTo(elem cc.Type, u use) (goRef, error) {
	ptr := goRef{size: 8, align: 8}
	if _, ok := elem.(*cc.FunctionType); ok {
		switch u {
		case useParam:
			if g.isSentinelFunc(elem) {
				ptr.expr = "uintptr"
				return ptr, nil
			}
			ptr.expr = "*jitffi.Callback"
		default:
			ptr.expr = "uintptr"
		}
		return ptr, nil
	}
	if elem.Kind() == cc.Void && elem.Typedef() == nil {
		ptr.expr, ptr.needUnsafe = "unsafe.Pointer", true
		return ptr, nil
	}
	if isPlainChar(elem) && elem.Typedef() == nil {
		if elem.Attributes().IsConst() && (u == useParam || u == useResult) {
			ptr.expr = "string"
			return ptr, nil
		}
		ptr.expr = "*byte"
		return ptr, nil
	}
	if elem.Kind() == cc.Ptr || elem.Typedef() != nil || elem.Kind() != cc.Struct && elem.Kind() != cc.Union {
		r, err := g.goType(elem, usePointee)
		if err != nil {
			// A pointer to what Go cannot express is still a pointer.
			ptr.expr, ptr.needUnsafe = "unsafe.Pointer", true
			return ptr, nil
		}
		if r.expr == "jitffi.Void" {
			r.expr = "unsafe.Pointer"
		}
		ptr.expr, ptr.needUnsafe = "*"+r.expr, r.needUnsafe
		if r.expr == "unsafe.Pointer" && elem.Kind() == cc.Void {
			ptr.expr = "unsafe.Pointer"
		}
		return ptr, nil
	}
	td := g.record(elem, nil, "")
	if td.skipReason != "" {
		ptr.expr, ptr.needUnsafe = "unsafe.Pointer", true
		return ptr, nil
	}
	ptr.expr = "*" + td.goName
	return ptr, nil
}

// typedefRef is the Go form of a use of a bound typedef name.
func (g *generator) typedefRef(td *typeDecl, t cc.Type, u use) (goRef, error) {
	if td.skipReason != "" {
		return goRef{}, unsupported("%s: %s", td.cName, td.skipReason)
	}
	switch td.kind {
	case kindCallback:
		// A typedef of a function type (not a pointer to one) is used through pointers.
		return goRef{}, unsupported("%s is a function type", td.cName)
	case kindFuncPtr:
		if u == useParam && !g.sentinelTypes[td.cName] && !g.isSentinelFunc(typedefElem(t)) {
			return goRef{expr: "*jitffi.Callback", size: 8, align: 8}, nil
		}
		return goRef{expr: "uintptr", size: 8, align: 8}, nil
	}
	if td.pending && u == usePointee {
		return goRef{expr: td.goName, size: 8, align: 8}, nil
	}
	r := goRef{expr: td.goName, size: td.size, align: td.align, notByValue: td.notByValue, needUnsafe: td.needUnsafe}
	if r.expr == "" {
		return goRef{}, unsupported("%s has no Go type", td.cName)
	}
	if u == useResult && td.kind == kindAlias && td.target == "jitffi.Void" {
		r.expr = "jitffi.Void"
	}
	return r, nil
}

func (g *generator) recordRef(td *typeDecl, u use) (goRef, error) {
	if td.skipReason != "" {
		return goRef{}, unsupported("%s: %s", td.cName, td.skipReason)
	}
	if td.kind == kindOpaque {
		return goRef{}, unsupported("%s is incomplete: only pointers to it have a Go form", td.cName)
	}
	return goRef{expr: td.goName, size: td.size, align: td.align, notByValue: td.notByValue}, nil
}

func (g *generator) enumUnderlying(et *cc.EnumType) (goRef, error) {
	signed := et.Min() < 0
	switch et.Size() {
	case 1:
		return pick(signed, goRef{expr: "int8", size: 1, align: 1}, goRef{expr: "uint8", size: 1, align: 1}), nil
	case 2:
		return pick(signed, goRef{expr: "int16", size: 2, align: 2}, goRef{expr: "uint16", size: 2, align: 2}), nil
	case 4:
		return pick(signed, goRef{expr: "int32", size: 4, align: 4}, goRef{expr: "uint32", size: 4, align: 4}), nil
	case 8:
		return pick(signed, goRef{expr: "int64", size: 8, align: 8}, goRef{expr: "uint64", size: 8, align: 8}), nil
	}
	return goRef{}, unsupported("an enum of %d bytes", et.Size())
}

func pick[T any](c bool, a, b T) T {
	if c {
		return a
	}
	return b
}

// isSentinelFunc reports whether a function type is that of a function pointer type the
// headers give constant values (see findSentinels).
func (g *generator) isSentinelFunc(fn cc.Type) bool {
	if fn == nil {
		return false
	}
	if d := fn.Typedef(); d != nil && g.sentinelTypes[d.Name()] {
		return true
	}
	for _, s := range g.sentinelFuncs {
		if fn.IsCompatible(s) {
			return true
		}
	}
	return false
}

// typedefElem is the function type a function pointer typedef points to.
func typedefElem(t cc.Type) cc.Type {
	if p, ok := t.(*cc.PointerType); ok {
		return p.Elem()
	}
	return nil
}

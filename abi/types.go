// Package abi models C types and function signatures and classifies them under the
// C calling conventions jitffi supports (x86-64 System V, and later Win64 and AAPCS64).
//
// The package is pure data and rules: it has no unsafe code and makes no system calls, so
// every ABI can be explained and tested on every host. The classifier for an ABI is chosen
// by the caller through an ABI value, never derived from GOOS or GOARCH.
package abi

import "fmt"

// Kind says what sort of C type a Type is.
type Kind uint8

// The kinds of C type jitffi knows.
const (
	Void Kind = iota
	Bool
	Int8
	Int16
	Int32
	Int64
	Uint8
	Uint16
	Uint32
	Uint64
	Float32
	Float64
	Pointer
	Struct
	Union
	Array
)

var kindNames = [...]string{
	Void: "void", Bool: "bool", Int8: "int8", Int16: "int16", Int32: "int32", Int64: "int64",
	Uint8: "uint8", Uint16: "uint16", Uint32: "uint32", Uint64: "uint64",
	Float32: "float32", Float64: "float64", Pointer: "pointer", Struct: "struct",
	Union: "union", Array: "array",
}

// String returns the kind's name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// IsInteger reports whether k is bool or a fixed-width integer.
func (k Kind) IsInteger() bool { return k >= Bool && k <= Uint64 }

// IsSigned reports whether k is a signed integer.
func (k Kind) IsSigned() bool { return k >= Int8 && k <= Int64 }

// IsFloat reports whether k is float32 or float64.
func (k Kind) IsFloat() bool { return k == Float32 || k == Float64 }

// IsScalar reports whether k is an integer, a float or a pointer.
func (k Kind) IsScalar() bool { return k >= Bool && k <= Pointer }

// IsAggregate reports whether k is a struct, a union or an array.
func (k Kind) IsAggregate() bool { return k == Struct || k == Union || k == Array }

// A Type is a C type with its size, alignment and, for aggregates, the offsets of its
// fields, laid out exactly as gcc lays it out on LP64 targets. Types are immutable once
// made; build them with the constructors (Scalar, StructOf, UnionOf, ArrayOf, ...).
type Type struct {
	Kind Kind
	// Fields holds a struct's or union's members with their offsets.
	Fields []Field
	// Elem and Len describe an array.
	Elem *Type
	Len  int
	// Packed marks a struct declared __attribute__((packed)): every member has alignment 1.
	Packed bool
	// AlignAttr is the alignment requested with __attribute__((aligned(N))), or 0.
	AlignAttr int

	size, align int
}

// A Field is one member of a struct or union.
type Field struct {
	Name   string
	Type   *Type
	Offset int
}

var scalarSizes = [...]int{
	Void: 0, Bool: 1, Int8: 1, Int16: 2, Int32: 4, Int64: 8,
	Uint8: 1, Uint16: 2, Uint32: 4, Uint64: 8, Float32: 4, Float64: 8, Pointer: 8,
}

var scalars = func() (t [Pointer + 1]*Type) {
	for k := Void; k <= Pointer; k++ {
		s := scalarSizes[k]
		a := s
		if a == 0 {
			a = 1
		}
		t[k] = &Type{Kind: k, size: s, align: a}
	}
	return t
}()

// Scalar returns the shared Type for a scalar kind (void, bool, integers, floats, pointer).
// It panics for aggregate kinds, which need their members.
func Scalar(k Kind) *Type {
	if k > Pointer {
		panic("abi.Scalar: " + k.String() + " is not a scalar kind")
	}
	return scalars[k]
}

// Size returns the type's size in bytes (sizeof).
func (t *Type) Size() int { return t.size }

// Align returns the type's alignment in bytes (_Alignof).
func (t *Type) Align() int { return t.align }

// StructOf returns a struct with the given members laid out in order. Offsets in the
// arguments are ignored and computed. An empty struct has size 0, as in GNU C.
func StructOf(fields ...Field) *Type { return structOf(fields, false, 0) }

// PackedStructOf returns a struct declared __attribute__((packed)).
func PackedStructOf(fields ...Field) *Type { return structOf(fields, true, 0) }

// AlignedStructOf returns a struct declared __attribute__((aligned(align))), optionally
// packed as well. align must be a power of two.
func AlignedStructOf(align int, packed bool, fields ...Field) *Type {
	return structOf(fields, packed, align)
}

func structOf(fields []Field, packed bool, alignAttr int) *Type {
	t := &Type{Kind: Struct, Packed: packed, AlignAttr: alignAttr, Fields: make([]Field, len(fields))}
	off, align := 0, 1
	for i, f := range fields {
		a := f.Type.align
		if packed {
			a = 1
		}
		off = alignUp(off, a)
		t.Fields[i] = Field{Name: f.Name, Type: f.Type, Offset: off}
		off += f.Type.size
		align = max(align, a)
	}
	align = max(align, alignAttr)
	t.size, t.align = alignUp(off, align), align
	return t
}

// UnionOf returns a union of the given members, all at offset 0.
func UnionOf(fields ...Field) *Type { return unionOf(fields, 0) }

// AlignedUnionOf returns a union declared __attribute__((aligned(align))).
func AlignedUnionOf(align int, fields ...Field) *Type { return unionOf(fields, align) }

func unionOf(fields []Field, alignAttr int) *Type {
	t := &Type{Kind: Union, AlignAttr: alignAttr, Fields: make([]Field, len(fields))}
	size, align := 0, 1
	for i, f := range fields {
		t.Fields[i] = Field{Name: f.Name, Type: f.Type}
		size = max(size, f.Type.size)
		align = max(align, f.Type.align)
	}
	align = max(align, alignAttr)
	t.size, t.align = alignUp(size, align), align
	return t
}

// ArrayOf returns the array type elem[n]. Arrays appear as struct or union members.
func ArrayOf(elem *Type, n int) *Type {
	return &Type{Kind: Array, Elem: elem, Len: n, size: elem.size * n, align: elem.align}
}

// Equal reports whether a and b are the same type, member names included.
func Equal(a, b *Type) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil || a.Kind != b.Kind || a.size != b.size || a.align != b.align ||
		a.Packed != b.Packed || a.AlignAttr != b.AlignAttr || a.Len != b.Len || len(a.Fields) != len(b.Fields) {
		return false
	}
	if a.Kind == Array && !Equal(a.Elem, b.Elem) {
		return false
	}
	for i := range a.Fields {
		fa, fb := a.Fields[i], b.Fields[i]
		if fa.Name != fb.Name || fa.Offset != fb.Offset || !Equal(fa.Type, fb.Type) {
			return false
		}
	}
	return true
}

func alignUp(n, a int) int { return (n + a - 1) &^ (a - 1) }

// A Signature is a C function type at one call site: its result, its parameters and, for
// a variadic function, how many parameters are fixed. Params holds the fixed parameters
// followed by the variadic arguments of this call site.
type Signature struct {
	Result *Type
	Params []*Type
	// Fixed is the number of fixed (named) parameters of a variadic function, or -1 when
	// the function is not variadic.
	Fixed int
}

// IsVariadic reports whether the signature describes a call to a variadic function.
func (s *Signature) IsVariadic() bool { return s.Fixed >= 0 }

// EqualSignatures reports whether a and b describe the same call.
func EqualSignatures(a, b *Signature) bool {
	if a.Fixed != b.Fixed || len(a.Params) != len(b.Params) || !Equal(a.Result, b.Result) {
		return false
	}
	for i := range a.Params {
		if !Equal(a.Params[i], b.Params[i]) {
			return false
		}
	}
	return true
}

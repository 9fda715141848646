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
// made; build them with the constructors (Scalar, StructOf, UnionOf, ArrayOf, ...). A
// type beyond the limits MaxTypeSize, MaxTypeDepth and MaxMembers is still made, with
// sizes that never wrap around, but it carries an error that CheckType and Classify
// report.
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
	// depth and members are the nesting depth and member count (see MaxTypeDepth and
	// MaxMembers) the constructors computed; err is the limit or rule the type breaks.
	depth, members int
	err            *typeError
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

// Size returns the type's size in bytes (sizeof). It is never negative nor larger than
// MaxTypeSize; for a type beyond that limit it is MaxTypeSize and CheckType says why.
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
	var m measure
	off, align := int64(0), int64(1)
	for i, f := range fields {
		t.Fields[i] = Field{Name: f.Name, Type: f.Type}
		if !m.member(f) {
			continue
		}
		a := int64(f.Type.align)
		if packed {
			a = 1
		}
		off = alignUp64(off, a)
		t.Fields[i].Offset = int(min(off, MaxTypeSize))
		off = addSat(off, int64(f.Type.size))
		align = max(align, a)
	}
	m.finish(t, off, align, alignAttr)
	return t
}

// UnionOf returns a union of the given members, all at offset 0.
func UnionOf(fields ...Field) *Type { return unionOf(fields, 0) }

// AlignedUnionOf returns a union declared __attribute__((aligned(align))).
func AlignedUnionOf(align int, fields ...Field) *Type { return unionOf(fields, align) }

func unionOf(fields []Field, alignAttr int) *Type {
	t := &Type{Kind: Union, AlignAttr: alignAttr, Fields: make([]Field, len(fields))}
	var m measure
	size, align := int64(0), int64(1)
	for i, f := range fields {
		t.Fields[i] = Field{Name: f.Name, Type: f.Type}
		if !m.member(f) {
			continue
		}
		size = max(size, int64(f.Type.size))
		align = max(align, int64(f.Type.align))
	}
	m.finish(t, size, align, alignAttr)
	return t
}

// ArrayOf returns the array type elem[n]. Arrays appear as struct or union members.
func ArrayOf(elem *Type, n int) *Type {
	t := &Type{Kind: Array, Elem: elem, Len: n}
	var m measure
	size, align := int64(0), int64(1)
	switch {
	case n < 0:
		m.fail(typeErrorf(ErrMalformed, "%s: array length %d is negative", brief(t), n))
	case n > MaxTypeSize:
		m.fail(typeErrorf(ErrTooLarge, "%s: array length %d is larger than %d", brief(t), n, MaxTypeSize))
	}
	if m.member(Field{Type: elem}) {
		if elem.Kind == Void {
			m.fail(typeErrorf(ErrMalformed, "array of void"))
		}
		size, align = mulSat(int64(elem.size), int64(max(n, 0))), int64(elem.align)
	}
	m.finish(t, size, align, 0)
	return t
}

// A measure accumulates what a constructor learns from the members of a new aggregate:
// its depth, its member count and the first limit or rule broken.
type measure struct {
	depth, members int
	err            *typeError
}

func (m *measure) fail(err *typeError) {
	if m.err == nil {
		m.err = err
	}
}

// member takes in one member and reports whether its size and alignment can be used.
func (m *measure) member(f Field) bool {
	t := f.Type
	if t == nil {
		m.fail(typeErrorf(ErrMalformed, "member %q has no type", f.Name))
		return false
	}
	m.depth = max(m.depth, t.depth)
	m.members = min(m.members+1+t.members, MaxMembers+1)
	if t.err != nil {
		m.fail(t.err)
	}
	if !isPowerOfTwo(t.align) || t.align > MaxTypeSize || t.size < 0 || t.size > MaxTypeSize {
		// Only a struct literal or a copy of a Type changed by hand gets here.
		m.fail(typeErrorf(ErrMalformed, "member %q (%v) was not made by abi's constructors (size %d, alignment %d)", f.Name, t.Kind, t.size, t.align))
		return false
	}
	return true
}

// finish sets t's size, alignment, depth and member count, and its error if it breaks a
// limit or its members did.
func (m *measure) finish(t *Type, size, align int64, alignAttr int) {
	if alignAttr != 0 {
		switch {
		case !isPowerOfTwo(alignAttr):
			m.fail(typeErrorf(ErrMalformed, "aligned(%d) is not a power of two", alignAttr))
		case alignAttr > MaxTypeSize:
			m.fail(typeErrorf(ErrTooLarge, "aligned(%d) is larger than %d", alignAttr, MaxTypeSize))
		default:
			align = max(align, int64(alignAttr))
		}
	}
	size = alignUp64(size, align)
	t.size, t.align = int(min(size, MaxTypeSize)), int(align)
	t.depth, t.members = min(m.depth+1, MaxTypeDepth+1), m.members
	switch {
	case m.err != nil:
		t.err = m.err
	case size > MaxTypeSize:
		t.err = typeErrorf(ErrTooLarge, "%s is larger than %d bytes", brief(t), MaxTypeSize)
	case t.depth > MaxTypeDepth:
		t.err = typeErrorf(ErrTooDeep, "structs, unions and arrays nested more than %d deep", MaxTypeDepth)
	case t.members > MaxMembers:
		t.err = typeErrorf(ErrTooDeep, "more than %d members in all", MaxMembers)
	}
}

// Equal reports whether a and b are the same type, member names included. Types beyond
// MaxTypeDepth or MaxMembers are equal only when they are the same *Type.
func Equal(a, b *Type) bool {
	left := MaxMembers + 1
	return equal(a, b, 1, &left)
}

func equal(a, b *Type, level int, left *int) bool {
	if a == b {
		return true
	}
	if *left--; *left < 0 || level > MaxTypeDepth+1 {
		return false
	}
	if a == nil || b == nil || a.Kind != b.Kind || a.size != b.size || a.align != b.align ||
		a.Packed != b.Packed || a.AlignAttr != b.AlignAttr || a.Len != b.Len || len(a.Fields) != len(b.Fields) {
		return false
	}
	if a.Kind == Array && !equal(a.Elem, b.Elem, level+1, left) {
		return false
	}
	for i := range a.Fields {
		fa, fb := a.Fields[i], b.Fields[i]
		if fa.Name != fb.Name || fa.Offset != fb.Offset || !equal(fa.Type, fb.Type, level+1, left) {
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
	if a == nil || b == nil {
		return a == b
	}
	left := MaxMembers + 1 + len(a.Params)
	if a.Fixed != b.Fixed || len(a.Params) != len(b.Params) || !equal(a.Result, b.Result, 1, &left) {
		return false
	}
	for i := range a.Params {
		if !equal(a.Params[i], b.Params[i], 1, &left) {
			return false
		}
	}
	return true
}

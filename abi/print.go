package abi

import (
	"strconv"
	"strings"
)

var canonicalNames = [...]string{
	Void: "void", Bool: "bool", Int8: "int8_t", Int16: "int16_t", Int32: "int32_t", Int64: "int64_t",
	Uint8: "uint8_t", Uint16: "uint16_t", Uint32: "uint32_t", Uint64: "uint64_t",
	Float32: "float", Float64: "double", Pointer: "void*",
}

// String returns the type in the canonical text ParseType reads back: scalars by their
// fixed-width names (int32_t, uint8_t, bool, float, double, void*, void), structs and
// unions with their members inline, as in
//
//	struct{int32_t x; float y[3]; struct{double; void* p;} inner;}
//	struct __attribute__((packed, aligned(16))) {int8_t c; int32_t i;}
//
// Unnamed members are printed without a name; an array type on its own prints as
// "float[3]". A type beyond MaxTypeDepth or MaxMembers (one that contains itself, say)
// prints "…" where the limit is reached.
func (t *Type) String() string {
	p := printer{left: MaxMembers + 1}
	p.writeType(t, 1)
	return p.b.String()
}

// String returns the signature in the canonical text ParseSignature reads back, such as
// "int32_t (void*, ..., double)" for a variadic call or "void (void)" for a function
// without parameters.
func (s *Signature) String() string {
	if s == nil {
		return "<nil>"
	}
	p := printer{left: MaxMembers + 1 + len(s.Params)}
	b := &p.b
	p.writeType(s.Result, 1)
	b.WriteString(" (")
	fixed := min(s.Fixed, len(s.Params))
	if len(s.Params) == 0 && fixed < 0 {
		b.WriteString("void")
	}
	for i, t := range s.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		if i == fixed {
			b.WriteString("..., ")
		}
		p.writeType(t, 1)
	}
	if fixed == len(s.Params) {
		if fixed > 0 {
			b.WriteString(", ")
		}
		b.WriteString("...")
	}
	b.WriteString(")")
	return b.String()
}

// A printer writes types, and stops descending where a walk of the type would break
// MaxTypeDepth or MaxMembers.
type printer struct {
	b    strings.Builder
	left int // types still allowed to be printed
}

// writeType writes t, found at nesting level level.
func (p *printer) writeType(t *Type, level int) {
	b := &p.b
	if p.left--; p.left < 0 || level > MaxTypeDepth+1 {
		b.WriteString("…")
		return
	}
	switch {
	case t == nil:
		b.WriteString("<nil>")
	case t.Kind == Struct || t.Kind == Union:
		p.writeAggregate(t, level)
	case t.Kind == Array:
		elem, dims := splitArray(t)
		p.writeType(elem, level+len(dims))
		writeDims(b, dims)
	case int(t.Kind) < len(canonicalNames):
		b.WriteString(canonicalNames[t.Kind])
	default:
		b.WriteString(t.Kind.String())
	}
}

func (p *printer) writeAggregate(t *Type, level int) {
	b := &p.b
	if t.Kind == Union {
		b.WriteString("union")
	} else {
		b.WriteString("struct")
	}
	if t.Packed || t.AlignAttr > 0 {
		b.WriteString(" __attribute__((")
		if t.Packed {
			b.WriteString("packed")
			if t.AlignAttr > 0 {
				b.WriteString(", ")
			}
		}
		if t.AlignAttr > 0 {
			b.WriteString("aligned(")
			b.WriteString(strconv.Itoa(t.AlignAttr))
			b.WriteString(")")
		}
		b.WriteString(")) ")
	}
	b.WriteString("{")
	for i, f := range t.Fields {
		if i > 0 {
			b.WriteString(" ")
		}
		elem, dims := splitArray(f.Type)
		p.writeType(elem, level+1+len(dims))
		if f.Name != "" {
			b.WriteString(" ")
			b.WriteString(f.Name)
		}
		writeDims(b, dims)
		b.WriteString(";")
	}
	b.WriteString("}")
}

// splitArray returns the innermost element type of a (possibly nested) array and the
// lengths from the outermost in: float[3][2] is 3 arrays of 2 floats. It stops after
// MaxTypeDepth+1 dimensions, which only a type beyond the limit has.
func splitArray(t *Type) (*Type, []int) {
	var dims []int
	for t != nil && t.Kind == Array && len(dims) <= MaxTypeDepth {
		dims = append(dims, t.Len)
		t = t.Elem
	}
	return t, dims
}

func writeDims(b *strings.Builder, dims []int) {
	for _, n := range dims {
		b.WriteString("[")
		b.WriteString(strconv.Itoa(n))
		b.WriteString("]")
	}
}

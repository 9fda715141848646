package ctest

import (
	"fmt"
	"strings"

	"github.com/jitffi/jitffi/abi"
)

// Prelude declares the fixed-width integer names the generated C uses. The file includes
// no headers, so it must declare them itself; int64_t is long long rather than long so
// that the same text is right under LLP64 (mingw) as well as LP64.
const Prelude = `typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long long int64_t;
typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
_Static_assert(sizeof(int64_t) == 8 && sizeof(void *) == 8, "ctest needs 8-byte long long and pointers");
`

var scalarNames = [...]string{
	abi.Void: "void", abi.Bool: "_Bool", abi.Int8: "int8_t", abi.Int16: "int16_t",
	abi.Int32: "int32_t", abi.Int64: "int64_t", abi.Uint8: "uint8_t", abi.Uint16: "uint16_t",
	abi.Uint32: "uint32_t", abi.Uint64: "uint64_t", abi.Float32: "float", abi.Float64: "double",
	abi.Pointer: "void *",
}

// CType returns a C type name for t that needs nothing but Prelude: a scalar's name, or a
// struct or union definition written inline with its attributes. Each inline definition
// is a distinct C type, so CType suits a cast, a sizeof or one variable; code that passes
// values between functions needs the shared names of a Types. An array prints as an
// abstract declarator such as "int32_t[3]"; use CDecl to declare a variable of it.
func CType(t *abi.Type) string {
	var b strings.Builder
	writeCType(&b, t)
	if t.Kind == abi.Array {
		writeDims(&b, t)
	}
	return b.String()
}

// CDecl returns a C declaration of name with type t, such as "int32_t name[3][2]" or
// "struct { float m0; } name", built like CType.
func CDecl(t *abi.Type, name string) string {
	var b strings.Builder
	writeCType(&b, t)
	b.WriteString(" ")
	b.WriteString(name)
	writeDims(&b, t)
	return b.String()
}

// writeCType writes t's innermost element type (t itself unless t is an array).
func writeCType(b *strings.Builder, t *abi.Type) {
	for t.Kind == abi.Array {
		t = t.Elem
	}
	if t.Kind != abi.Struct && t.Kind != abi.Union {
		b.WriteString(scalarName(t))
		return
	}
	b.WriteString(aggregateHead(t))
	b.WriteString("{ ")
	for i, f := range t.Fields {
		b.WriteString(CDecl(f.Type, memberName(i)))
		b.WriteString("; ")
	}
	b.WriteString("}")
}

// writeDims writes the array dimensions of t, outermost first, as C declares them.
func writeDims(b *strings.Builder, t *abi.Type) {
	for t.Kind == abi.Array {
		fmt.Fprintf(b, "[%d]", t.Len)
		t = t.Elem
	}
}

func scalarName(t *abi.Type) string {
	if int(t.Kind) < len(scalarNames) && scalarNames[t.Kind] != "" {
		return scalarNames[t.Kind]
	}
	panic("ctest: no C name for " + t.Kind.String())
}

// aggregateHead returns "struct " or "union " with the type's attributes.
func aggregateHead(t *abi.Type) string {
	kw := "struct "
	if t.Kind == abi.Union {
		kw = "union "
	}
	var attrs []string
	if t.Packed {
		attrs = append(attrs, "packed")
	}
	if t.AlignAttr > 0 {
		attrs = append(attrs, fmt.Sprintf("aligned(%d)", t.AlignAttr))
	}
	if len(attrs) > 0 {
		kw += "__attribute__((" + strings.Join(attrs, ", ") + ")) "
	}
	return kw
}

// memberName names member i. Members are always named, whatever their abi names: C drops
// an unnamed scalar member ("int;" declares nothing), which would change the layout, and
// fixed names keep the generated text independent of the signature's spelling.
func memberName(i int) string { return fmt.Sprintf("m%d", i) }

// Types gives C names to abi types for one generated file. Each struct, union and array
// gets a typedef, declared once, so that a callee and its callers agree on the type; the
// typedef comes with _Static_assert checks that the compiler lays it out exactly as
// package abi does. Two Types that see the same types in the same order produce the same
// names and declarations, which is what lets two generated files share prototypes.
type Types struct {
	prefix string
	decls  strings.Builder
	names  map[string]string // canonical type text -> typedef name
}

// NewTypes returns an empty set of type names; the typedefs are called prefix0, prefix1...
func NewTypes(prefix string) *Types {
	return &Types{prefix: prefix, names: map[string]string{}}
}

// Name returns the C name of t, declaring a typedef for it and for the types it contains
// the first time it is seen.
func (ts *Types) Name(t *abi.Type) string {
	if !t.Kind.IsAggregate() {
		return scalarName(t)
	}
	key := t.String()
	if n, ok := ts.names[key]; ok {
		return n
	}
	var def strings.Builder
	if t.Kind == abi.Array {
		elem := ts.Name(t.Elem)
		n := fmt.Sprintf("%s%d", ts.prefix, len(ts.names))
		fmt.Fprintf(&def, "typedef %s %s[%d];\n", elem, n, t.Len)
		ts.names[key] = n
		ts.decls.WriteString(def.String())
		ts.assertLayout(n, t)
		return n
	}
	members := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		members[i] = ts.Name(f.Type) + " " + memberName(i) + ";"
	}
	n := fmt.Sprintf("%s%d", ts.prefix, len(ts.names))
	ts.names[key] = n
	fmt.Fprintf(&ts.decls, "typedef %s{ %s } %s;\n", aggregateHead(t), strings.Join(members, " "), n)
	ts.assertLayout(n, t)
	for i, f := range t.Fields {
		fmt.Fprintf(&ts.decls, "_Static_assert(__builtin_offsetof(%s, %s) == %d, \"offset of %s.%s\");\n",
			n, memberName(i), f.Offset, n, memberName(i))
	}
	return n
}

func (ts *Types) assertLayout(n string, t *abi.Type) {
	fmt.Fprintf(&ts.decls, "_Static_assert(sizeof(%s) == %d && _Alignof(%s) == %d, \"layout of %s: %s\");\n",
		n, t.Size(), n, t.Align(), n, strings.ReplaceAll(t.String(), `"`, ``))
}

// Decls returns the typedefs and layout checks declared so far, in dependency order.
func (ts *Types) Decls() string { return ts.decls.String() }

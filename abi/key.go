package abi

import (
	"strconv"
	"strings"
)

// LayoutKey returns a string that is equal for two signatures exactly when every call
// through them moves the same bytes: it spells out each type's kind, size, alignment,
// packing and member offsets, and leaves out member names. Stubs are cached by it, so
// structs that differ only in names share a stub, and no name, however odd, can make two
// different layouts look alike.
func LayoutKey(sig *Signature) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(sig.Fixed))
	b.WriteByte('(')
	writeLayoutKey(&b, sig.Result)
	for _, p := range sig.Params {
		b.WriteByte(',')
		writeLayoutKey(&b, p)
	}
	b.WriteByte(')')
	return b.String()
}

func writeLayoutKey(b *strings.Builder, t *Type) {
	b.WriteString(strconv.Itoa(int(t.Kind)))
	b.WriteByte(':')
	b.WriteString(strconv.Itoa(t.size))
	b.WriteByte('/')
	b.WriteString(strconv.Itoa(t.align))
	if t.Packed {
		b.WriteByte('p')
	}
	if t.AlignAttr != 0 {
		b.WriteString("a" + strconv.Itoa(t.AlignAttr))
	}
	switch t.Kind {
	case Array:
		b.WriteString("[" + strconv.Itoa(t.Len))
		writeLayoutKey(b, t.Elem)
		b.WriteByte(']')
	case Struct, Union:
		b.WriteByte('{')
		for _, f := range t.Fields {
			b.WriteString(strconv.Itoa(f.Offset))
			b.WriteByte('@')
			writeLayoutKey(b, f.Type)
			b.WriteByte(';')
		}
		b.WriteByte('}')
	}
}

// Clone returns a deep copy of sig, so that a binding can keep a signature its caller may
// go on changing.
func (s *Signature) Clone() *Signature {
	c := &Signature{Result: s.Result.clone(), Params: make([]*Type, len(s.Params)), Fixed: s.Fixed}
	for i, p := range s.Params {
		c.Params[i] = p.clone()
	}
	return c
}

func (t *Type) clone() *Type {
	if t == nil || t.Kind.IsScalar() || t.Kind == Void {
		return t
	}
	c := *t
	c.Elem = t.Elem.clone()
	if t.Fields != nil {
		c.Fields = make([]Field, len(t.Fields))
		for i, f := range t.Fields {
			c.Fields[i] = Field{Name: f.Name, Type: f.Type.clone(), Offset: f.Offset}
		}
	}
	return &c
}

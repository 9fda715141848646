package abi

import (
	"strconv"
)

// LayoutKey returns a string that is equal for two signatures exactly when every call
// through them moves the same bytes: it spells out each type's kind, size, alignment,
// packing and member offsets, and leaves out member names. Stubs are cached by it, so
// structs that differ only in names share a stub, and no name, however odd, can make two
// different layouts look alike. That holds for the signatures CheckSignature accepts; for
// a type beyond MaxTypeDepth or MaxMembers the key stops with a "!" where the limit is
// reached, so two such types may share a key. The limits count for the whole signature.
func LayoutKey(sig *Signature) string {
	if sig == nil {
		return "!nil"
	}
	// A key is built on every bind, so it goes into one buffer that usually needs no
	// growing, with numbers appended in place.
	k := keyWriter{b: make([]byte, 0, 256)}
	k.b = strconv.AppendInt(k.b, int64(sig.Fixed), 10)
	k.b = append(k.b, '(')
	k.left = MaxMembers + 1 + len(sig.Params)
	k.write(sig.Result, 1)
	for _, p := range sig.Params {
		k.b = append(k.b, ',')
		k.write(p, 1)
	}
	k.b = append(k.b, ')')
	return string(k.b)
}

// A keyWriter writes layout keys, and stops descending where a walk of the type would
// break MaxTypeDepth or MaxMembers.
type keyWriter struct {
	b    []byte
	left int // types still allowed to be written
}

func (k *keyWriter) write(t *Type, level int) {
	if k.left--; k.left < 0 || level > MaxTypeDepth+1 || t == nil {
		k.b = append(k.b, '!')
		return
	}
	k.b = strconv.AppendInt(k.b, int64(t.Kind), 10)
	k.b = append(k.b, ':')
	k.b = strconv.AppendInt(k.b, int64(t.size), 10)
	k.b = append(k.b, '/')
	k.b = strconv.AppendInt(k.b, int64(t.align), 10)
	if t.Packed {
		k.b = append(k.b, 'p')
	}
	if t.AlignAttr != 0 {
		k.b = append(k.b, 'a')
		k.b = strconv.AppendInt(k.b, int64(t.AlignAttr), 10)
	}
	switch t.Kind {
	case Array:
		k.b = append(k.b, '[')
		k.b = strconv.AppendInt(k.b, int64(t.Len), 10)
		k.write(t.Elem, level+1)
		k.b = append(k.b, ']')
	case Struct, Union:
		k.b = append(k.b, '{')
		for _, f := range t.Fields {
			k.b = strconv.AppendInt(k.b, int64(f.Offset), 10)
			k.b = append(k.b, '@')
			k.write(f.Type, level+1)
			k.b = append(k.b, ';')
		}
		k.b = append(k.b, '}')
	}
}

// Clone returns a deep copy of sig, so that a binding can keep a signature its caller may
// go on changing. Scalars made with Scalar are shared, as they never change. A type
// beyond MaxTypeDepth or MaxMembers (counted over the whole signature), which
// CheckSignature refuses, is copied only down to where the limit is reached and shares
// the rest with sig.
func (s *Signature) Clone() *Signature {
	if s == nil {
		return nil
	}
	c := &Signature{Params: make([]*Type, len(s.Params)), Fixed: s.Fixed}
	left := MaxMembers + 1 + len(s.Params)
	c.Result = s.Result.clone(1, &left)
	for i, p := range s.Params {
		c.Params[i] = p.clone(1, &left)
	}
	return c
}

func (t *Type) clone(level int, left *int) *Type {
	if t == nil || (t.Kind <= Pointer && t == scalars[t.Kind]) {
		return t
	}
	if *left--; *left < 0 || level > MaxTypeDepth+1 {
		return t
	}
	c := *t
	c.Elem = t.Elem.clone(level+1, left)
	if t.Fields != nil {
		c.Fields = make([]Field, len(t.Fields))
		for i, f := range t.Fields {
			c.Fields[i] = Field{Name: f.Name, Type: f.Type.clone(level+1, left), Offset: f.Offset}
		}
	}
	return &c
}

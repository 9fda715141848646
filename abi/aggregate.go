package abi

import (
	"fmt"
	"math"
)

// Structs, unions and enums: their definitions, with members or enumerators, and their
// references by tag, which name a type defined earlier in the text or in the type
// environment, or an incomplete type.

// parseTagged reads a struct, union or enum specifier, starting at its keyword.
func (p *parser) parseTagged() ctype {
	if p.isIdent("enum") {
		return p.parseEnum()
	}
	kw, kwPos := p.tok.text, p.tok.pos
	p.depth++
	if p.depth > MaxTypeDepth {
		p.failLimit(kwPos, ErrTooDeep, "structs and unions nested more than %d deep", MaxTypeDepth)
	}
	defer func() { p.depth-- }()
	p.next()
	var attr attrs
	p.parseAttributes(&attr)
	tag, tagPos := "", 0
	if p.tok.kind == tokIdent && !isKeyword(p.tok.text) {
		tag, tagPos = p.tok.text, p.tok.pos
		p.next()
	}
	if !p.is("{") {
		if tag == "" {
			p.expected(fmt.Sprintf("'{' or a tag after '%s'", kw))
		}
		return p.tagReference(kw, tag, tagPos)
	}
	p.next()
	var fields []Field
	var fieldPos []int
	var total int64 // running bound on the size, to stop overflow early
	for !p.is("}") {
		if p.tok.kind == tokEOF {
			p.expected(fmt.Sprintf("a member or '}' to end the %s", kw))
		}
		fs, ps := p.parseMemberDecl(kw)
		for i, f := range fs {
			total += int64(f.Type.Size()) + int64(f.Type.Align())
			if total > MaxTypeSize {
				p.failLimit(ps[i], ErrTooLarge, "%s is larger than %d bytes", kw, MaxTypeSize)
			}
		}
		fields = append(fields, fs...)
		fieldPos = append(fieldPos, ps...)
	}
	p.next()
	p.parseAttributes(&attr)
	checkDuplicates(p, fields, fieldPos, kw)
	var t *Type
	if kw == "union" {
		if attr.packed {
			p.failf(attr.packedPos, "packed unions are not supported")
		}
		if attr.align > 0 {
			t = AlignedUnionOf(attr.align, fields...)
		} else {
			t = UnionOf(fields...)
		}
	} else {
		switch {
		case attr.align > 0:
			t = AlignedStructOf(attr.align, attr.packed, fields...)
		case attr.packed:
			t = PackedStructOf(fields...)
		default:
			t = StructOf(fields...)
		}
	}
	p.checkLimits(kwPos, t)
	if tag != "" {
		p.defineTag(kw, tag, tagPos, t)
	}
	return ctype{t: t}
}

// tagReference returns the type "kw tag" names: the complete type defined under that
// tag, or an incomplete type.
func (p *parser) tagReference(kw, tag string, pos int) ctype {
	if def := p.lookupTag(tag); def != nil {
		if def.kw != kw {
			p.failf(pos, "'%s' is the tag of %s %s, not of a %s", tag, article(def.kw), def.kw, kw)
		}
		if def.t != nil {
			return ctype{t: def.t}
		}
	}
	return ctype{tag: kw + " " + tag, pos: pos}
}

func article(kw string) string {
	if kw == "union" || kw == "enum" {
		return "an"
	}
	return "a"
}

// parseMemberDecl reads one member declaration: a type followed by one or more
// declarators separated by commas and a ';'. It returns the members and their positions.
func (p *parser) parseMemberDecl(kw string) ([]Field, []int) {
	declPos := p.tok.pos
	base, _ := p.parseSpecifiers(ctxMember)
	var fields []Field
	var poss []int
	for {
		pos := p.tok.pos
		d := p.parseDeclarator(ctxMember)
		name := d.name
		if name != "" {
			pos = d.namePos
		}
		if len(d.ops) == 0 && base.isVoid() {
			p.failf(declPos, "a %s member cannot have type void", kw)
		}
		if p.is(":") {
			p.failf(p.tok.pos, "bit-fields are not supported")
		}
		p.parseDeclTrailer(false)
		t := p.derive(base, d)
		if t.fn != nil {
			p.failf(pos, "a %s member cannot be a function; use a pointer to the function", kw)
		}
		if name == "" && len(fields) == 0 {
			pos = declPos
		}
		fields = append(fields, Field{Name: name, Type: p.objectType(t, pos, "a member")})
		poss = append(poss, pos)
		if p.is(";") {
			p.next()
			break
		}
		if p.is(",") {
			if name == "" {
				p.failf(p.tok.pos, "expected a field name before ','")
			}
			p.next()
			if p.tok.kind != tokIdent && !p.is("*") && !p.is("(") {
				p.expected("a field name after ','")
			}
			continue
		}
		if name == "" {
			p.expected("a field name, '[' or ';' after field type")
		}
		p.expected("';', ',' or '[' after field name")
	}
	for i, f := range fields {
		if len(fields) > 1 && f.Name == "" {
			p.failf(poss[i], "expected a field name")
		}
	}
	return fields, poss
}

// parseEnum reads an enum specifier, starting at 'enum'. An enum's type is the one gcc
// and clang give it: unsigned int when no value is negative, int otherwise, and a 64-bit
// type for values beyond those under LP64; MSVC's int under LLP64.
func (p *parser) parseEnum() ctype {
	kwPos := p.tok.pos
	p.next()
	var attr attrs
	p.parseAttributes(&attr)
	tag, tagPos := "", 0
	if p.tok.kind == tokIdent && !isKeyword(p.tok.text) {
		tag, tagPos = p.tok.text, p.tok.pos
		p.next()
	}
	if !p.is("{") {
		if tag == "" {
			p.expected("'{' or a tag after 'enum'")
		}
		return p.tagReference("enum", tag, tagPos)
	}
	p.next()
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	next, overflow := int64(0), false
	for !p.is("}") {
		if p.tok.kind != tokIdent {
			p.expected("an enumerator name")
		}
		p.checkName("enumerator")
		name, pos := p.tok.text, p.tok.pos
		p.next()
		p.skipAttributes()
		v := next
		if p.is("=") {
			p.next()
			v = p.constExpr()
		} else if overflow {
			p.failf(pos, "enumerator '%s' overflows int64", name)
		}
		p.defineConst(name, pos, v)
		lo, hi = min(lo, v), max(hi, v)
		next, overflow = v+1, v == math.MaxInt64
		if p.is(",") {
			p.next()
		} else if !p.is("}") {
			p.expected("',' or '}' after an enumerator")
		}
	}
	if lo > hi {
		p.failf(p.tok.pos, "an enum needs at least one enumerator")
	}
	p.next()
	p.parseAttributes(&attr)
	if attr.packed || attr.align > 0 {
		p.failf(kwPos, "packed and aligned enums are not supported")
	}
	var k Kind
	switch {
	case p.model == LLP64 && (lo < math.MinInt32 || hi > math.MaxInt32):
		p.failf(kwPos, "enum values beyond int are not supported under LLP64 (MSVC makes every enum an int)")
	case p.model == LLP64:
		k = Int32
	case lo >= 0 && hi <= math.MaxUint32:
		k = Uint32
	case lo >= 0:
		k = Uint64
	case lo >= math.MinInt32 && hi <= math.MaxInt32:
		k = Int32
	default:
		k = Int64
	}
	t := Scalar(k)
	if tag != "" {
		p.defineTag("enum", tag, tagPos, t)
	}
	return ctype{t: t}
}

// checkDuplicates rejects a struct or union with two members of the same name, counting
// the members of unnamed struct and union members as C11 does.
func checkDuplicates(p *parser, fields []Field, pos []int, kw string) {
	seen := map[string]bool{}
	for i, f := range fields {
		var names []string
		if f.Name != "" {
			names = []string{f.Name}
		} else {
			names = promotedNames(f.Type, nil)
		}
		for _, n := range names {
			if seen[n] {
				p.failf(pos[i], "duplicate member '%s' in %s", n, kw)
			}
			seen[n] = true
		}
	}
}

// promotedNames appends the member names an unnamed member of type t brings into the
// enclosing struct or union.
func promotedNames(t *Type, names []string) []string {
	if t.Kind != Struct && t.Kind != Union {
		return names
	}
	for _, f := range t.Fields {
		if f.Name != "" {
			names = append(names, f.Name)
		} else {
			names = promotedNames(f.Type, names)
		}
	}
	return names
}

package abi

import (
	"fmt"
	"strings"
)

// Declarators: the part of a C declaration after its specifiers that names what is
// declared and derives its type from theirs (pointers, arrays, functions), as in
// "*const argv[]" or "(*signal(int, void (*)(int)))(int)".

// A ctype is a C type as the parser holds it before a use decides whether it must be
// complete: a complete type, a function type, or an incomplete one (a struct, union or
// enum declared nowhere yet, or a name declared nowhere). Only a use by value needs a
// complete type; a pointer to anything is a pointer.
type ctype struct {
	t  *Type  // a complete type, void included, or nil
	fn *cfunc // a function type, or nil
	// tag is what an incomplete type is called: "struct foo", or an undeclared name
	// (undeclared set), named at pos.
	tag        string
	undeclared bool
	pos        int
	// char marks a character type (char, signed char, unsigned char), charPtr a pointer
	// to one, and fnPtr is the function type a pointer points to.
	char, charPtr bool
	fnPtr         *cfunc
}

func (t ctype) isVoid() bool { return t.t != nil && t.t.Kind == Void }

// A cfunc is a function type: its result, parameters and variadic split.
type cfunc struct {
	result ctype
	params []cparam
	fixed  int // as Signature.Fixed
	pos    int // of its '('
}

type cparam struct {
	t    ctype
	name string
	pos  int
}

// A declarator is a declared name (or none, in an abstract declarator) and the
// derivations that make its type from the specifiers' type, in the order they apply.
type declarator struct {
	name    string
	namePos int
	ops     []derivation
}

type derivKind uint8

const (
	derivPointer derivKind = iota
	derivArray
	derivFunc
)

type derivation struct {
	kind derivKind
	n    int // array length, or -1 for []
	fn   *cfunc
	pos  int
}

// A declContext says where a declaration is, which decides what it may hold.
type declContext uint8

const (
	ctxTop     declContext = iota // the function declaration given to ParsePrototype
	ctxType                       // the type given to ParseType: no name
	ctxDeclare                    // a declaration given to TypeEnv.Declare
	ctxParam                      // a parameter
	ctxMember                     // a struct or union member
)

var contextNames = [...]string{ctxTop: "function", ctxType: "type", ctxDeclare: "declaration", ctxParam: "parameter", ctxMember: "field"}

// parseDeclarator reads a declarator: pointers, then a name, a parenthesized declarator
// or nothing, then array and function suffixes.
func (p *parser) parseDeclarator(ctx declContext) declarator {
	p.enter(p.tok.pos)
	defer p.leave()
	var d declarator
	var ptrs []derivation
pointers:
	for {
		switch {
		case p.is("*"):
			ptrs = append(ptrs, derivation{kind: derivPointer, pos: p.tok.pos})
			p.next()
		case p.tok.kind == tokIdent && qualifiers[p.tok.text]:
			p.next()
		case p.skipCallingConvention() || p.skipAttributes():
		default:
			break pointers
		}
	}
	var inner *declarator
	switch {
	case p.is("(") && p.nestedDeclaratorAhead():
		p.next()
		in := p.parseDeclarator(ctx)
		p.expect(")", "to close the declarator")
		inner = &in
	case p.tok.kind == tokIdent && ctx != ctxType && !isAsmLabel(p.tok.text):
		p.checkName(contextNames[ctx])
		d.name, d.namePos = p.tok.text, p.tok.pos
		p.next()
	}
	suffixes := p.parseSuffixes(ctx)
	d.ops = ptrs
	for i := len(suffixes) - 1; i >= 0; i-- {
		d.ops = append(d.ops, suffixes[i])
	}
	if inner != nil {
		d.ops = append(d.ops, inner.ops...)
		d.name, d.namePos = inner.name, inner.namePos
	}
	if d.name == "" {
		d.namePos = p.tok.pos
	}
	return d
}

// nestedDeclaratorAhead reports whether the '(' at the current token starts a
// parenthesized declarator, as in "(*f)(int)", rather than a parameter list.
func (p *parser) nestedDeclaratorAhead() bool {
	save := p.snapshot()
	defer func() { p.lexer = save }()
	p.next()
	for p.skipCallingConvention() || p.skipAttributes() {
	}
	switch {
	case p.is("*") || p.is("("):
		return true
	case p.tok.kind != tokIdent || p.startsType(p.tok.text):
		return false
	}
	// An undeclared name: "(f)(int)" declares f, "(foo)" is a parameter of type foo.
	p.next()
	if !p.is(")") {
		return false
	}
	p.next()
	return p.is("(") || p.is("[")
}

// parseSuffixes reads array and function suffixes in text order.
func (p *parser) parseSuffixes(ctx declContext) []derivation {
	var out []derivation
	arrays := 0
	for {
		switch {
		case p.is("["):
			pos := p.tok.pos
			p.next()
			for p.isIdent("static") || (p.tok.kind == tokIdent && qualifiers[p.tok.text]) {
				p.next()
			}
			n, lenPos := -1, p.tok.pos
			if p.is("]") {
				if ctx != ctxParam && ctx != ctxDeclare {
					p.failf(p.tok.pos, "arrays need a length; flexible array members are not supported")
				}
			} else {
				n = p.arrayLength()
			}
			p.expect("]", "after the array length")
			pos = lenPos // where errors about the dimension point
			// Counted as they come, so that a million dimensions cost no more than
			// MaxTypeDepth of them.
			if arrays++; arrays > MaxTypeDepth {
				p.failLimit(pos, ErrTooDeep, "structs, unions and arrays nested more than %d deep", MaxTypeDepth)
			}
			out = append(out, derivation{kind: derivArray, n: n, pos: pos})
		case p.is("("):
			pos := p.tok.pos
			out = append(out, derivation{kind: derivFunc, fn: p.parseParams(), pos: pos})
		default:
			return out
		}
	}
}

// arrayLength reads an array length: a constant expression from 0 to MaxTypeSize.
func (p *parser) arrayLength() int {
	pos := p.tok.pos
	v := p.constExpr()
	switch {
	case v < 0:
		p.failf(pos, "array length %d is negative", v)
	case v > MaxTypeSize:
		p.failLimit(pos, ErrTooLarge, "array length %d is larger than %d", v, MaxTypeSize)
	}
	return int(v)
}

// parseParams reads a parameter list, from its '(' to its ')'.
func (p *parser) parseParams() *cfunc {
	f := &cfunc{fixed: -1, pos: p.tok.pos}
	p.enter(p.tok.pos)
	defer p.leave()
	p.next()
	if p.is(")") {
		p.next()
		return f
	}
	voidPos := -1 // position of a lone "void" parameter
	for {
		if p.is("...") {
			if f.fixed >= 0 {
				p.failf(p.tok.pos, "only one '...' is allowed")
			}
			f.fixed = len(f.params)
			p.next()
		} else {
			pos := p.tok.pos
			base, _ := p.parseSpecifiers(ctxParam)
			d := p.parseDeclarator(ctxParam)
			p.parseDeclTrailer(false)
			if len(d.ops) == 0 && base.isVoid() {
				if d.name != "" {
					p.failf(pos, "a parameter cannot have type void")
				}
				if voidPos >= 0 || len(f.params) > 0 || f.fixed >= 0 {
					p.failf(pos, "'void' must be the only parameter")
				}
				voidPos = pos
			} else {
				if voidPos >= 0 {
					p.failf(voidPos, "'void' must be the only parameter")
				}
				// C adjusts a parameter declared as an array to a pointer to its
				// element, and one declared as a function to a pointer to it.
				switch n := len(d.ops); {
				case n > 0 && d.ops[n-1].kind == derivArray:
					d.ops[n-1] = derivation{kind: derivPointer, pos: d.ops[n-1].pos}
				case n > 0 && d.ops[n-1].kind == derivFunc, n == 0 && base.fn != nil:
					d.ops = append(d.ops, derivation{kind: derivPointer, pos: pos})
				}
				f.params = append(f.params, cparam{t: p.derive(base, d), name: d.name, pos: pos})
			}
		}
		if p.is(")") {
			break
		}
		if !p.is(",") {
			p.expected("',' or ')' after parameter")
		}
		p.next()
		if voidPos >= 0 {
			p.failf(voidPos, "'void' must be the only parameter")
		}
	}
	p.next()
	return f
}

// derive applies d's derivations to the specifiers' type base.
func (p *parser) derive(base ctype, d declarator) ctype {
	t := base
	for _, op := range d.ops {
		switch op.kind {
		case derivPointer:
			t = ctype{t: Scalar(Pointer), charPtr: t.char, fnPtr: t.fn}
		case derivArray:
			if t.fn != nil {
				p.failf(op.pos, "an array cannot hold functions; use an array of function pointers")
			}
			if op.n < 0 {
				p.failf(op.pos, "arrays need a length; flexible array members are not supported")
			}
			if t.isVoid() {
				p.failf(op.pos, "array of void")
			}
			elem := p.objectType(t, op.pos, "an array element")
			if elem.Size() > 0 && op.n > MaxTypeSize/elem.Size() {
				p.failLimit(op.pos, ErrTooLarge, "array is larger than %d bytes", MaxTypeSize)
			}
			a := ArrayOf(elem, op.n)
			p.checkLimits(op.pos, a)
			t = ctype{t: a}
		case derivFunc:
			switch {
			case t.fn != nil:
				p.failf(op.fn.pos, "a function cannot return a function; return a pointer to it")
			case t.t != nil && t.t.Kind == Array:
				p.failf(op.fn.pos, "a C function cannot return an array")
			}
			f := *op.fn
			f.result = t
			t = ctype{fn: &f}
		}
	}
	return t
}

// objectType returns the complete type t names, or fails at pos (or at the name of an
// incomplete type) saying why what is not one.
func (p *parser) objectType(t ctype, pos int, what string) *Type {
	switch {
	case t.t != nil:
		return t.t
	case t.fn != nil:
		p.failf(pos, "%s cannot be a function; use a pointer to the function", what)
	case t.undeclared:
		p.failf(t.pos, "unknown type name '%s' (declare it in a TypeEnv; a pointer to it needs no declaration)", t.tag)
	}
	if kw, tag, _ := strings.Cut(t.tag, " "); true {
		if def := p.lookupTag(tag); def != nil && def.kw == kw && def.t != nil {
			return def.t
		}
	}
	p.failf(t.pos, "incomplete type '%s': define it (in a TypeEnv or inline, as in %s {...}), or pass a pointer to it", t.tag, t.tag)
	return nil
}

// parseDeclTrailer reads what may follow a declarator: attributes that do not change the
// call and, where asm is allowed, an __asm__("symbol") label, whose string it returns.
func (p *parser) parseDeclTrailer(asm bool) string {
	label := ""
	for p.tok.kind == tokIdent {
		switch {
		case p.skipAttributes() || p.skipCallingConvention():
		case isAsmLabel(p.tok.text):
			if !asm {
				p.failf(p.tok.pos, "an __asm__ label names a function's symbol; it is not allowed here")
			}
			p.next()
			p.expect("(", "after __asm__")
			if p.tok.kind != tokString {
				p.expected("a string literal naming the symbol")
			}
			for p.tok.kind == tokString {
				label += p.stringValue(p.tok)
				p.next()
			}
			p.expect(")", "after the __asm__ label")
		default:
			return label
		}
	}
	return label
}

func isAsmLabel(w string) bool { return w == "__asm__" || w == "__asm" || w == "asm" }

// relocate returns t, from a declaration of the environment (another text), with the
// positions an error about it would report moved to pos in this text.
func (p *parser) relocate(t ctype, pos int) ctype {
	t.pos = pos
	move := func(f *cfunc) *cfunc {
		if f == nil {
			return nil
		}
		g := *f
		g.pos = pos
		g.result.pos = pos
		g.params = append([]cparam(nil), f.params...)
		for i := range g.params {
			g.params[i].pos = pos
			g.params[i].t.pos = pos
		}
		return &g
	}
	t.fn, t.fnPtr = move(t.fn), move(t.fnPtr)
	return t
}

// sameType reports whether two declarations of one name agree: the same layout, the same
// incomplete type, or functions of the same types.
func sameType(a, b ctype) bool {
	switch {
	case a.t != nil || b.t != nil:
		return a.t != nil && b.t != nil && Equal(a.t, b.t) && (a.fnPtr == nil) == (b.fnPtr == nil)
	case a.fn != nil || b.fn != nil:
		if a.fn == nil || b.fn == nil || a.fn.fixed != b.fn.fixed || len(a.fn.params) != len(b.fn.params) || !sameType(a.fn.result, b.fn.result) {
			return false
		}
		for i := range a.fn.params {
			if !sameType(a.fn.params[i].t, b.fn.params[i].t) {
				return false
			}
		}
		return true
	}
	return a.tag == b.tag && a.undeclared == b.undeclared
}

// describe names a ctype for messages.
func (t ctype) describe() string {
	switch {
	case t.t != nil:
		return t.t.String()
	case t.fn != nil:
		return "a function type"
	}
	return fmt.Sprintf("'%s'", t.tag)
}

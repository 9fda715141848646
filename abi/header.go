package abi

import (
	"errors"
	"fmt"
	"slices"
)

// DeclareHeader is Declare for a whole header, run through the preprocessor (cc -E -P):
// system headers hold declarations jitffi cannot read (long double, bit-fields, vector
// types, attributes that change a layout), beside those a program needs. It adds every
// declaration and directive it can read and skips the rest of each one it cannot, up to
// its ';' (or the end of its function body, or of its line). What the declaration
// declared before the point where it failed stays declared (the prototype before a
// function's body, say); what it would have declared after stays unknown to the
// environment: a use of that by value is an error, never a wrong layout.
// It returns why it skipped each, as *ParseError values: those under LP64, then, marked
// with their data model, those skipped under another model only. err is not nil when
// nothing could be added at all (text the lexer cannot read, such as an unterminated
// comment), as in Declare.
func (e *TypeEnv) DeclareHeader(text string) (skipped []error, err error) {
	perModel, err := e.declare(text, true)
	seen := map[int]bool{}
	for _, pe := range perModel[LP64] {
		seen[pe.Pos] = true
		skipped = append(skipped, pe)
	}
	for m := LP64 + 1; int(m) < len(perModel); m++ {
		for _, pe := range perModel[m] {
			if !seen[pe.Pos] {
				seen[pe.Pos] = true
				pe.Msg += fmt.Sprintf(" (under the %v data model)", m)
				skipped = append(skipped, pe)
			}
		}
	}
	slices.SortStableFunc(skipped, func(a, b error) int {
		var pa, pb *ParseError
		errors.As(a, &pa)
		errors.As(b, &pb)
		return pa.Pos - pb.Pos
	})
	return skipped, err
}

// try runs fn and returns the ParseError it bails out with, or nil.
func (p *parser) try(fn func()) (err *ParseError) {
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			err = b.err
		}
	}()
	fn()
	return nil
}

// skipDeclaration skips, from the start of a declaration the parser could not read, to
// after its ';' at the outermost level or after the '}' of a function body, or from a
// directive's '#' to the end of its line.
func (p *parser) skipDeclaration() {
	if p.is("#") {
		p.pending = nil
		p.off = p.directiveEnd(p.off)
		p.next()
		return
	}
	depth := 0
	body := false // in a function body: a '{' right after a ')' at the outermost level
	afterParen := false
	for p.tok.kind != tokEOF && !(p.is("#") && depth == 0) {
		switch {
		case p.is("{") && depth == 0 && afterParen:
			body = true
			depth++
		case p.is("(") || p.is("{") || p.is("["):
			depth++
		case p.is(")") || p.is("}") || p.is("]"):
			depth = max(depth-1, 0)
			if depth == 0 && body && p.is("}") {
				p.next()
				return
			}
		case p.is(";") && depth == 0:
			p.next()
			return
		}
		afterParen = depth == 0 && p.is(")")
		p.next()
	}
}

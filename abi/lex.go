package abi

import (
	"fmt"
	"strconv"
	"strings"
)

// The lexer splits signature text into tokens for the parser: identifiers, numbers
// (C integer constants), punctuation, and the end of input. It skips white space and
// comments, and reports what it cannot read as a *ParseError through a bailout.

// Token kinds.
const (
	tokEOF = iota
	tokIdent
	tokNumber
	tokPunct // ( ) { } [ ] , ; * : and ...
)

type token struct {
	kind int
	text string
	pos  int
	num  uint64 // value of a tokNumber
}

// A lexer reads the tokens of text one at a time.
type lexer struct {
	text string
	off  int   // the byte after tok
	tok  token // current token
}

// bailout carries a ParseError up the parser's stack to recover.
type bailout struct{ err *ParseError }

func (p *lexer) failf(pos int, format string, args ...any) {
	panic(bailout{&ParseError{Text: p.text, Pos: pos, Msg: fmt.Sprintf(format, args...)}})
}

// found describes the current token for error messages.
func (p *lexer) found() string {
	if p.tok.kind == tokEOF {
		return "end of input"
	}
	return "'" + p.tok.text + "'"
}

// expected fails at the current token, saying what should have been there.
func (p *lexer) expected(what string) {
	p.failf(p.tok.pos, "expected %s, found %s", what, p.found())
}

func (p *lexer) is(punct string) bool { return p.tok.kind == tokPunct && p.tok.text == punct }

func (p *lexer) isIdent(name string) bool { return p.tok.kind == tokIdent && p.tok.text == name }

// expect consumes the punctuation punct or fails, saying what it was wanted for.
func (p *lexer) expect(punct, context string) token {
	if !p.is(punct) {
		p.expected("'" + punct + "' " + context)
	}
	t := p.tok
	p.next()
	return t
}

// next reads the next token into p.tok.
func (p *lexer) next() {
	s := p.text
	i := p.off
	for i < len(s) {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' {
			i++
			continue
		}
		if c == '/' && i+1 < len(s) && s[i+1] == '/' {
			for i < len(s) && s[i] != '\n' {
				i++
			}
			continue
		}
		if c == '/' && i+1 < len(s) && s[i+1] == '*' {
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				p.failf(i, "unterminated comment")
			}
			i += 2 + end + 2
			continue
		}
		break
	}
	if i >= len(s) {
		p.tok = token{kind: tokEOF, pos: len(s)}
		p.off = len(s)
		return
	}
	start := i
	c := s[i]
	switch {
	case isIdentStart(c):
		for i < len(s) && isIdentChar(s[i]) {
			i++
		}
		p.tok = token{kind: tokIdent, text: s[start:i], pos: start}
	case c >= '0' && c <= '9':
		for i < len(s) && isIdentChar(s[i]) {
			i++
		}
		p.tok = token{kind: tokNumber, text: s[start:i], pos: start}
		p.tok.num = p.number(p.tok)
	case strings.IndexByte("(){}[],;*:", c) >= 0:
		i++
		p.tok = token{kind: tokPunct, text: s[start:i], pos: start}
	case c == '.':
		if !strings.HasPrefix(s[i:], "...") {
			p.failf(start, "unexpected '.' (did you mean '...'?)")
		}
		i += 3
		p.tok = token{kind: tokPunct, text: "...", pos: start}
	default:
		p.failf(start, "unexpected character %q", rune(c))
	}
	p.off = i
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

// number returns the value of a C integer constant: decimal, 0x hexadecimal or 0 octal,
// with an optional u/l suffix.
func (p *lexer) number(t token) uint64 {
	s := strings.TrimRight(t.text, "uUlL")
	if len(s) == 0 || len(t.text)-len(s) > 3 {
		p.failf(t.pos, "invalid number '%s'", t.text)
	}
	base := 10
	switch {
	case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
		s, base = s[2:], 16
	case len(s) > 1 && s[0] == '0':
		s, base = s[1:], 8
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i], base) {
			p.failf(t.pos, "invalid number '%s'", t.text)
		}
	}
	n, err := strconv.ParseUint(s, base, 64)
	if err != nil {
		p.failf(t.pos, "number '%s' is too large", t.text)
	}
	return n
}

func isDigit(c byte, base int) bool {
	switch base {
	case 8:
		return c >= '0' && c <= '7'
	case 16:
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
	}
	return c >= '0' && c <= '9'
}

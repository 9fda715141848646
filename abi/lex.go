package abi

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The lexer splits C text into tokens for the parser: identifiers, numbers (C integer and
// character constants), string literals, punctuation, and the end of input. It skips white
// space and comments, expands the macros of a type environment (macro.go), and reports what
// it cannot read as a *ParseError through a bailout.

// Token kinds.
const (
	tokEOF = iota
	tokIdent
	tokNumber
	tokString
	tokPunct // ( ) { } [ ] , ; * : ... and the operators of constant expressions
)

type token struct {
	kind int
	text string
	pos  int
	num  uint64 // value of an integer tokNumber
	// float marks a floating constant, which only attribute arguments may hold.
	float bool
	// hide names the macros this token came from, which do not expand again in it.
	hide *hideSet
}

// A lexer reads the tokens of text one at a time.
type lexer struct {
	text string
	off  int   // the byte after tok in text
	tok  token // current token
	// pending holds the tokens of macro expansions, read before text resumes at off,
	// as a stack: the next token is the last.
	pending []token
	// macros looks a macro up by name, or is nil where none are defined.
	macros func(name string) *macro
	// expanded counts the tokens macro expansions made, against maxExpansion.
	expanded *int
	// directives makes a '#' that starts a line begin a preprocessing directive (in
	// TypeEnv.Declare), which next returns as a tokPunct "#" token.
	directives bool
	// end, when not 0, is where text ends for this lexer: the end of a directive's line.
	end int
}

// limit returns the offset where the lexer's text ends.
func (p *lexer) limit() int {
	if p.end > 0 {
		return p.end
	}
	return len(p.text)
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

// next reads the next token into p.tok, expanding macros.
func (p *lexer) next() {
	for {
		p.raw()
		if p.tok.kind != tokIdent || p.macros == nil || !p.expand() {
			return
		}
	}
}

// raw reads the next token into p.tok without expanding it.
func (p *lexer) raw() {
	if n := len(p.pending); n > 0 {
		p.tok = p.pending[n-1]
		p.pending = p.pending[:n-1]
		return
	}
	p.scan()
}

// snapshot returns a copy of the lexer to return to after reading ahead.
func (p *lexer) snapshot() lexer {
	s := *p
	s.pending = slices.Clone(p.pending)
	return s
}

// skipSpace returns the offset of the first byte at or after i that is neither white space
// nor in a comment. A backslash that ends a line is white space too (it continues a
// directive's line).
func (p *lexer) skipSpace(i int) int {
	s := p.text[:p.limit()]
	for i < len(s) {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' {
			i++
			continue
		}
		if c == '\\' && i+1 < len(s) && s[i+1] == '\n' {
			i += 2
			continue
		}
		if c == '\\' && i+2 < len(s) && s[i+1] == '\r' && s[i+2] == '\n' {
			i += 3
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
	return i
}

// atLineStart reports whether only white space precedes offset i on its line.
func (p *lexer) atLineStart(i int) bool {
	for j := i - 1; j >= 0; j-- {
		switch p.text[j] {
		case '\n':
			return true
		case ' ', '\t', '\r', '\f', '\v':
		default:
			return false
		}
	}
	return true
}

// multiPunct are the punctuators longer than one byte, longest first.
var multiPunct = []string{"...", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||"}

// scan reads the next token of text at p.off.
func (p *lexer) scan() {
	s := p.text[:p.limit()]
	i := p.skipSpace(p.off)
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
		// A preprocessing number, which may be a floating constant.
		hex := strings.HasPrefix(s[i:], "0x") || strings.HasPrefix(s[i:], "0X")
		float := false
	number:
		for i < len(s) {
			switch d := s[i]; {
			case (d == 'e' || d == 'E') && !hex || d == 'p' || d == 'P':
				float = true
				i++
				if i < len(s) && (s[i] == '+' || s[i] == '-') {
					i++
				}
			case d == '.':
				float = true
				i++
			case isIdentChar(d):
				i++
			default:
				break number
			}
		}
		p.tok = token{kind: tokNumber, text: s[start:i], pos: start, float: float}
		if !float {
			p.tok.num = p.number(p.tok)
		}
	case c == '\'':
		i = p.charConstant(start)
	case c == '"':
		i = p.stringLiteral(start)
	case c == '#' && p.directives && p.atLineStart(start):
		i++
		p.tok = token{kind: tokPunct, text: "#", pos: start}
	default:
		for _, m := range multiPunct {
			if strings.HasPrefix(s[i:], m) {
				p.tok = token{kind: tokPunct, text: m, pos: start}
				p.off = i + len(m)
				return
			}
		}
		if c == '.' {
			p.failf(start, "unexpected '.' (did you mean '...'?)")
		}
		if c == '#' {
			p.failf(start, "unexpected '#': only TypeEnv.Declare reads directives, #define and #undef at the start of a line (the # and ## operators are not supported)")
		}
		if strings.IndexByte("(){}[],;*:=+-~!|&^/%?<>", c) < 0 {
			p.failf(start, "unexpected character %q", rune(c))
		}
		i++
		p.tok = token{kind: tokPunct, text: s[start:i], pos: start}
	}
	p.off = i
}

// charConstant reads a character constant such as 'a' or '\n' at start into p.tok, as a
// number, and returns the offset after it.
func (p *lexer) charConstant(start int) int {
	s := p.text[:p.limit()]
	end := start + 1
	for end < len(s) && s[end] != '\'' && s[end] != '\n' {
		if s[end] == '\\' {
			end++
		}
		end++
	}
	if end >= len(s) || s[end] != '\'' {
		p.failf(start, "unterminated character constant")
	}
	v, tail, ok := cEscape(s[start+1 : end])
	if !ok || tail != "" {
		p.failf(start, "invalid character constant %s", s[start:end+1])
	}
	if v > 0x7f {
		// Its value would depend on the signedness of char.
		p.failf(start, "character constant %s is above 0x7f; write its value as a number", s[start:end+1])
	}
	p.tok = token{kind: tokNumber, text: s[start : end+1], pos: start, num: uint64(v)}
	return end + 1
}

// stringLiteral reads a string literal at start into p.tok and returns the offset after it.
func (p *lexer) stringLiteral(start int) int {
	s := p.text[:p.limit()]
	end := start + 1
	for end < len(s) && s[end] != '"' && s[end] != '\n' {
		if s[end] == '\\' {
			end++
		}
		end++
	}
	if end >= len(s) || s[end] != '"' {
		p.failf(start, "unterminated string literal")
	}
	p.tok = token{kind: tokString, text: s[start : end+1], pos: start}
	return end + 1
}

// stringValue returns the value of a string literal token, with C's escapes decoded.
func (p *lexer) stringValue(t token) string {
	var b strings.Builder
	body := t.text[1 : len(t.text)-1]
	for body != "" {
		r, tail, ok := cEscape(body)
		if !ok {
			p.failf(t.pos, "invalid escape in string literal %s", t.text)
		}
		b.WriteByte(byte(r))
		body = tail
	}
	return b.String()
}

// cEscape decodes the first character of the body of a C character constant or string
// literal, with C's escapes (octal of one to three digits, \x of any number of hex
// digits), and returns it with the rest of s.
func cEscape(s string) (rune, string, bool) {
	if s == "" {
		return 0, s, false
	}
	if s[0] != '\\' {
		return rune(s[0]), s[1:], true
	}
	if len(s) < 2 {
		return 0, s, false
	}
	if r, ok := simpleEscapes[s[1]]; ok {
		return r, s[2:], true
	}
	base, i, max := 8, 1, 4
	if s[1] == 'x' {
		base, i, max = 16, 2, len(s)
	}
	v := 0
	start := i
	for i < len(s) && i < max && isDigit(s[i], base) {
		d, _ := strconv.ParseUint(s[i:i+1], base, 8)
		v = v*base + int(d)
		if v > 0xff {
			return 0, s, false
		}
		i++
	}
	if i == start {
		return 0, s, false
	}
	return rune(v), s[i:], true
}

var simpleEscapes = map[byte]rune{
	'n': '\n', 't': '\t', 'r': '\r', 'a': '\a', 'b': '\b', 'f': '\f', 'v': '\v',
	'\\': '\\', '\'': '\'', '"': '"', '?': '?',
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

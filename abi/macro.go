package abi

import "slices"

// Macros: a header's prototypes are wrapped in macros (ZEXTERN, ZEXPORT, OF((...)),
// SQLITE_API), which TypeEnv.Declare reads from #define lines so that the header's text
// parses as written. Object-like and function-like macros (with ... and __VA_ARGS__) are
// expanded by the lexer, token by token, as the C preprocessor does, without the # and
// ## operators. A token a macro made does not expand that macro again (its hide set), and
// one text's expansions may make at most maxExpansion tokens in all.

// maxExpansion bounds the tokens macro expansion makes while reading one text.
const maxExpansion = 1 << 18

// A macro is one #define.
type macro struct {
	function bool
	params   []string // of a function-like macro; a variadic one ends in __VA_ARGS__
	variadic bool
	body     []token
}

// A hideSet lists the macros a token came from.
type hideSet struct {
	name string
	next *hideSet
}

func (h *hideSet) has(name string) bool {
	for ; h != nil; h = h.next {
		if h.name == name {
			return true
		}
	}
	return false
}

// expand replaces the identifier p.tok, if it names a macro that may expand here, with
// the macro's expansion, pushed onto p.pending, and reports whether it did.
func (p *lexer) expand() bool {
	t := p.tok
	m := p.macros(t.text)
	if m == nil || t.hide.has(t.text) {
		return false
	}
	var args [][]token
	if m.function {
		save := *p // reading pops pending without changing its array
		p.raw()
		if !p.is("(") { // the name alone, not a call
			*p = save
			return false
		}
		args = p.macroArgs(t, m)
	}
	hide := &hideSet{name: t.text, next: t.hide}
	out := make([]token, 0, len(m.body))
	for _, b := range m.body {
		if i := slices.Index(m.params, b.text); b.kind == tokIdent && i >= 0 {
			for _, a := range args[i] {
				a.pos, a.hide = t.pos, &hideSet{name: t.text, next: a.hide}
				out = append(out, a)
			}
			continue
		}
		b.pos, b.hide = t.pos, hide
		out = append(out, b)
	}
	if *p.expanded += len(out); *p.expanded > maxExpansion {
		p.failf(t.pos, "macro expansion makes more than %d tokens", maxExpansion)
	}
	for i := len(out) - 1; i >= 0; i-- {
		p.pending = append(p.pending, out[i])
	}
	return true
}

// macroArgs reads the arguments of a call of the function-like macro m named by name,
// after its '(', up to its ')'.
func (p *lexer) macroArgs(name token, m *macro) [][]token {
	var args [][]token
	var cur []token
	depth := 0
	for {
		p.raw()
		switch {
		case p.tok.kind == tokEOF:
			p.failf(name.pos, "unterminated call of macro '%s'", name.text)
		case p.is("("):
			depth++
		case p.is(")") && depth == 0:
			args = append(args, cur)
			return p.matchArgs(name, m, args)
		case p.is(")"):
			depth--
		case p.is(",") && depth == 0:
			args = append(args, cur)
			cur = nil
			continue
		}
		if *p.expanded++; *p.expanded > maxExpansion {
			p.failf(name.pos, "macro expansion makes more than %d tokens", maxExpansion)
		}
		cur = append(cur, p.tok)
	}
}

// matchArgs checks the number of arguments of a call of m, joining the variadic ones.
func (p *lexer) matchArgs(name token, m *macro, args [][]token) [][]token {
	n := len(m.params)
	switch {
	case n == 0 && len(args) == 1 && len(args[0]) == 0:
		return nil
	case m.variadic && len(args) == n-1:
		return append(args, nil)
	case m.variadic && len(args) > n:
		va := args[n-1]
		for _, a := range args[n:] {
			va = append(append(va, token{kind: tokPunct, text: ","}), a...)
		}
		return append(args[:n-1], va)
	case len(args) != n:
		p.failf(name.pos, "macro '%s' takes %d arguments, got %d", name.text, n, len(args))
	}
	return args
}

// parseDirective reads the directive whose '#' is the current token, to the end of its
// line, and moves on to the token after it.
func (p *parser) parseDirective() {
	end := p.directiveEnd(p.off)
	sub := lexer{text: p.text, off: p.off, end: end, expanded: p.lexer.expanded}
	sub.raw()
	switch {
	case sub.tok.kind == tokEOF: // the null directive
	case sub.isIdent("define"):
		p.parseDefine(&sub)
	case sub.isIdent("undef"):
		sub.raw()
		if sub.tok.kind != tokIdent {
			sub.expected("a macro name after #undef")
		}
		p.local.macros[sub.tok.text] = nil
		sub.raw()
		if sub.tok.kind != tokEOF {
			sub.expected("the end of the #undef line")
		}
	case sub.isIdent("pragma") || sub.isIdent("ident"):
	default:
		p.failf(sub.tok.pos, "#%s is not supported: TypeEnv.Declare reads declarations, #define and #undef; run a header through the preprocessor first (cc -E -P)", sub.tok.text)
	}
	p.off = end
	p.next()
}

// directiveEnd returns the offset of the newline that ends the directive line starting
// at i, past continued lines and comments, or the end of the text.
func (p *parser) directiveEnd(i int) int {
	s := p.text
	for i < len(s) {
		switch c := s[i]; {
		case c == '\n':
			return i
		case c == '\\' && i+1 < len(s) && s[i+1] == '\n':
			i += 2
		case c == '\\' && i+2 < len(s) && s[i+1] == '\r' && s[i+2] == '\n':
			i += 3
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			j := i + 2
			for j+1 < len(s) && !(s[j] == '*' && s[j+1] == '/') {
				j++
			}
			i = min(j+2, len(s))
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(s) && s[j] != c && s[j] != '\n' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			i = min(j+1, len(s))
		default:
			i++
		}
	}
	return len(s)
}

// parseDefine reads the rest of a #define line from sub.
func (p *parser) parseDefine(sub *lexer) {
	sub.raw()
	if sub.tok.kind != tokIdent {
		sub.expected("a macro name after #define")
	}
	name, namePos := sub.tok.text, sub.tok.pos
	m := &macro{}
	if sub.off < len(p.text) && p.text[sub.off] == '(' { // no space: a function-like macro
		m.function = true
		sub.raw()
		sub.raw()
		for !sub.is(")") {
			switch {
			case sub.is("..."):
				m.variadic = true
				m.params = append(m.params, "__VA_ARGS__")
			case sub.tok.kind == tokIdent && !slices.Contains(m.params, sub.tok.text):
				m.params = append(m.params, sub.tok.text)
			default:
				sub.expected("a macro parameter name")
			}
			sub.raw()
			if m.variadic && !sub.is(")") {
				sub.expected("')' after '...'")
			}
			if sub.is(",") {
				sub.raw()
			} else if !sub.is(")") {
				sub.expected("',' or ')' in the macro's parameters")
			}
		}
	}
	for sub.raw(); sub.tok.kind != tokEOF; sub.raw() {
		m.body = append(m.body, sub.tok)
	}
	if old := p.lookupMacro(name); old != nil && !sameMacro(old, m) {
		p.failf(namePos, "macro '%s' redefined differently; #undef it first", name)
	}
	p.local.macros[name] = m
}

func sameMacro(a, b *macro) bool {
	if a.function != b.function || a.variadic != b.variadic || !slices.Equal(a.params, b.params) || len(a.body) != len(b.body) {
		return false
	}
	for i := range a.body {
		if a.body[i].kind != b.body[i].kind || a.body[i].text != b.body[i].text {
			return false
		}
	}
	return true
}

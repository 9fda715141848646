package abi

import "strings"

// GNU C attributes and Microsoft __declspec. After 'struct' or 'union' or after a member
// list's '}', __attribute__((packed)) and __attribute__((aligned(N))) change the layout,
// and the parser models them. Elsewhere (before or after a declaration, after a '*') the
// parser reads and drops the attributes that cannot change a call, and refuses the rest,
// saying why: a layout it would get wrong, a convention it would not follow.

// attrs holds the attributes of a struct or union.
type attrs struct {
	packed    bool
	packedPos int
	align     int
}

// harmlessAttributes are GNU attribute names, without their __ wrapping, that say
// something about a declaration (its uses, its symbol, its checks) but not about how it
// is called or laid out. cdecl, stdcall and fastcall are ignored by 64-bit compilers.
var harmlessAttributes = setOf(
	"access", "alias", "alloc_align", "alloc_size", "always_inline", "artificial",
	"availability", "cdecl", "cold", "const", "constructor", "deprecated", "destructor",
	"dllexport", "dllimport", "error", "externally_visible", "fastcall", "fd_arg",
	"fd_arg_read", "fd_arg_write", "flatten", "format", "format_arg", "gnu_inline", "hot",
	"ifunc", "leaf", "malloc", "may_alias", "no_instrument_function", "no_sanitize",
	"no_stack_protector", "noclone", "nodiscard", "noinline", "noipa", "nonnull",
	"noescape", "noreturn", "nothrow", "null_terminated_string_arg", "optimize", "pure", "retain",
	"returns_nonnull", "returns_twice", "section", "sentinel", "stdcall", "swift_name",
	"unavailable", "unused", "used", "visibility", "warn_unused_result", "warning",
	"weak", "weakref",
)

// harmlessTypeAttributes may follow 'struct' or a member list besides packed and aligned.
var harmlessTypeAttributes = setOf("deprecated", "unavailable", "may_alias", "unused", "used", "designated_init",
	"visibility", "availability", "enum_extensibility", "flag_enum")

// harmlessDeclspecs are the __declspec arguments that change no call.
var harmlessDeclspecs = setOf(
	"allocator", "deprecated", "dllexport", "dllimport", "noalias", "noinline", "noreturn",
	"nothrow", "restrict", "safebuffers", "selectany",
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// attributeName returns a GNU attribute's name without the __ that may wrap it.
func attributeName(s string) string {
	if len(s) > 4 && strings.HasPrefix(s, "__") && strings.HasSuffix(s, "__") {
		return s[2 : len(s)-2]
	}
	return s
}

func isAttributeKeyword(w string) bool {
	return w == "__attribute__" || w == "__attribute" || w == "__declspec"
}

// parseAttributes reads any number of __attribute__((...)) groups of a struct or union.
func (p *parser) parseAttributes(a *attrs) {
	for p.isIdent("__attribute__") || p.isIdent("__attribute") {
		p.next()
		p.expect("(", "after __attribute__")
		p.expect("(", "after __attribute__(")
		for !p.is(")") {
			if p.tok.kind != tokIdent {
				p.expected("an attribute name (packed or aligned)")
			}
			name, pos := p.tok.text, p.tok.pos
			p.next()
			switch attributeName(name) {
			case "packed":
				if !a.packed {
					a.packed, a.packedPos = true, pos
				}
			case "aligned":
				if !p.is("(") {
					p.failf(p.tok.pos, "expected '(' and an alignment after '%s', found %s (jitffi needs an explicit alignment)", name, p.found())
				}
				p.next()
				npos := p.tok.pos
				n := p.constExpr()
				if n <= 0 || n&(n-1) != 0 || n > maxAlignAttr {
					p.failf(npos, "alignment %d is not a power of two between 1 and %d", n, maxAlignAttr)
				}
				a.align = max(a.align, int(n))
				p.expect(")", "after the alignment")
			default:
				if !harmlessTypeAttributes[attributeName(name)] {
					p.failf(pos, "unsupported attribute '%s' (want packed or aligned(N))", name)
				}
				p.skipAttributeArgs()
			}
			if p.is(",") {
				p.next()
			} else if !p.is(")") {
				p.expected("',' or ')' after attribute")
			}
		}
		p.next()
		p.expect(")", "to close __attribute__((...))")
	}
}

// skipAttributes consumes the __attribute__((...)) and __declspec(...) groups at the
// current token, failing at any attribute that could change a call or a layout, and
// reports whether there were any.
func (p *parser) skipAttributes() bool {
	found := false
	for p.tok.kind == tokIdent && isAttributeKeyword(p.tok.text) {
		found = true
		if p.isIdent("__declspec") {
			p.skipDeclspec()
			continue
		}
		p.next()
		p.expect("(", "after __attribute__")
		p.expect("(", "after __attribute__(")
		for !p.is(")") {
			if p.tok.kind != tokIdent {
				p.expected("an attribute name")
			}
			name, pos := p.tok.text, p.tok.pos
			switch n := attributeName(name); {
			case n == "packed" || n == "aligned":
				p.failf(pos, "attribute '%s' is only supported right after 'struct' or 'union' or after a member list's '}'", name)
			case n == "ms_abi" || n == "sysv_abi":
				p.failf(pos, "attribute '%s' sets the calling convention: remove it and bind with the matching ABI option (jitffi.WithABI(abi.Win64) for ms_abi)", name)
			case !harmlessAttributes[n]:
				p.failf(pos, "unsupported attribute '%s' here: jitffi accepts only attributes that cannot change a call or a layout, such as nonnull, deprecated, format or visibility", name)
			}
			p.next()
			p.skipAttributeArgs()
			if p.is(",") {
				p.next()
			} else if !p.is(")") {
				p.expected("',' or ')' after attribute")
			}
		}
		p.next()
		p.expect(")", "to close __attribute__((...))")
	}
	return found
}

// skipDeclspec consumes one __declspec(...).
func (p *parser) skipDeclspec() {
	p.next()
	p.expect("(", "after __declspec")
	for !p.is(")") {
		if p.tok.kind != tokIdent {
			p.expected("a __declspec attribute name")
		}
		if !harmlessDeclspecs[p.tok.text] {
			p.failf(p.tok.pos, "unsupported __declspec(%s): jitffi accepts only attributes that cannot change a call or a layout, such as dllimport or deprecated", p.tok.text)
		}
		p.next()
		p.skipAttributeArgs()
	}
	p.next()
}

// skipAttributeArgs consumes an attribute's parenthesized arguments, if any.
func (p *parser) skipAttributeArgs() {
	if !p.is("(") {
		return
	}
	open := p.tok.pos
	depth := 0
	for {
		switch {
		case p.tok.kind == tokEOF:
			p.failf(open, "unterminated attribute arguments")
		case p.is("("):
			depth++
		case p.is(")"):
			depth--
		}
		p.next()
		if depth == 0 {
			return
		}
	}
}

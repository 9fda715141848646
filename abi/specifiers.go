package abi

import (
	"fmt"
	"strings"
)

// The C declaration specifiers the parser knows: qualifiers, storage classes, the basic
// specifier keywords and how they combine into a scalar kind under a data model, the
// stdint.h and stddef.h typedef names, the type names jitffi refuses with a reason, and
// the calling-convention keywords that change nothing on 64-bit targets.

var qualifiers = map[string]bool{
	"const": true, "volatile": true, "restrict": true,
	"__const": true, "__volatile__": true, "__volatile": true, "__restrict": true, "__restrict__": true,
	// clang's nullability qualifiers and MSVC's pointer qualifiers, in Apple's and
	// Windows' headers.
	"_Nonnull": true, "_Nullable": true, "_Null_unspecified": true, "_Nullable_result": true,
	"__ptr64": true, "__unaligned": true,
}

// storageClasses are the storage-class and function-specifier keywords a declaration may
// carry; none changes a call.
var storageClasses = map[string]bool{
	"extern": true, "static": true, "inline": true, "__inline": true, "__inline__": true,
	"_Noreturn": true, "register": true, "auto": true, "__extension__": true,
	"_Thread_local": true, "__thread": true, "thread_local": true,
}

// callingConventions are the Microsoft calling-convention keywords that x64 and arm64
// compilers accept and ignore.
var callingConventions = map[string]bool{
	"__cdecl": true, "_cdecl": true, "__stdcall": true, "_stdcall": true,
	"__fastcall": true, "_fastcall": true, "__thiscall": true,
}

// typedefNames are the stdint.h and stddef.h names the parser knows. They are the same
// in every data model.
var typedefNames = map[string]Kind{
	"int8_t": Int8, "int16_t": Int16, "int32_t": Int32, "int64_t": Int64,
	"uint8_t": Uint8, "uint16_t": Uint16, "uint32_t": Uint32, "uint64_t": Uint64,
	"size_t": Uint64, "ssize_t": Int64, "intptr_t": Int64, "uintptr_t": Uint64, "ptrdiff_t": Int64,
	// ISO/IEC TS 18661-3 types, which glibc's math.h uses: float and double by other names.
	"_Float32": Float32, "_Float64": Float64, "_Float32x": Float64,
}

// unsupportedTypes are names of C types jitffi does not model, with the reason.
var unsupportedTypes = map[string]string{
	"_Complex":     "_Complex types are not supported",
	"__complex__":  "_Complex types are not supported",
	"_Imaginary":   "_Imaginary types are not supported",
	"__int128":     "__int128 is not supported",
	"__int128_t":   "__int128 is not supported",
	"__uint128_t":  "__int128 is not supported",
	"_Float16":     "_Float16 is not supported",
	"__fp16":       "__fp16 is not supported",
	"__bf16":       "__bf16 is not supported",
	"_Float128":    "_Float128 is not supported",
	"_Float64x":    "_Float64x (long double) is not supported",
	"__float128":   "__float128 is not supported",
	"__float80":    "__float80 is not supported",
	"_Decimal32":   "decimal floating-point types are not supported",
	"_Decimal64":   "decimal floating-point types are not supported",
	"_Decimal128":  "decimal floating-point types are not supported",
	"_BitInt":      "_BitInt is not supported",
	"_Atomic":      "_Atomic types are not supported",
	"__vectorcall": "__vectorcall is not supported: it passes vector and floating-point arguments in other registers",
	"_vectorcall":  "__vectorcall is not supported: it passes vector and floating-point arguments in other registers",
}

// isKeyword reports whether w is a keyword, which cannot name a declaration.
func isKeyword(w string) bool {
	_, unsupported := unsupportedTypes[w]
	return basicSpecifiers[w] || qualifiers[w] || storageClasses[w] || callingConventions[w] || unsupported ||
		w == "struct" || w == "union" || w == "enum" || w == "typedef" || w == "sizeof" || w == "_Alignof" ||
		isAttributeKeyword(w) || isAsmLabel(w)
}

// startsType reports whether the identifier w starts declaration specifiers: a keyword
// of a type or a type name in scope.
func (p *parser) startsType(w string) bool {
	if basicSpecifiers[w] || qualifiers[w] || storageClasses[w] || w == "struct" || w == "union" || w == "enum" {
		return true
	}
	if _, ok := unsupportedTypes[w]; ok {
		return true
	}
	if e, _ := p.lookupName(w); e != nil {
		return e.kind == entTypedef
	}
	_, ok := typedefNames[w]
	return ok
}

// parseSpecifiers reads the specifiers of a declaration and returns the type they name
// and whether the declaration is a typedef.
func (p *parser) parseSpecifiers(ctx declContext) (ctype, bool) {
	var sp specs
	var named *ctype
	isTypedef := false
	for p.tok.kind == tokIdent {
		w, pos := p.tok.text, p.tok.pos
		seenType := named != nil || len(sp.words) > 0
		switch {
		case qualifiers[w]:
			p.next()
			continue
		case storageClasses[w]:
			if ctx == ctxMember || ctx == ctxType {
				p.failf(pos, "storage class '%s' is not allowed in a %s", w, contextNames[ctx])
			}
			p.next()
			continue
		case w == "typedef":
			if ctx != ctxDeclare {
				p.failf(pos, "typedef declarations go in a type environment: TypeEnv.Declare")
			}
			isTypedef = true
			p.next()
			continue
		case p.skipCallingConvention() || p.skipAttributes():
			continue
		case basicSpecifiers[w]:
			if named != nil {
				if named.undeclared {
					p.failf(named.pos, "unknown type name '%s' before '%s'; if '%s' is a macro, define it in a TypeEnv (#define %s) or remove it", named.tag, w, named.tag, named.tag)
				}
				p.failf(pos, "'%s' cannot be combined with a %s", w, describeNamed(named))
			}
			sp.add(w)
			if msg := sp.check(); msg != "" {
				p.failf(pos, "%s", msg)
			}
			p.next()
			continue
		case w == "struct" || w == "union" || w == "enum":
			if seenType {
				p.failf(pos, "'%s' cannot be combined with other type specifiers", w)
			}
			t := p.parseTagged()
			named = &t
			continue
		}
		if msg, ok := unsupportedTypes[w]; ok {
			p.failf(pos, "%s", msg)
		}
		if seenType {
			break // an identifier after the type is the declarator's name
		}
		t := p.typeName(w, pos)
		named = &t
		p.next()
	}
	if named != nil {
		return *named, isTypedef
	}
	if len(sp.words) == 0 {
		p.failf(p.tok.pos, "expected a type, found %s", p.found())
	}
	return ctype{t: Scalar(sp.kind(p.model)), char: sp.count["char"] > 0}, isTypedef
}

// typeName returns the type an identifier in type position names: a typedef of the text
// or the environment, a stdint.h name, or an undeclared (opaque) name.
func (p *parser) typeName(w string, pos int) ctype {
	if e, _ := p.lookupName(w); e != nil {
		switch e.kind {
		case entConst:
			p.failf(pos, "'%s' is an enumeration constant, not a type", w)
		case entFunc:
			p.failf(pos, "'%s' is a function, not a type", w)
		}
		// Errors about a typedef's type point at its use, here.
		return p.relocate(e.typ, pos)
	}
	if k, ok := typedefNames[w]; ok {
		return ctype{t: Scalar(k)}
	}
	return ctype{tag: w, undeclared: true, pos: pos}
}

// skipCallingConvention consumes a calling-convention keyword that changes nothing on
// 64-bit targets and reports whether there was one.
func (p *parser) skipCallingConvention() bool {
	if p.tok.kind != tokIdent || !callingConventions[p.tok.text] {
		return false
	}
	p.next()
	return true
}

// basicSpecifiers are the keywords that combine into C's basic types.
var basicSpecifiers = map[string]bool{
	"void": true, "char": true, "short": true, "int": true, "long": true, "float": true,
	"double": true, "signed": true, "unsigned": true, "_Bool": true, "bool": true,
	"__signed__": true, "__signed": true,
}

// specs collects the basic type specifiers of one declaration.
type specs struct {
	words []string       // basic specifier keywords, in order
	count map[string]int // basic specifier keyword counts ("_Bool" counts as "bool")
}

func describeNamed(t *ctype) string {
	switch {
	case t.t != nil && t.t.Kind == Struct, strings.HasPrefix(t.tag, "struct "):
		return "struct"
	case t.t != nil && t.t.Kind == Union, strings.HasPrefix(t.tag, "union "):
		return "union"
	case strings.HasPrefix(t.tag, "enum "):
		return "enum"
	}
	return "typedef name"
}

func (sp *specs) add(w string) {
	switch w {
	case "_Bool":
		w = "bool"
	case "__signed__", "__signed":
		w = "signed"
	}
	if sp.count == nil {
		sp.count = map[string]int{}
	}
	sp.words = append(sp.words, w)
	sp.count[w]++
}

// check returns an error message if the specifiers so far cannot be part of a C type.
func (sp *specs) check() string {
	c := sp.count
	bad := func() string {
		return fmt.Sprintf("type specifiers '%s' do not form a C type", strings.Join(sp.words, " "))
	}
	for w, n := range c {
		if n > 1 && !(w == "long" && n == 2) {
			return bad()
		}
	}
	if c["signed"]+c["unsigned"] > 1 {
		return bad()
	}
	if c["long"] > 0 && c["double"] > 0 {
		if len(c) == 2 && c["long"] == 1 {
			return "long double is not supported"
		}
		return bad()
	}
	// Specifiers that stand alone.
	for _, w := range []string{"void", "bool", "float", "double"} {
		if c[w] > 0 && len(sp.words) > 1 {
			return bad()
		}
	}
	// Each size keyword excludes the others; int goes with short and long, not with char.
	sizes := 0
	for _, w := range []string{"char", "short", "long"} {
		if c[w] > 0 {
			sizes++
		}
	}
	if sizes > 1 || (c["char"] > 0 && c["int"] > 0) {
		return bad()
	}
	return ""
}

// kind resolves a valid specifier set to a scalar kind under a data model.
func (sp *specs) kind(m DataModel) Kind {
	c := sp.count
	unsigned := c["unsigned"] > 0
	pick := func(s, u Kind) Kind {
		if unsigned {
			return u
		}
		return s
	}
	switch {
	case c["void"] > 0:
		return Void
	case c["bool"] > 0:
		return Bool
	case c["float"] > 0:
		return Float32
	case c["double"] > 0:
		return Float64
	case c["char"] > 0:
		if c["signed"] == 0 && c["unsigned"] == 0 && m == LP64UnsignedChar {
			return Uint8
		}
		return pick(Int8, Uint8)
	case c["short"] > 0:
		return pick(Int16, Uint16)
	case c["long"] == 2 || (c["long"] == 1 && m != LLP64):
		return pick(Int64, Uint64)
	}
	return pick(Int32, Uint32)
}

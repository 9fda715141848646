package abi

import "fmt"

// A DataModel fixes the sizes and signedness of C's plain integer types (char, long),
// which differ between platforms. Fixed-width types (int32_t, ...) and pointers are the
// same in every model.
type DataModel uint8

// The data models the parser knows. All of them have 8-byte pointers.
const (
	// LP64 is Linux and macOS on amd64 and macOS on arm64: long is 8 bytes, char is signed.
	LP64 DataModel = iota
	// LP64UnsignedChar is Linux on arm64: as LP64, but plain char is unsigned.
	LP64UnsignedChar
	// LLP64 is Windows: long is 4 bytes, char is signed.
	LLP64
)

var dataModelNames = [...]string{LP64: "LP64", LP64UnsignedChar: "LP64UnsignedChar", LLP64: "LLP64"}

// String returns the data model's name.
func (m DataModel) String() string {
	if int(m) < len(dataModelNames) {
		return dataModelNames[m]
	}
	return fmt.Sprintf("DataModel(%d)", uint8(m))
}

// DataModel returns the data model of the platforms that use the calling convention a:
// LLP64 for Win64 (Windows), LP64UnsignedChar for AAPCS64 (Linux on arm64), and LP64 for
// System V and Apple arm64 (Linux and macOS), and for the zero ABI.
func (a ABI) DataModel() DataModel {
	switch a {
	case Win64:
		return LLP64
	case AAPCS64:
		return LP64UnsignedChar
	}
	return LP64
}

// A ParseError reports text that the parser cannot read: where the problem is and what
// was expected there.
type ParseError struct {
	// Text is the whole text given to the parser.
	Text string
	// Pos is the byte offset in Text of the token at fault.
	Pos int
	// Msg says what is wrong, usually what was expected and what was found.
	Msg string
	// Err is ErrTooLarge or ErrTooDeep when the text describes a type beyond the type
	// model's limits, and nil otherwise.
	Err error
}

// Error returns the message with the text and the position, as in
// `abi: parse "int32_t (int" at 12: expected ',' or ')' after parameter, found end of input`.
// Of a text longer than 180 bytes it quotes only the 60 bytes either side of Pos.
func (e *ParseError) Error() string {
	return fmt.Sprintf("abi: parse %q at %d: %s", excerpt(e.Text, e.Pos), e.Pos, e.Msg)
}

// excerpt returns text, or, when it is long, the part around pos with "…" for the rest,
// so that a message about a megabyte of text stays short.
func excerpt(text string, pos int) string {
	const around = 60
	if len(text) <= 3*around {
		return text
	}
	lo, hi := max(0, pos-around), min(len(text), pos+around)
	s := text[lo:hi]
	if lo > 0 {
		s = "…" + s
	}
	if hi < len(text) {
		s += "…"
	}
	return s
}

// Unwrap returns Err.
func (e *ParseError) Unwrap() error { return e.Err }

// maxAlignAttr is the largest __attribute__((aligned(N))) accepted, as in gcc for ELF.
// The other limits are the type model's own: MaxTypeSize, MaxTypeDepth and MaxMembers.
const maxAlignAttr = 1 << 28

// A Parser reads C signatures and types as headers write them, under a data model and
// with the declarations of a type environment. Its zero value parses under LP64 with no
// declarations beyond the built-in ones. A Parser is a small value: make one per use, as
// in
//
//	env := abi.NewTypeEnv()
//	err := env.Declare("typedef unsigned long uLong; typedef unsigned char Bytef; typedef unsigned int uInt;")
//	p := abi.Parser{Model: abi.Host.DataModel(), Env: env}
//	proto, err := p.ParsePrototype("uLong crc32(uLong crc, const Bytef *buf, uInt len);")
//
// The text is one C declaration of a function, with or without the function's name:
//
//	int sqlite3_open(const char *filename, sqlite3 **ppDb);
//	struct{float x; float y; float z;} (int32_t, double)
//	int32_t (const char*, ..., double, int32_t)
//	void (void)
//
// Parameters after "..." are the variadic arguments of this call: Signature.Fixed is the
// number of parameters before "...", or -1 when there is no "...". "()" and "(void)" both
// mean no parameters. Parameter names are kept in Prototype.ParamNames.
//
// Types are the C scalar types (void, _Bool/bool, char, short, int, long, long long in
// their signed and unsigned forms, float, double), the fixed-width and pointer-sized
// typedefs of stdint.h and stddef.h (int8_t..uint64_t, size_t, ssize_t, intptr_t,
// uintptr_t, ptrdiff_t), enums, pointers (the pointee is not kept), arrays (as members;
// a parameter declared as an array or a function is a pointer, as in C), and structs and
// unions, defined inline or named by a tag or typedef of the environment. A struct or
// union may carry __attribute__((packed)) (structs only) and __attribute__((aligned(N)))
// after its keyword or its member list. Array lengths and enum values are integer
// constant expressions (sizeof of a type included).
//
// Names the text does not declare are opaque: a pointer to an undeclared name or struct
// ("sqlite3 *", "struct foo *") is a pointer, while a use by value is an error at the
// name. A tag defined in the text ("struct point {int x, y;}") names its type for the
// rest of the text, so a struct may point to itself.
//
// What headers add around a prototype is read and dropped where it cannot change the
// call: const, volatile and restrict; storage classes (extern, static, inline); a
// trailing semicolon; comments; the calling-convention keywords 64-bit compilers ignore
// (__cdecl, __stdcall, __fastcall); and __attribute__((...)) and __declspec(...) of
// attributes that do not change the call, such as nonnull, deprecated, format or
// visibility. An __asm__("name") label sets Prototype.Symbol. A pointer to a function
// ("int (*)(void*, int)", or a typedef of one) stands for the function, so a callback's
// type reads as headers write it. The macros of the environment are expanded.
//
// The parser rejects, with a *ParseError, what C rejects and what jitffi does not
// support: long double, _Complex, __int128, bit-fields, a struct or union by value that
// is declared nowhere, flexible array members, void mixed with other parameters,
// attributes that change a layout or a convention (ms_abi: bind with WithABI instead),
// __vectorcall, and initializers or function bodies.
type Parser struct {
	// Model decides the sizes of long and the signedness of plain char.
	Model DataModel
	// Env holds the typedefs, tags, enum constants, functions and macros the text may
	// use, or is nil for none.
	Env *TypeEnv
}

// A Prototype is a function declaration read by Parser.ParsePrototype.
type Prototype struct {
	// Name is the declared function's name, or "" when the text has none (a signature
	// such as "int (int)", or a pointer to a function).
	Name string
	// Symbol is the name to look up in a library: the string of the declaration's
	// __asm__("...") label when it has one, and Name otherwise.
	Symbol string
	// Signature is the function's type at this call site.
	Signature *Signature
	// ParamNames holds one name per entry of Signature.Params, "" for an unnamed one.
	ParamNames []string
	// ResultCString reports that the result is a pointer to a character type (char,
	// signed char or unsigned char, possibly qualified or through typedefs), which a
	// caller may read as a NUL-terminated string. A pointer to int8_t or uint8_t is not
	// one: those name bytes.
	ResultCString bool
}

// ParsePrototype parses a function declaration (see Parser) and returns it with its name.
// The text may also be just the name of a function declared in the environment.
func (ps Parser) ParsePrototype(text string) (proto *Prototype, err error) {
	p, err := ps.newParser(text)
	if err != nil {
		return nil, err
	}
	defer p.recover(&err)
	return p.parsePrototypeText(), nil
}

// ParseSignature is ParsePrototype that returns only the signature.
func (ps Parser) ParseSignature(text string) (*Signature, error) {
	proto, err := ps.ParsePrototype(text)
	if err != nil {
		return nil, err
	}
	return proto.Signature, nil
}

// ParseType parses one C type, in the syntax of a parameter's type without a name, for
// example "struct{int32_t a; double b[2];}", "const char*" or "uLong". Unlike a
// parameter, the type may be an array, such as "float[4]", so that ParseType reads back
// what Type.String prints for every type.
func (ps Parser) ParseType(text string) (t *Type, err error) {
	p, err := ps.newParser(text)
	if err != nil {
		return nil, err
	}
	defer p.recover(&err)
	return p.parseStandaloneType(), nil
}

// ParseSignature parses a C function type or prototype under the LP64 data model, with no
// type environment: Parser{}.ParseSignature. Examples:
//
//	struct{float x; float y; float z;} (int32_t, double)
//	int32_t (const char*, ..., double, int32_t)
//	int sqlite3_open(const char *filename, sqlite3 **ppDb);
func ParseSignature(text string) (*Signature, error) {
	return Parser{}.ParseSignature(text)
}

// ParseSignatureModel is ParseSignature under the given data model, which decides the
// sizes of long and the signedness of plain char: Parser{Model: m}.ParseSignature.
func ParseSignatureModel(text string, m DataModel) (*Signature, error) {
	return Parser{Model: m}.ParseSignature(text)
}

// ParseType parses one C type under the LP64 data model: Parser{}.ParseType.
func ParseType(text string) (*Type, error) {
	return Parser{}.ParseType(text)
}

// ParseTypeModel is ParseType under the given data model: Parser{Model: m}.ParseType.
func ParseTypeModel(text string, m DataModel) (*Type, error) {
	return Parser{Model: m}.ParseType(text)
}

// A parser reads one text.
type parser struct {
	lexer
	model DataModel
	// outer holds the environment's declarations under model, or is nil; local holds
	// what the text itself declares (tags, enum constants, and in Declare typedefs,
	// functions and macros).
	outer, local *scope
	// depth counts the structs and unions being read, nest the declarators, parameter
	// lists and parenthesized expressions, each against MaxTypeDepth.
	depth, nest int
	// declaring is set in TypeEnv.Declare, skip in TypeEnv.DeclareHeader, which skips
	// the declarations it cannot read and lists why in skipped.
	declaring, skip bool
	skipped         []*ParseError
	expanded        int
}

func (ps Parser) newParser(text string) (*parser, error) {
	if int(ps.Model) >= len(dataModelNames) {
		return nil, fmt.Errorf("abi: unknown data model %v", ps.Model)
	}
	outer, err := ps.Env.scope(ps.Model)
	if err != nil {
		return nil, err
	}
	return newParser(text, ps.Model, outer), nil
}

func newParser(text string, m DataModel, outer *scope) *parser {
	p := &parser{lexer: lexer{text: text}, model: m, outer: outer, local: newScope()}
	p.lexer.expanded = &p.expanded
	if outer != nil && outer.hasMacros() {
		p.lexer.macros = p.lookupMacro
	}
	return p
}

func (p *parser) recover(err *error) {
	if r := recover(); r != nil {
		b, ok := r.(bailout)
		if !ok {
			panic(r)
		}
		*err = b.err
	}
}

// enter counts one more level of nesting at pos, failing beyond MaxTypeDepth; leave
// undoes it.
func (p *parser) enter(pos int) {
	p.nest++
	if p.nest > MaxTypeDepth {
		p.failLimit(pos, ErrTooDeep, "declarators, parameter lists and expressions nested more than %d deep", MaxTypeDepth)
	}
}

func (p *parser) leave() { p.nest-- }

// parsePrototypeText reads: declaration-specifiers declarator [attributes] [';'] EOF, or
// the name of a function the environment declares.
func (p *parser) parsePrototypeText() *Prototype {
	p.next()
	if p.tok.kind == tokIdent {
		if e, _ := p.lookupName(p.tok.text); e != nil && e.kind == entFunc {
			save := p.snapshot()
			name, pos := p.tok.text, p.tok.pos
			p.next()
			if p.is(";") {
				p.next()
			}
			if p.tok.kind == tokEOF {
				return p.prototype(name, e.asm, p.relocate(e.typ, pos).fn, pos)
			}
			p.lexer = save
		}
	}
	base, _ := p.parseSpecifiers(ctxTop)
	d := p.parseDeclarator(ctxTop)
	asm := p.parseDeclTrailer(true)
	t := p.derive(base, d)
	fn, name := t.fn, d.name
	if fn == nil && t.fnPtr != nil {
		fn, name = t.fnPtr, ""
	}
	if fn == nil {
		msg := fmt.Sprintf("expected '(' to start the parameter list, found %s", p.found())
		if base.undeclared && p.tok.kind == tokIdent {
			msg += fmt.Sprintf("; if '%s' is a macro, define it in a TypeEnv (#define %s) or remove it", base.tag, base.tag)
		}
		p.failf(p.tok.pos, "%s", msg)
	}
	if p.is(";") {
		p.next()
	}
	p.expectEOF()
	return p.prototype(name, asm, fn, d.namePos)
}

// prototype completes a function type into a Prototype: the result and parameters must
// be complete types now.
func (p *parser) prototype(name, asm string, fn *cfunc, pos int) *Prototype {
	proto := &Prototype{Name: name, Symbol: name, ResultCString: fn.result.charPtr}
	if asm != "" {
		proto.Symbol = asm
	}
	proto.Signature = &Signature{Fixed: fn.fixed}
	if fn.result.isVoid() {
		proto.Signature.Result = Scalar(Void)
	} else {
		proto.Signature.Result = p.objectType(fn.result, fn.pos, "a function's result")
	}
	for _, prm := range fn.params {
		proto.Signature.Params = append(proto.Signature.Params, p.objectType(prm.t, prm.pos, "a parameter"))
		proto.ParamNames = append(proto.ParamNames, prm.name)
	}
	return proto
}

// parseStandaloneType reads: declaration-specifiers abstract-declarator EOF.
func (p *parser) parseStandaloneType() *Type {
	p.next()
	pos := p.tok.pos
	base, _ := p.parseSpecifiers(ctxType)
	d := p.parseDeclarator(ctxType)
	t := p.derive(base, d)
	if t.fn != nil {
		p.failf(pos, "function types are not supported; use ParseSignature for a signature, void* for a function pointer")
	}
	p.expectEOF()
	if t.isVoid() {
		return Scalar(Void)
	}
	return p.objectType(t, pos, "a type")
}

func (p *parser) expectEOF() {
	if p.tok.kind != tokEOF {
		p.expected("end of input")
	}
}

// checkName fails if the current identifier is a keyword, which cannot name a field, a
// parameter or a declaration.
func (p *parser) checkName(what string) {
	if w := p.tok.text; isKeyword(w) {
		p.failf(p.tok.pos, "expected a %s name, found keyword '%s'", what, w)
	}
}

// checkLimits fails at pos if the constructors found that t breaks a limit of the type
// model: too large, nested too deep, or too many members in all (a member declared with
// several names counts once per name, so that "struct{...} a, b;" nested 20 deep holds
// a million members).
func (p *parser) checkLimits(pos int, t *Type) {
	if t.err != nil {
		p.failLimit(pos, t.err.kind, "%s", t.err.msg)
	}
}

// failLimit is failf for text beyond a limit of the type model, kind being ErrTooLarge
// or ErrTooDeep.
func (p *parser) failLimit(pos int, kind error, format string, args ...any) {
	panic(bailout{&ParseError{Text: p.text, Pos: pos, Msg: fmt.Sprintf(format, args...), Err: kind}})
}

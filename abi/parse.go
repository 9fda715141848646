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

// A ParseError reports text that ParseSignature or ParseType cannot read: where the
// problem is and what was expected there.
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

// ParseSignature parses a C function type at one call site under the LP64 data model.
//
// The text is the result type followed by the parameter list in parentheses, as in a C
// declaration without the function name:
//
//	struct{float x; float y; float z;} (int32_t, double)
//	int32_t (const char*, ..., double, int32_t)
//	void (void)
//
// Parameters after "..." are the variadic arguments of this call: Signature.Fixed is the
// number of parameters before "...", or -1 when there is no "...". "()" and "(void)" both
// mean no parameters. Parameters may carry names, which are ignored.
//
// Types are the C scalar types (void, _Bool/bool, char, short, int, long, long long in
// their signed and unsigned forms, float, double), the fixed-width and pointer-sized
// typedefs of stdint.h and stddef.h (int8_t..uint64_t, size_t, ssize_t, intptr_t,
// uintptr_t, ptrdiff_t), pointers ("T*", pointee not kept), and struct and union
// definitions with their members inline, optionally marked __attribute__((packed))
// (structs only) and __attribute__((aligned(N))). Members may be arrays ("T name[3][2]")
// and may be unnamed. const, volatile and restrict are accepted and ignored; comments are
// skipped. The parser rejects, with a *ParseError, what C rejects and what jitffi does not
// support: long double, _Complex, __int128, enums, bit-fields, function types, named
// (tag-only) struct references, arrays as parameters or results, and void mixed with
// other parameters.
func ParseSignature(text string) (*Signature, error) {
	return ParseSignatureModel(text, LP64)
}

// ParseSignatureModel is ParseSignature under the given data model, which decides the
// sizes of long and the signedness of plain char.
func ParseSignatureModel(text string, m DataModel) (sig *Signature, err error) {
	p, err := newParser(text, m)
	if err != nil {
		return nil, err
	}
	defer p.recover(&err)
	sig = p.parseSignature()
	return sig, nil
}

// ParseType parses one C type under the LP64 data model, in the syntax ParseSignature
// accepts for a parameter or result, for example "struct{int32_t a; double b[2];}" or
// "const char*". Unlike a parameter, the type may also be an array, such as "float[4]",
// so that ParseType reads back what Type.String prints for every type.
func ParseType(text string) (*Type, error) {
	return ParseTypeModel(text, LP64)
}

// ParseTypeModel is ParseType under the given data model.
func ParseTypeModel(text string, m DataModel) (t *Type, err error) {
	p, err := newParser(text, m)
	if err != nil {
		return nil, err
	}
	defer p.recover(&err)
	t = p.parseStandaloneType()
	return t, nil
}

type parser struct {
	lexer
	model DataModel
	depth int
}

func newParser(text string, m DataModel) (*parser, error) {
	if int(m) >= len(dataModelNames) {
		return nil, fmt.Errorf("abi: unknown data model %v", m)
	}
	return &parser{lexer: lexer{text: text}, model: m}, nil
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

// parseSignature reads: type '(' params ')' EOF.
func (p *parser) parseSignature() *Signature {
	p.next()
	result := p.parsePointers(p.parseSpecifiers())
	if p.is("[") {
		p.failf(p.tok.pos, "a C function cannot return an array")
	}
	p.expect("(", "to start the parameter list")
	sig := &Signature{Result: result, Fixed: -1}
	if p.is(")") {
		p.next()
		p.expectEOF()
		return sig
	}
	voidPos := -1 // position of a lone "void" parameter
	for {
		if p.is("...") {
			if sig.Fixed >= 0 {
				p.failf(p.tok.pos, "only one '...' is allowed")
			}
			sig.Fixed = len(sig.Params)
			p.next()
		} else {
			pos := p.tok.pos
			t, named := p.parseParam()
			if t.Kind == Void {
				if named {
					p.failf(pos, "a parameter cannot have type void")
				}
				if voidPos >= 0 || len(sig.Params) > 0 || sig.Fixed >= 0 {
					p.failf(pos, "'void' must be the only parameter")
				}
				voidPos = pos
			} else {
				if voidPos >= 0 {
					p.failf(voidPos, "'void' must be the only parameter")
				}
				sig.Params = append(sig.Params, t)
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
	p.expectEOF()
	return sig
}

// parseParam reads one parameter: a type, pointers and an optional name. It reports
// whether the parameter was named.
func (p *parser) parseParam() (*Type, bool) {
	t := p.parsePointers(p.parseSpecifiers())
	named := false
	if p.tok.kind == tokIdent {
		p.checkName("parameter")
		p.next()
		named = true
	}
	switch {
	case p.is("["):
		p.failf(p.tok.pos, "a parameter cannot be an array; C passes arrays as pointers (write T*)")
	case p.is("("):
		p.failf(p.tok.pos, "function types and function pointers are not supported; pass a function pointer as void*")
	}
	return t, named
}

// parseStandaloneType reads: type ('[' N ']')* EOF.
func (p *parser) parseStandaloneType() *Type {
	p.next()
	t := p.parsePointers(p.parseSpecifiers())
	if p.is("(") {
		p.failf(p.tok.pos, "function types are not supported; use ParseSignature for a signature, void* for a function pointer")
	}
	if p.is("[") {
		if t.Kind == Void {
			p.failf(p.tok.pos, "array of void")
		}
		t = p.parseArrayDims(t)
	}
	p.expectEOF()
	return t
}

func (p *parser) expectEOF() {
	if p.tok.kind != tokEOF {
		p.expected("end of input")
	}
}

// parsePointers reads any number of '*', each optionally followed by qualifiers.
func (p *parser) parsePointers(t *Type) *Type {
	for p.is("*") {
		t = Scalar(Pointer)
		p.next()
		for p.tok.kind == tokIdent && qualifiers[p.tok.text] {
			p.next()
		}
	}
	return t
}

// checkName fails if the current identifier is a keyword, which cannot name a field or
// a parameter.
func (p *parser) checkName(what string) {
	w := p.tok.text
	_, unsupported := unsupportedTypes[w]
	if basicSpecifiers[w] || qualifiers[w] || unsupported || w == "struct" || w == "union" ||
		w == "__attribute__" || w == "__attribute" {
		p.failf(p.tok.pos, "expected a %s name, found keyword '%s'", what, w)
	}
}

// parseSpecifiers reads the type specifiers and qualifiers of a declaration and returns
// the type they name.
func (p *parser) parseSpecifiers() *Type {
	var sp specs
	for p.tok.kind == tokIdent {
		w, pos := p.tok.text, p.tok.pos
		seenType := sp.named != nil || len(sp.words) > 0
		switch {
		case qualifiers[w]:
			p.next()
			continue
		case basicSpecifiers[w]:
			if sp.named != nil {
				p.failf(pos, "'%s' cannot be combined with a %s", w, describeNamed(sp.named))
			}
			sp.add(w)
			if msg := sp.check(); msg != "" {
				p.failf(pos, "%s", msg)
			}
			p.next()
			continue
		case w == "struct" || w == "union":
			if seenType {
				p.failf(pos, "'%s' cannot be combined with other type specifiers", w)
			}
			sp.named = p.parseAggregate()
			continue
		case w == "__attribute__" || w == "__attribute":
			p.failf(pos, "__attribute__ is only supported right after 'struct' or 'union' or after a member list's '}'")
		}
		if msg, ok := unsupportedTypes[w]; ok {
			p.failf(pos, "%s", msg)
		}
		if seenType {
			break // an identifier after the type is the declarator's name
		}
		k, ok := typedefNames[w]
		if !ok {
			p.failf(pos, "unknown type name '%s'", w)
		}
		sp.named = Scalar(k)
		p.next()
	}
	if sp.named != nil {
		return sp.named
	}
	if len(sp.words) == 0 {
		p.failf(p.tok.pos, "expected a type, found %s", p.found())
	}
	return Scalar(sp.kind(p.model))
}

// parseAggregate reads a struct or union definition, starting at the keyword.
func (p *parser) parseAggregate() *Type {
	kw, kwPos := p.tok.text, p.tok.pos
	p.depth++
	if p.depth > MaxTypeDepth {
		p.failLimit(kwPos, ErrTooDeep, "structs and unions nested more than %d deep", MaxTypeDepth)
	}
	defer func() { p.depth-- }()
	p.next()
	var attr attrs
	p.parseAttributes(&attr)
	if p.tok.kind == tokIdent && !basicSpecifiers[p.tok.text] && !qualifiers[p.tok.text] {
		tag, tagPos := p.tok.text, p.tok.pos
		p.next()
		if !p.is("{") {
			p.failf(tagPos, "'%s %s' has no member list; jitffi has no named types, so write the members inline: %s{...}", kw, tag, kw)
		}
	}
	if !p.is("{") {
		p.expected(fmt.Sprintf("'{' or a tag after '%s'", kw))
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
	return t
}

// parseMemberDecl reads one member declaration: a type followed by one or more
// declarators separated by commas and a ';'. It returns the members and their positions.
func (p *parser) parseMemberDecl(kw string) ([]Field, []int) {
	declPos := p.tok.pos
	base := p.parseSpecifiers()
	var fields []Field
	var poss []int
	for {
		pos := p.tok.pos
		t := p.parsePointers(base)
		name := ""
		if p.tok.kind == tokIdent {
			if p.isIdent("__attribute__") || p.isIdent("__attribute") {
				p.failf(p.tok.pos, "attributes on members are not supported")
			}
			p.checkName("field")
			name, pos = p.tok.text, p.tok.pos
			p.next()
		}
		if t.Kind == Void && !p.is("(") {
			p.failf(declPos, "a %s member cannot have type void", kw)
		}
		if p.is("[") {
			t = p.parseArrayDims(t)
		}
		switch {
		case p.is(":"):
			p.failf(p.tok.pos, "bit-fields are not supported")
		case p.is("("):
			p.failf(p.tok.pos, "function types and function pointers are not supported; use void*")
		case p.isIdent("__attribute__") || p.isIdent("__attribute"):
			p.failf(p.tok.pos, "attributes on members are not supported")
		}
		if name == "" && len(fields) == 0 {
			pos = declPos
		}
		fields = append(fields, Field{Name: name, Type: t})
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
			if p.tok.kind != tokIdent && !p.is("*") {
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

// parseArrayDims reads one or more '[N]' and returns the array of t they describe:
// t[a][b] is an array of a arrays of b elements of t.
func (p *parser) parseArrayDims(t *Type) *Type {
	var dims []int
	var poss []int
	for p.is("[") {
		p.next()
		if p.is("]") {
			p.failf(p.tok.pos, "arrays need a length; flexible array members are not supported")
		}
		if p.tok.kind != tokNumber {
			p.expected("an array length")
		}
		if p.tok.num > MaxTypeSize {
			p.failLimit(p.tok.pos, ErrTooLarge, "array length %s is larger than %d", p.tok.text, MaxTypeSize)
		}
		// Checked as the dimensions come, so that a million of them cost no more than
		// MaxTypeDepth.
		if t.depth+len(dims) >= MaxTypeDepth {
			p.failLimit(p.tok.pos, ErrTooDeep, "structs, unions and arrays nested more than %d deep", MaxTypeDepth)
		}
		dims = append(dims, int(p.tok.num))
		poss = append(poss, p.tok.pos)
		p.next()
		p.expect("]", "after the array length")
	}
	for i := len(dims) - 1; i >= 0; i-- {
		if t.Size() > 0 && dims[i] > MaxTypeSize/t.Size() {
			p.failLimit(poss[i], ErrTooLarge, "array is larger than %d bytes", MaxTypeSize)
		}
		t = ArrayOf(t, dims[i])
		p.checkLimits(poss[i], t)
	}
	return t
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

package bindgen

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"modernc.org/cc/v4"
	"modernc.org/token"
)

type declKind int

const (
	kindStruct   declKind = iota
	kindUnion             // a byte array with typed accessors
	kindEnum              // a defined integer type and its constants
	kindAlias             // a typedef of a scalar, pointer or array: a Go alias
	kindHandle            // a typedef of a pointer to an incomplete struct: a defined pointer type
	kindOpaque            // an incomplete struct: only pointed to
	kindFuncPtr           // a typedef of a function pointer: a callback type
	kindCallback          // a typedef of a function type
)

// A typeDecl is one Go type declaration of the generated package.
type typeDecl struct {
	kind   declKind
	key    string // what identifies the C type
	goName string
	cName  string // how C names it ("struct z_stream_s", "z_stream"); "" when C cannot
	cExpr  string // how the layout program names it: cName, or __typeof__ of a member
	pos    token.Position
	doc    string

	size, align int64
	notByValue  string
	needUnsafe  bool
	skipReason  string // why it is not generated (uses of it are skipped too)
	target      string // kindAlias, kindHandle: the Go type it names
	members     []member
	accessors   []accessor // kindUnion
	checks      []fieldCheck
	callback    *funcSig // kindFuncPtr
	consts      []*constDecl
	pending     bool // a typedef being laid out: only pointers to it can be used yet
	anonymous   bool // an anonymous member's type: checked through its parent
}

// A member is one field of a generated struct.
type member struct {
	goName, expr string
	off, size    int64
	align        int64
	embedded     bool
	comment      string
}

// An accessor is one member of a union, reached through a method.
type accessor struct {
	goName, expr, cName string
	size                int64
}

// A fieldCheck is one member whose offset and size the layout test compares with C's.
type fieldCheck struct {
	cPath, goPath string
	union         bool  // the Go side is an embedded union: check its offset only
	off, size     int64 // as the front end lays the member out
}

// A funcSig is a C function type in Go terms.
type funcSig struct {
	params   []goRef
	names    []string
	result   goRef
	variadic bool
}

type funcDecl struct {
	cName, goName string
	sig           *funcSig
	optional      bool
	doc, proto    string
	docOf         string // the shared comment, when doc points to the function that has it
	pos           token.Position
}

type constDecl struct {
	cName, goName string
	goType        string // "" for an untyped constant
	value         string // the Go literal
	check         constCheck
	pos           token.Position
	comment       string
}

// A constCheck says how the layout program prints a constant for the test to compare.
type constCheck int

const (
	checkInt constCheck = iota
	checkUint
	checkFloat
	checkFloat32
	checkString
	checkPointer
)

type varDecl struct {
	cName, goName, expr string
	pos                 token.Position
	doc                 string
}

type generator struct {
	c  *Config
	fe *frontEnd

	idents        map[string]string // Go identifier -> the C name that has it
	types         map[string]*typeDecl
	typedefs      map[string]*typeDecl
	order         []*typeDecl
	consts        []*constDecl
	constNames    map[string]bool
	funcs         []*funcDecl
	vars          []*varDecl
	skips         []Skip
	sentinelTypes map[string]bool
	evaluated     map[string]cc.Value // macros the front end evaluated in a second pass
	sentinelFuncs []cc.Type           // their function types: a parameter of a compatible type is uintptr too
	counts        Summary
	docs          *docReader
	specType      map[*cc.Declarator]cc.Type // a plain typedef's specifiers' type, typedef name kept
	renamed       []string
	suffix        string            // of the file names: see goFileName
	funcFields    map[string]bool   // field names of Funcs and Vars
	forced        map[string]string // type keys and "const NAME"s the C compiler disagreed on, and why
}

// The identifiers the generated package declares besides the C names.
var apiNames = []string{"LibraryNames", "Open", "Lib", "Funcs", "Vars", "BindVars"}

func newGenerator(c *Config, fe *frontEnd) *generator {
	g := &generator{c: c, fe: fe, idents: map[string]string{}, types: map[string]*typeDecl{},
		typedefs: map[string]*typeDecl{}, constNames: map[string]bool{}, sentinelTypes: map[string]bool{},
		docs: newDocReader(), specType: map[*cc.Declarator]cc.Type{}}
	for _, n := range apiNames {
		g.idents[n] = "(jitffi-gen)"
	}
	return g
}

func (g *generator) skip(kind, name, format string, args ...any) {
	g.skips = append(g.skips, Skip{Name: name, Kind: kind, Reason: fmt.Sprintf(format, args...)})
}

// kept reports whether a name of the headers passes the -keep filters.
func (g *generator) kept(name string) bool {
	if len(g.c.Keep) == 0 && g.c.KeepRegexp == nil {
		return true
	}
	for _, p := range g.c.Keep {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return g.c.KeepRegexp != nil && g.c.KeepRegexp.MatchString(name)
}

// exported turns a C identifier into an exported Go one.
func exported(name string) string {
	if name == "" {
		return ""
	}
	r := []rune(name)
	if r[0] == '_' {
		return "X" + name
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// ident gives a C name its package-level Go identifier, renaming on a collision.
func (g *generator) ident(cName, want string) string {
	name := want
	for {
		owner, taken := g.idents[name]
		if !taken {
			g.idents[name] = cName
			if name != want {
				g.renamed = append(g.renamed, fmt.Sprintf("%s is %s (%s is %s's)", cName, name, want, g.idents[want]))
			}
			return name
		}
		if owner == cName {
			return name
		}
		name += "_"
	}
}

// collect walks the translation unit in order and gathers what the headers declare.
func (g *generator) collect() {
	g.findSentinels()
	g.findSpecifiers()
	for l := g.fe.ast.TranslationUnit; l != nil; l = l.TranslationUnit {
		ed := l.ExternalDeclaration
		pos := ed.Position()
		if !g.fe.inRoot(pos.Filename) {
			continue
		}
		switch ed.Case {
		case cc.ExternalDeclarationFuncDef:
			if fd := ed.FunctionDefinition; fd != nil && fd.Declarator != nil && g.kept(fd.Declarator.Name()) {
				g.skip("function", fd.Declarator.Name(), "defined in the header (static inline): the library has no symbol for it")
			}
		case cc.ExternalDeclarationDecl:
			g.declaration(ed)
		}
	}
	g.macros()
	for _, td := range g.order {
		if td.skipReason != "" {
			continue
		}
		switch td.kind {
		case kindStruct:
			g.counts.Structs++
		case kindUnion:
			g.counts.Unions++
		case kindEnum:
			g.counts.Enums++
		case kindAlias:
			g.counts.Aliases++
		case kindHandle, kindOpaque:
			g.counts.Handles++
		case kindFuncPtr:
			if td.callback != nil {
				g.counts.Callbacks++
			}
		}
	}
	g.counts.Functions = len(g.funcs)
	g.counts.Constants = len(g.consts)
	for _, td := range g.order {
		g.counts.Constants += len(td.consts)
	}
	g.counts.Variables = len(g.vars)
}

func (g *generator) declaration(ed *cc.ExternalDeclaration) {
	d := ed.Declaration
	if d == nil || d.Case != cc.DeclarationDecl {
		return
	}
	// Tags and enums defined by the specifiers (struct s {...};, enum {...};).
	for ds := d.DeclarationSpecifiers; ds != nil; ds = ds.DeclarationSpecifiers {
		ts := ds.TypeSpecifier
		if ts == nil {
			continue
		}
		switch {
		case ts.StructOrUnionSpecifier != nil && ts.StructOrUnionSpecifier.StructDeclarationList != nil:
			t := ts.StructOrUnionSpecifier.Type()
			if tag := tagName(t); tag != "" && g.kept(tag) {
				g.record(t, nil, "")
			}
		case ts.EnumSpecifier != nil && ts.EnumSpecifier.EnumeratorList != nil:
			et, ok := ts.EnumSpecifier.Type().(*cc.EnumType)
			if !ok {
				continue
			}
			if tagName(et) != "" {
				if g.kept(tagName(et)) {
					g.enum(et, nil)
				}
			} else if d.InitDeclaratorList == nil {
				g.anonymousEnum(et)
			}
		}
	}
	for l := d.InitDeclaratorList; l != nil; l = l.InitDeclaratorList {
		id := l.InitDeclarator
		dr := id.Declarator
		if dr == nil || !g.kept(dr.Name()) {
			continue
		}
		switch {
		case dr.IsTypename():
			g.typedef(dr)
		case dr.Type().Kind() == cc.Function:
			if dr.IsStatic() {
				g.skip("function", dr.Name(), "static: the library has no symbol for it")
				continue
			}
			g.function(ed, dr)
		case dr.IsStatic() && id.Initializer != nil:
			g.staticConst(dr, id)
		case dr.IsExtern() || !dr.IsStatic():
			g.variable(ed, dr)
		}
	}
}

func tagName(t cc.Type) string {
	switch x := t.(type) {
	case *cc.StructType:
		tok := x.Tag()
		return tok.SrcStr()
	case *cc.UnionType:
		tok := x.Tag()
		return tok.SrcStr()
	case *cc.EnumType:
		tok := x.Tag()
		return tok.SrcStr()
	}
	return ""
}

func tagPos(t cc.Type) token.Position {
	switch x := t.(type) {
	case *cc.StructType:
		tok := x.Tag()
		if tok.SrcStr() != "" {
			return tok.Position()
		}
		if x.NumFields() > 0 {
			return fieldPos(x.FieldByIndex(0))
		}
	case *cc.UnionType:
		tok := x.Tag()
		if tok.SrcStr() != "" {
			return tok.Position()
		}
		if x.NumFields() > 0 {
			return fieldPos(x.FieldByIndex(0))
		}
	case *cc.EnumType:
		tok := x.Tag()
		if tok.SrcStr() != "" {
			return tok.Position()
		}
		if e := x.Enumerators(); len(e) > 0 {
			return e[0].Position()
		}
	}
	return token.Position{}
}

func fieldPos(f *cc.Field) token.Position {
	if d := f.Declarator(); d != nil {
		return d.Position()
	}
	return token.Position{}
}

func posKey(p token.Position) string {
	return fmt.Sprintf("%s:%d:%d", filepath.Clean(p.Filename), p.Line, p.Column)
}

func (g *generator) add(td *typeDecl) *typeDecl {
	g.types[td.key] = td
	g.order = append(g.order, td)
	return td
}

// typedef returns the declaration of a typedef name the headers declare, or nil for a
// typedef of another file (which stands for its type).
func (g *generator) typedef(d *cc.Declarator) *typeDecl {
	name := d.Name()
	if td, ok := g.typedefs[name]; ok {
		return td
	}
	if !g.fe.inRoot(d.Position().Filename) || !g.kept(name) {
		return nil
	}
	t := d.Type()
	key := "typedef " + name
	if k := t.Kind(); (k == cc.Struct || k == cc.Union || k == cc.Enum) && (tagName(t) == "" || tagName(t) == name) {
		// typedef struct {...} name, typedef struct name name: one Go type, the record's.
		var named *cc.Declarator
		if tagName(t) == "" {
			named = d
		}
		var td *typeDecl
		if k == cc.Enum {
			td = g.enum(t.(*cc.EnumType), named)
		} else {
			td = g.record(t, named, "")
		}
		g.typedefs[name] = td
		return td
	}
	// Named before anything it refers to is laid out, so that a type refering back to it
	// (struct node { nodep next; }) finds it.
	td := &typeDecl{key: key, kind: kindAlias, cName: name, cExpr: name, pos: d.Position(), doc: g.docs.above(d.Position())}
	td.goName = g.ident(name, exported(name))
	td.pending = true
	g.typedefs[name] = td
	g.add(td)
	defer func() { td.pending = false }()
	if reason, ok := g.forced[key]; ok {
		td.skipReason = reason
		g.skip("type", name, "%s", reason)
		return td
	}
	switch t.Kind() {
	case cc.Struct, cc.Union:
		rec := g.record(t, nil, "")
		td.target = rec.goName
		td.size, td.align, td.notByValue, td.skipReason = rec.size, rec.align, rec.notByValue, rec.skipReason
		if rec.kind == kindOpaque {
			td.skipReason = ""
		}
	case cc.Enum:
		e := g.enum(t.(*cc.EnumType), nil)
		td.target, td.size, td.align = e.goName, e.size, e.align
	case cc.Ptr:
		elem := t.(*cc.PointerType).Elem()
		if ft, ok := elem.(*cc.FunctionType); ok {
			td.kind, td.size, td.align = kindFuncPtr, 8, 8
			sig, err := g.signature(ft, useCbParam, useCbResult)
			switch {
			case err != nil:
				g.skip("callback", name, "no Go func type: %v; parameters of this type take any *jitffi.Callback (NewCallbackDynamic)", err)
			case ft.IsVariadic():
				g.skip("callback", name, "variadic: jitffi callbacks cannot be variadic")
			case len(sig.params) > 16:
				g.skip("callback", name, "%d parameters: NewCallback takes at most 16 (use NewCallbackDynamic)", len(sig.params))
			default:
				td.callback = sig
			}
			return td
		}
		if (elem.Kind() == cc.Struct || elem.Kind() == cc.Union) && elem.IsIncomplete() && elem.Typedef() == nil {
			rec := g.record(elem, nil, "")
			td.kind, td.target, td.size, td.align = kindHandle, "*"+rec.goName, 8, 8
			break
		}
		r, err := g.bare(t, useField)
		if err != nil {
			td.skipReason = err.Error()
			break
		}
		td.kind, td.target, td.size, td.align, td.needUnsafe = kindAlias, r.expr, r.size, r.align, r.needUnsafe
	case cc.Function:
		td.kind, td.skipReason = kindCallback, "a function type (not a pointer to one): pointers to it are callbacks"
	case cc.Void:
		td.kind, td.skipReason = kindAlias, "a typedef of void"
	default:
		var r goRef
		var err error
		if spec := g.specType[d]; spec != nil {
			// typedef uint32_t VkBool32: uint32, the same Go type on every target, where
			// the kind alone (unsigned int, or unsigned long for uint64_t on Linux) is not.
			r, err = g.goType(spec, useField)
		} else {
			r, err = g.bare(t, useField)
		}
		if err != nil {
			td.skipReason = err.Error()
			break
		}
		td.kind, td.target, td.size, td.align, td.notByValue, td.needUnsafe = kindAlias, r.expr, r.size, r.align, r.notByValue, r.needUnsafe
	}
	if td.skipReason != "" {
		g.skip("type", name, "%s", td.skipReason)
	}
	return td
}

// sortTypes orders the declarations as the headers do.
func (g *generator) sortedTypes() []*typeDecl {
	out := append([]*typeDecl(nil), g.order...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].pos, out[j].pos
		ra, rb := g.fe.fileRank(a.Filename), g.fe.fileRank(b.Filename)
		if ra != rb {
			return ra < rb
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return out[i].goName < out[j].goName
	})
	return out
}

// findSpecifiers records, for every typedef whose declarator adds nothing to its
// specifiers (typedef uint32_t VkBool32), the specifiers' type, which keeps the name of
// the typedef it was written with: the declarator's own type carries only the new name.
func (g *generator) findSpecifiers() {
	for l := g.fe.ast.TranslationUnit; l != nil; l = l.TranslationUnit {
		ed := l.ExternalDeclaration
		if ed.Case != cc.ExternalDeclarationDecl || ed.Declaration == nil || ed.Declaration.DeclarationSpecifiers == nil {
			continue
		}
		spec := ed.Declaration.DeclarationSpecifiers.Type()
		if spec == nil || spec.Typedef() == nil {
			continue
		}
		for il := ed.Declaration.InitDeclaratorList; il != nil; il = il.InitDeclaratorList {
			d := il.InitDeclarator.Declarator
			if d != nil && d.IsTypename() && d.Pointer == nil && d.DirectDeclarator != nil && d.DirectDeclarator.Case == cc.DirectDeclaratorIdent {
				g.specType[d] = spec
			}
		}
	}
}

package abi

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
)

// A TypeEnv holds C declarations that a Parser's text may use: typedefs, struct, union
// and enum definitions (with their enum constants), function prototypes, and macros, as
// a header declares them:
//
//	env := abi.NewTypeEnv()
//	err := env.Declare(`
//		#define SQLITE_API
//		typedef struct sqlite3 sqlite3;
//		typedef long long int sqlite_int64;
//		typedef unsigned long uLong;
//		typedef struct { int a; double b; } pair;
//		struct node { int v; struct node *next; };
//		enum level { LOW, HIGH = 10 };
//		SQLITE_API int sqlite3_open(const char *filename, sqlite3 **ppDb);
//	`)
//
// Declare lays every declaration out under each DataModel, so one environment serves
// every target: "uLong" is 8 bytes to a Parser with Model LP64 and 4 bytes to one with
// LLP64. The zero TypeEnv is empty and ready to use; a TypeEnv must not be copied once
// used. It is safe for concurrent use: parsers read a consistent snapshot while Declare
// adds to it.
type TypeEnv struct {
	mu    sync.Mutex // serializes Declare
	state atomic.Pointer[envState]
}

// envState is one immutable snapshot of an environment: its scope under each data model,
// and for a model under which a declaration failed, why.
type envState struct {
	models [len(dataModelNames)]*scope
	errs   [len(dataModelNames)]error
}

// NewTypeEnv returns an empty type environment.
func NewTypeEnv() *TypeEnv { return &TypeEnv{} }

// Declare adds the declarations of text to the environment. text is a sequence of C
// declarations, each ending in ';': typedefs (of any type, function and function pointer
// types included), struct, union and enum definitions and forward declarations, function
// prototypes (which ParsePrototype then finds by name), and variable declarations (read
// and not recorded), with lines of #define (object-like and function-like macros, without
// the # and ## operators) and #undef between them; #pragma lines are skipped. Other
// directives, initializers and function bodies are refused: run a whole header through
// the preprocessor (cc -E -P) first.
//
// A name or tag declared again must be declared the same way. Some text is right for
// some targets only: glibc's "typedef unsigned long int size_t;" is right under LP64, and
// wrong under LLP64, where long is 4 bytes and size_t 8. So Declare adds text under each
// data model for which it is right. When it is right for none, Declare adds nothing and
// returns the error under LP64 (a *ParseError); when it is right for some only, Declare
// returns nil, and a Parser with an excluded Model refuses to parse, with an error
// wrapping the *ParseError of that model (see Err).
func (e *TypeEnv) Declare(text string) error {
	_, err := e.declare(text, false)
	return err
}

// declare adds text under each data model for which it is right, or, when it is right for
// none, returns the error under LP64. With skip, it skips each declaration it cannot
// read, and returns why under each model.
func (e *TypeEnv) declare(text string, skip bool) ([len(dataModelNames)][]*ParseError, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	cur := e.state.Load()
	if cur == nil {
		cur = new(envState)
	}
	next := new(envState)
	var skipped [len(dataModelNames)][]*ParseError
	var errs [len(dataModelNames)]error
	failed := 0
	for m := range next.models {
		outer := cur.models[m]
		p := newParser(text, DataModel(m), outer)
		p.declaring, p.skip = true, skip
		p.lexer.directives = true
		p.lexer.macros = p.lookupMacro
		errs[m] = p.declareAll()
		skipped[m] = p.skipped
		if errs[m] != nil {
			failed++
			next.models[m] = outer
			continue
		}
		next.models[m] = outer.merge(p.local)
	}
	if failed == len(errs) {
		return skipped, errs[LP64]
	}
	for m := range next.errs {
		next.errs[m] = cur.errs[m]
		var pe *ParseError
		if next.errs[m] == nil && errors.As(errs[m], &pe) {
			pe.Msg += fmt.Sprintf(" (under the %v data model)", DataModel(m))
			next.errs[m] = fmt.Errorf("abi: the type environment holds no declarations for the %v data model: %w", DataModel(m), errs[m])
		}
	}
	e.state.Store(next)
	return skipped, nil
}

// Err returns nil if the environment serves data model m, or else the error, wrapping
// a *ParseError, of the first text Declare could not add under m.
func (e *TypeEnv) Err(m DataModel) error {
	if s := e.state.Load(); s != nil && int(m) < len(s.errs) {
		return s.errs[m]
	}
	return nil
}

// Funcs returns the names of the functions the environment declares, sorted. A Parser
// with the environment reads each name alone as that function's prototype.
func (e *TypeEnv) Funcs() []string {
	s := e.state.Load()
	if s == nil {
		return nil
	}
	var names []string
	for m, sc := range s.models {
		if sc == nil || s.errs[m] != nil {
			continue
		}
		for name, ent := range sc.names {
			if ent.kind == entFunc {
				names = append(names, name)
			}
		}
		break
	}
	slices.Sort(names)
	return names
}

// scope returns the environment's declarations under m, or nil, or the error that
// keeps it from serving m.
func (e *TypeEnv) scope(m DataModel) (*scope, error) {
	if e == nil {
		return nil, nil
	}
	if s := e.state.Load(); s != nil {
		return s.models[m], s.errs[m]
	}
	return nil, nil
}

// declareAll reads the declarations and directives of the text.
func (p *parser) declareAll() (err error) {
	defer p.recover(&err)
	p.next()
	for p.tok.kind != tokEOF {
		if !p.skip {
			p.declareOne()
			continue
		}
		start := p.snapshot()
		if err := p.try(p.declareOne); err != nil {
			p.skipped = append(p.skipped, err)
			p.lexer = start
			p.skipDeclaration()
		}
	}
	return nil
}

func (p *parser) declareOne() {
	switch {
	case p.is("#"):
		p.parseDirective()
	case p.is(";"):
		p.next()
	default:
		p.parseDeclaration()
	}
}

// parseDeclaration reads one declaration of TypeEnv.Declare and records what it declares.
func (p *parser) parseDeclaration() {
	base, isTypedef := p.parseSpecifiers(ctxDeclare)
	if p.is(";") { // a tag's definition or forward declaration, or an enum's constants
		p.next()
		return
	}
	for {
		d := p.parseDeclarator(ctxDeclare)
		if d.name == "" {
			p.expected("a name to declare")
		}
		asm := p.parseDeclTrailer(!isTypedef)
		n := len(d.ops)
		switch {
		case isTypedef:
			p.defineTypedef(d.name, d.namePos, p.derive(base, d))
		case n > 0 && d.ops[n-1].kind == derivFunc, n == 0 && base.fn != nil:
			p.defineFunc(d.name, asm, d.namePos, p.derive(base, d))
		}
		// A variable's declaration is read but not recorded, nor its type laid out:
		// "extern const char version[];" has no complete type.
		switch {
		case p.is("="):
			p.failf(p.tok.pos, "initializers are not supported")
		case p.is("{"):
			p.failf(p.tok.pos, "function bodies are not supported; declare the function only")
		case p.is(","):
			p.next()
			continue
		}
		p.expect(";", "after the declaration")
		return
	}
}

type entityKind uint8

const (
	entTypedef entityKind = iota + 1
	entConst
	entFunc
)

var entityNames = [...]string{entTypedef: "a typedef", entConst: "an enumeration constant", entFunc: "a function"}

// An entity is what an ordinary identifier names.
type entity struct {
	kind entityKind
	typ  ctype  // a typedef's type, or a function's (typ.fn)
	val  int64  // an enumeration constant's value
	asm  string // a function's __asm__ label
}

// A tagDef is what a struct, union or enum tag names: its type, nil while incomplete.
type tagDef struct {
	kw string
	t  *Type
}

// A scope holds declarations: of a text being parsed, or of an environment under one
// data model. An environment's scopes are never changed once stored.
type scope struct {
	names  map[string]*entity
	tags   map[string]*tagDef
	macros map[string]*macro // a nil entry is an #undef
}

func newScope() *scope {
	return &scope{names: map[string]*entity{}, tags: map[string]*tagDef{}, macros: map[string]*macro{}}
}

func (s *scope) hasMacros() bool { return s != nil && len(s.macros) > 0 }

// merge returns a new scope holding s's declarations and then local's.
func (s *scope) merge(local *scope) *scope {
	out := newScope()
	if s != nil {
		maps.Copy(out.names, s.names)
		maps.Copy(out.tags, s.tags)
		maps.Copy(out.macros, s.macros)
	}
	maps.Copy(out.names, local.names)
	maps.Copy(out.tags, local.tags)
	for name, m := range local.macros {
		if m == nil {
			delete(out.macros, name)
		} else {
			out.macros[name] = m
		}
	}
	return out
}

// lookupName returns the entity an ordinary identifier names, and whether it is the
// environment's (declared in another text).
func (p *parser) lookupName(name string) (*entity, bool) {
	if e := p.local.names[name]; e != nil {
		return e, false
	}
	if p.outer != nil {
		if e := p.outer.names[name]; e != nil {
			return e, true
		}
	}
	return nil, false
}

func (p *parser) lookupTag(tag string) *tagDef {
	if d := p.local.tags[tag]; d != nil {
		return d
	}
	if p.outer != nil {
		return p.outer.tags[tag]
	}
	return nil
}

func (p *parser) lookupMacro(name string) *macro {
	if m, ok := p.local.macros[name]; ok {
		return m
	}
	if p.outer != nil {
		return p.outer.macros[name]
	}
	return nil
}

// visibleName returns the declaration of name a new one must agree with: in Declare any
// earlier one, and in a signature's text only one of the same text, since the text's
// prototype scope may shadow the environment.
func (p *parser) visibleName(name string) *entity {
	e, outer := p.lookupName(name)
	if outer && !p.declaring {
		return nil
	}
	return e
}

func (p *parser) defineTag(kw, tag string, pos int, t *Type) {
	def := p.local.tags[tag]
	if def == nil && p.declaring {
		def = p.lookupTag(tag)
	}
	if def != nil {
		switch {
		case def.kw != kw:
			p.failf(pos, "'%s' is already the tag of %s %s", tag, article(def.kw), def.kw)
		case def.t != nil && !Equal(def.t, t):
			p.failf(pos, "'%s %s' is already defined differently, as %v", kw, tag, def.t)
		}
	}
	p.local.tags[tag] = &tagDef{kw: kw, t: t}
}

func (p *parser) defineConst(name string, pos int, v int64) {
	if e := p.visibleName(name); e != nil {
		if e.kind == entConst && e.val == v {
			return
		}
		p.failf(pos, "'%s' is already declared as %s", name, entityNames[e.kind])
	}
	p.local.names[name] = &entity{kind: entConst, val: v}
}

func (p *parser) defineTypedef(name string, pos int, t ctype) {
	if e := p.visibleName(name); e != nil {
		switch {
		case e.kind != entTypedef:
			p.failf(pos, "'%s' is already declared as %s", name, entityNames[e.kind])
		case !sameType(e.typ, t):
			p.failf(pos, "typedef '%s' redefined as a different type: %s, was %s", name, t.describe(), e.typ.describe())
		}
		return
	}
	if k, ok := typedefNames[name]; ok && (t.t == nil || !Equal(t.t, Scalar(k))) {
		p.failf(pos, "'%s' is built in as %v; a typedef cannot make it %s", name, Scalar(k), t.describe())
	}
	p.local.names[name] = &entity{kind: entTypedef, typ: t}
}

func (p *parser) defineFunc(name, asm string, pos int, t ctype) {
	if e := p.visibleName(name); e != nil {
		switch {
		case e.kind != entFunc:
			p.failf(pos, "'%s' is already declared as %s", name, entityNames[e.kind])
		case !sameType(e.typ, t):
			p.failf(pos, "function '%s' redeclared with a different type", name)
		case asm != "" && e.asm != "" && asm != e.asm:
			p.failf(pos, "function '%s' redeclared with another __asm__ label, \"%s\" after \"%s\"", name, asm, e.asm)
		case asm != "" && e.asm == "":
			// A redeclaration may add a label, as glibc's headers do to redirect
			// fscanf to __isoc99_fscanf: the label names the symbol.
			p.local.names[name] = &entity{kind: entFunc, typ: e.typ, asm: asm}
		}
		return
	}
	p.local.names[name] = &entity{kind: entFunc, typ: t, asm: asm}
}

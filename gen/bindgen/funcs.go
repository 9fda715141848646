package bindgen

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"modernc.org/cc/v4"
)

// signature maps a C function type's parameters and result.
func (g *generator) signature(ft *cc.FunctionType, param, result use) (*funcSig, error) {
	sig := &funcSig{variadic: ft.IsVariadic()}
	for i, p := range ft.Parameters() {
		pt := p.Type()
		if pt.Kind() == cc.Void && len(ft.Parameters()) == 1 {
			break
		}
		r, err := g.goType(pt, param)
		if err != nil {
			return nil, fmt.Errorf("parameter %d (%s): %v", i+1, paramName(p, i), err)
		}
		if r.notByValue != "" && !isPointerExpr(r.expr) {
			return nil, fmt.Errorf("parameter %d (%s) passes %s by value and %s", i+1, paramName(p, i), r.expr, r.notByValue)
		}
		sig.params = append(sig.params, r)
		sig.names = append(sig.names, p.Name())
	}
	r, err := g.goType(ft.Result(), result)
	if err != nil {
		return nil, fmt.Errorf("result: %v", err)
	}
	if r.notByValue != "" && !isPointerExpr(r.expr) {
		return nil, fmt.Errorf("the result is %s by value and %s", r.expr, r.notByValue)
	}
	sig.result = r
	return sig, nil
}

func isPointerExpr(expr string) bool {
	return strings.HasPrefix(expr, "*") || expr == "unsafe.Pointer" || expr == "uintptr" || expr == "string"
}

func paramName(p *cc.Parameter, i int) string {
	if n := p.Name(); n != "" {
		return n
	}
	return fmt.Sprintf("#%d", i+1)
}

// function adds a binding for a function the headers declare.
func (g *generator) function(ed *cc.ExternalDeclaration, d *cc.Declarator) {
	name := d.Name()
	for _, f := range g.funcs {
		if f.cName == name {
			return
		}
	}
	ft := d.Type().(*cc.FunctionType)
	sig, err := g.signature(ft, useParam, useResult)
	if err != nil {
		g.skip("function", name, "%v", err)
		return
	}
	if len(sig.params) > 16 {
		g.skip("function", name, "%d parameters: the typed bindings take at most 16 (bind it with jitffi.BindDynamic)", len(sig.params))
		return
	}
	fd := &funcDecl{cName: name, goName: g.funcName(name), sig: sig, pos: d.Position()}
	fd.optional = g.c.Optional != nil && g.c.Optional.MatchString(name)
	fd.doc = g.docs.of(ed)
	if fd.doc != "" {
		// sqlite documents a group of functions with one comment: the first gets it.
		for _, prev := range g.funcs {
			if prev.doc == fd.doc || prev.docOf == fd.doc {
				fd.docOf, fd.doc = fd.doc, fmt.Sprintf("Documented with %s.", prev.goName)
				break
			}
		}
	}
	fd.proto = g.docs.source(ed)
	g.funcs = append(g.funcs, fd)
}

// funcName is a function's field name in Funcs: unique, and clear of what Lib embeds
// (a field named Close would make Lib.Close ambiguous with the Library's method).
func (g *generator) funcName(cName string) string {
	name := exported(cName)
	for libraryNames[name] || g.funcFields[name] {
		name += "_"
	}
	if g.funcFields == nil {
		g.funcFields = map[string]bool{}
	}
	g.funcFields[name] = true
	return name
}

// libraryNames are the fields and methods Lib gets from *jitffi.Library and its own
// embedded structs.
var libraryNames = map[string]bool{"Close": true, "Lookup": true, "Library": true, "Funcs": true, "Vars": true, "BindProcs": true}

// variable adds a C global variable, reached through jitffi.Global.
func (g *generator) variable(ed *cc.ExternalDeclaration, d *cc.Declarator) {
	name := d.Name()
	for _, v := range g.vars {
		if v.cName == name {
			return
		}
	}
	t := d.Type()
	var r goRef
	var err error
	if at, ok := t.(*cc.ArrayType); ok && (at.Len() < 0 || at.IsIncomplete()) {
		// An array of unknown length: a pointer to its first element.
		r, err = g.goType(at.Elem(), useField)
		if err == nil && isPlainChar(at.Elem()) {
			r.expr = "byte"
		}
	} else {
		r, err = g.goType(t, useField)
	}
	if err != nil {
		g.skip("variable", name, "%v", err)
		return
	}
	g.vars = append(g.vars, &varDecl{cName: name, goName: g.funcName(name), expr: r.expr, pos: d.Position(), doc: g.docs.of(ed)})
}

// staticConst turns a static const object with a constant initializer (Vulkan's 64-bit
// flag values) into a Go constant.
func (g *generator) staticConst(d *cc.Declarator, id *cc.InitDeclarator) {
	name := d.Name()
	if g.constNames[name] {
		return
	}
	t := d.Type()
	if !t.Attributes().IsConst() && !d.IsConst() {
		g.skip("variable", name, "static and not const: each program including the header has its own")
		return
	}
	if reason, ok := g.forced["const "+name]; ok {
		g.skip("variable", name, "%s", reason)
		return
	}
	c := &constDecl{cName: name, pos: d.Position()}
	switch v := id.Initializer.Value().(type) {
	case cc.Int64Value:
		c.value, c.check = fmt.Sprint(int64(v)), pick(v < 0, checkInt, checkUint)
	case cc.UInt64Value:
		c.value, c.check = fmt.Sprint(uint64(v)), checkUint
	default:
		g.skip("variable", name, "static const without an integer value the front end computes")
		return
	}
	if td := t.Typedef(); td != nil {
		if ref, err := g.goType(t, useField); err == nil {
			c.goType = ref.expr
		}
	}
	c.goName = g.ident(name, exported(name))
	g.constNames[name] = true
	g.consts = append(g.consts, c)
}

// findSentinels finds function pointer types the headers give constant values
// (sqlite's SQLITE_STATIC and SQLITE_TRANSIENT): parameters of those types are uintptr,
// so that the constants can be passed, as can a callback's Addr().
func (g *generator) findSentinels() {
	for _, name := range sortedKeys(g.fe.ast.Macros) {
		m := g.fe.ast.Macros[name]
		if m.IsFnLike || !g.fe.inRoot(m.Position().Filename) {
			continue
		}
		for _, tok := range m.ReplacementList() {
			if tok.Ch != rune(cc.IDENTIFIER) {
				continue
			}
			for _, n := range g.fe.ast.Scope.Nodes[tok.SrcStr()] {
				if d, ok := n.(*cc.Declarator); ok && d.IsTypename() {
					if p, ok := d.Type().(*cc.PointerType); ok && p.Elem().Kind() == cc.Function {
						g.sentinelTypes[d.Name()] = true
						g.sentinelFuncs = append(g.sentinelFuncs, p.Elem())
					}
				}
			}
		}
	}
}

// macros turns the object-like macros of the headers with constant values into Go
// constants and lists the others as skipped.
func (g *generator) macros() {
	type item struct {
		name string
		m    *cc.Macro
	}
	var items []item
	var pending []*constDecl
	for name, m := range g.fe.ast.Macros {
		if g.fe.inRoot(m.Position().Filename) && g.kept(name) {
			items = append(items, item{name, m})
		}
	}
	// In the headers' order.
	sortByPos(items, func(it item) (string, int, int) {
		p := it.m.Position()
		return p.Filename, p.Line, p.Column
	}, g.fe.fileRank)
	for _, it := range items {
		name, m := it.name, it.m
		if g.constNames[name] {
			continue
		}
		if m.IsFnLike {
			g.skip("macro", name, "function-like")
			continue
		}
		toks := m.ReplacementList()
		if len(toks) == 0 {
			g.skip("macro", name, "defined empty")
			continue
		}
		c := &constDecl{cName: name, pos: m.Position(), comment: macroText(toks)}
		if err := g.macroValue(c, m, toks, 0); err != nil {
			if errors.Is(err, errUnknownValue) {
				pending = append(pending, c)
				continue
			}
			g.skip("macro", name, "%v", err)
			continue
		}
		g.addMacro(c)
	}
	if len(pending) == 0 {
		return
	}
	var names []string
	for _, c := range pending {
		names = append(names, c.cName)
	}
	g.evaluated = g.fe.evalMacros(names)
	for _, c := range pending {
		m := g.fe.ast.Macros[c.cName]
		if err := g.macroValue(c, m, m.ReplacementList(), 0); err != nil {
			g.skip("macro", c.cName, "%v", err)
			continue
		}
		g.addMacro(c)
	}
}

func (g *generator) addMacro(c *constDecl) {
	if reason, ok := g.forced["const "+c.cName]; ok {
		g.skip("macro", c.cName, "%s", reason)
		return
	}
	c.goName = g.ident(c.cName, exported(c.cName))
	g.constNames[c.cName] = true
	g.consts = append(g.consts, c)
}

// isIntegerMacro reports whether a macro's tokens are neither strings nor floating.
func isIntegerMacro(m *cc.Macro) bool {
	for _, t := range m.ReplacementList() {
		if isFloatToken(t) || t.Ch == rune(cc.STRINGLITERAL) || t.Ch == rune(cc.IDENTIFIER) {
			return false
		}
	}
	return true
}

// errUnknownValue marks a macro whose value the front end left unknown.
var errUnknownValue = errors.New("not a constant expression")

func macroText(toks []cc.Token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 && len(t.Sep()) > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.SrcStr())
	}
	return b.String()
}

// macroValue works out a macro's value. Integer expressions are the front end's;
// strings and floating literals are read here, and only when they stand alone, since the
// front end does not evaluate them. The layout test checks every value against the C
// compiler's.
func (g *generator) macroValue(c *constDecl, m *cc.Macro, toks []cc.Token, depth int) error {
	var core []cc.Token
	for _, t := range toks {
		if s := t.SrcStr(); s != "(" && s != ")" {
			core = append(core, t)
		}
	}
	if len(core) == 1 && core[0].Ch == rune(cc.IDENTIFIER) && depth < 32 {
		// Another name for a macro: its value (VK_KHR_MAINTENANCE1_EXTENSION_NAME).
		if other := g.fe.ast.Macros[core[0].SrcStr()]; other != nil && !other.IsFnLike && !isIntegerMacro(other) {
			return g.macroValue(c, other, other.ReplacementList(), depth+1)
		}
	}
	if len(core) > 0 && allStrings(core) {
		var b strings.Builder
		for _, t := range core {
			s, err := cString(t.SrcStr())
			if err != nil {
				return err
			}
			b.WriteString(s)
		}
		c.value, c.check = strconv.Quote(b.String()), checkString
		return nil
	}
	if f, f32, ok := floatLiteral(core); ok {
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return fmt.Errorf("a floating value Go constants cannot hold")
		}
		c.value, c.check = formatFloat(f), pick(f32, checkFloat32, checkFloat)
		return nil
	}
	for _, t := range toks {
		if isFloatToken(t) {
			return fmt.Errorf("a floating expression: not evaluated (only a lone literal is)")
		}
		switch t.Ch {
		case rune(cc.STRINGLITERAL), rune(cc.LONGSTRINGLITERAL), rune(cc.CHARCONST), rune(cc.LONGCHARCONST):
			if t.Ch == rune(cc.CHARCONST) {
				continue
			}
			return fmt.Errorf("a string expression: not evaluated (only string literals are)")
		}
	}
	sentinel := ""
	for _, t := range toks {
		if t.Ch == rune(cc.IDENTIFIER) && g.sentinelTypes[t.SrcStr()] {
			sentinel = t.SrcStr()
		}
	}
	if hasConst, err := g.constTokens(toks, 0); err != nil {
		return err
	} else if !hasConst {
		return fmt.Errorf("no constant in it (it names a type or a keyword)")
	}
	for i := 0; i+1 < len(toks) && sentinel == ""; i++ {
		if toks[i].SrcStr() == "*" && toks[i+1].SrcStr() == ")" {
			return fmt.Errorf("a pointer value: Go constants cannot be pointers (use nil)")
		}
	}
	// The macro's own value (cc.Macro.Value) folds ~0U to 64 bits; the value of a
	// declaration initialized with it (evalMacros) has the macro's type.
	var value cc.Value = &cc.UnknownValue{}
	if v, ok := g.evaluated[c.cName]; ok {
		value = v
	}
	if sentinel != "" {
		// ((type)0) is a value the front end leaves unknown; a cast of a lone integer is
		// read here.
		var rest []string
		for _, t := range toks {
			if s := t.SrcStr(); s != "(" && s != ")" && s != sentinel {
				rest = append(rest, s)
			}
		}
		if n, err := strconv.ParseInt(strings.Join(rest, ""), 0, 64); err == nil {
			value = cc.Int64Value(n)
		}
	}
	switch v := value.(type) {
	case *cc.ZeroValue:
		c.value, c.check = "0", checkUint
	case cc.Int64Value:
		c.value, c.check = fmt.Sprint(int64(v)), pick(v < 0, checkInt, checkUint)
	case cc.UInt64Value:
		c.value, c.check = fmt.Sprint(uint64(v)), checkUint
	default:
		if _, isFloat := v.(cc.Float64Value); isFloat {
			return fmt.Errorf("a floating expression: not evaluated (only a lone literal is)")
		}
		if _, unknown := v.(*cc.UnknownValue); unknown && g.evaluated == nil {
			return errUnknownValue
		}
		if _, unknown := v.(*cc.UnknownValue); unknown {
			return fmt.Errorf("the front end gives no constant value for it (a pointer, or not an expression)")
		}
		return fmt.Errorf("not a constant expression (the front end gives %T)", v)
	}
	if sentinel != "" {
		u, _ := strconv.ParseInt(c.value, 10, 64)
		c.value, c.goType, c.check = fmt.Sprintf("%#x", uint64(u)), "uintptr", checkPointer
		c.comment = fmt.Sprintf("%s: a %s value, passed where a parameter of that type is uintptr", macroText(toks), sentinel)
	}
	return nil
}

func isTypeName(fe *frontEnd, name string) bool {
	switch name {
	case "int", "unsigned", "signed", "long", "short", "char", "void":
		return true
	}
	for _, n := range fe.ast.Scope.Nodes[name] {
		if d, ok := n.(*cc.Declarator); ok && d.IsTypename() {
			return true
		}
	}
	return false
}

func allStrings(toks []cc.Token) bool {
	for _, t := range toks {
		if t.Ch != rune(cc.STRINGLITERAL) {
			return false
		}
	}
	return true
}

// floatLiteral reads a lone floating literal, perhaps negated.
func floatLiteral(toks []cc.Token) (v float64, f32, ok bool) {
	neg := false
	if len(toks) == 2 && toks[0].SrcStr() == "-" {
		neg, toks = true, toks[1:]
	}
	if len(toks) != 1 || !isFloatToken(toks[0]) {
		return 0, false, false
	}
	s := strings.ToLower(toks[0].SrcStr())
	switch {
	case strings.HasSuffix(s, "f"):
		f32, s = true, s[:len(s)-1]
	case strings.HasSuffix(s, "l"):
		return 0, false, false // long double
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false, false
	}
	if neg {
		v = -v
	}
	return v, f32, true
}

func formatFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}

// cString reads a C string literal's bytes (simple, octal and hex escapes).
func cString(lit string) (string, error) {
	if len(lit) < 2 || lit[0] != '"' || lit[len(lit)-1] != '"' {
		return "", fmt.Errorf("a string literal with a prefix: not read")
	}
	s := lit[1 : len(lit)-1]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i >= len(s) {
			return "", fmt.Errorf("a string literal ending in a backslash")
		}
		switch c := s[i]; c {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case '\\', '\'', '"', '?':
			b.WriteByte(c)
		case 'x':
			j := i + 1
			for j < len(s) && strings.IndexByte("0123456789abcdefABCDEF", s[j]) >= 0 {
				j++
			}
			v, err := strconv.ParseUint(s[i+1:j], 16, 8)
			if err != nil {
				return "", fmt.Errorf("escape \\x%s: %v", s[i+1:j], err)
			}
			b.WriteByte(byte(v))
			i = j - 1
		default:
			if c < '0' || c > '7' {
				return "", fmt.Errorf("unknown escape \\%c", c)
			}
			j := i
			for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			v, err := strconv.ParseUint(s[i:j], 8, 8)
			if err != nil {
				return "", fmt.Errorf("escape \\%s: %v", s[i:j], err)
			}
			b.WriteByte(byte(v))
			i = j - 1
		}
	}
	return b.String(), nil
}

// constTokens checks that a macro's tokens make a constant expression: numbers, enum
// constants, other such macros, function-like macros applied to those, and casts to
// type names. It reports whether a number or enum constant is among them.
func (g *generator) constTokens(toks []cc.Token, depth int) (bool, error) {
	if depth > 32 {
		return false, fmt.Errorf("macros nested too deep")
	}
	hasConst := false
	for _, t := range toks {
		switch t.Ch {
		case rune(cc.PPNUMBER), rune(cc.INTCONST), rune(cc.CHARCONST), rune(cc.FLOATCONST):
			hasConst = true
		case rune(cc.IDENTIFIER):
			name := t.SrcStr()
			if m := g.fe.ast.Macros[name]; m != nil {
				if m.IsFnLike {
					continue // its arguments are among toks; the front end computes the value
				}
				c, err := g.constTokens(m.ReplacementList(), depth+1)
				if err != nil {
					return false, err
				}
				hasConst = hasConst || c
				continue
			}
			if isEnumConst(g.fe, name) {
				hasConst = true
				continue
			}
			if isTypeName(g.fe, name) || name == "sizeof" || name == "_Alignof" || name == "__alignof__" {
				continue
			}
			return false, fmt.Errorf("refers to %s, which is not a constant", name)
		}
	}
	return hasConst, nil
}

func isEnumConst(fe *frontEnd, name string) bool {
	for _, n := range fe.ast.Scope.Nodes[name] {
		if _, ok := n.(*cc.Enumerator); ok {
			return true
		}
	}
	return false
}

// isFloatToken reports whether a preprocessing number is a floating constant.
func isFloatToken(t cc.Token) bool {
	if t.Ch == rune(cc.FLOATCONST) {
		return true
	}
	if t.Ch != rune(cc.PPNUMBER) {
		return false
	}
	s := strings.ToLower(t.SrcStr())
	if strings.HasPrefix(s, "0x") {
		return strings.ContainsAny(s, ".p")
	}
	return strings.ContainsAny(s, ".e")
}

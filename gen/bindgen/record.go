package bindgen

import (
	"fmt"

	"modernc.org/cc/v4"
)

// recordType is what cc's struct and union types share.
type recordType interface {
	cc.Type
	NumFields() int
	FieldByIndex(int) *cc.Field
}

// record returns the declaration of a struct or union type, laying it out the first
// time. typedef names an anonymous record after its typedef; nested names an anonymous
// record after the member it is the type of.
func (g *generator) record(t cc.Type, typedef *cc.Declarator, nested string) *typeDecl {
	return g.recordIn(t, typedef, nested, "")
}

// recordIn is record for a member's anonymous type, which C can name as cExpr
// (__typeof__ of the member).
func (g *generator) recordIn(t cc.Type, typedef *cc.Declarator, nested, cExpr string) *typeDecl {
	tag := tagName(t)
	word := "struct"
	if t.Kind() == cc.Union {
		word = "union"
	}
	var key, cName, goWant string
	switch {
	case tag != "":
		key, cName, goWant = word+" "+tag, word+" "+tag, exported(tag)
	case typedef != nil:
		key, cName, goWant = word+"@"+posKey(tagPos(t)), typedef.Name(), exported(typedef.Name())
	default:
		key, goWant = word+"@"+posKey(tagPos(t)), nested
	}
	if td, ok := g.types[key]; ok {
		return td
	}
	td := &typeDecl{key: key, cName: cName, cExpr: cName, pos: tagPos(t), kind: kindStruct}
	if cName == "" {
		td.cExpr = cExpr
	}
	if typedef != nil {
		td.pos = typedef.Position()
	}
	if goWant == "" {
		goWant = fmt.Sprintf("Anon%d", len(g.order))
	}
	td.goName = g.ident(key, goWant)
	td.anonymous = cName == ""
	td.doc = g.docs.above(td.pos)
	g.add(td)
	if reason, ok := g.forced[key]; ok {
		td.skipReason = reason
		g.skip(word, pick(td.cName != "", td.cName, td.goName), "%s", reason)
		return td
	}
	if t.Kind() == cc.Union {
		td.kind = kindUnion
	}
	rt, ok := t.(recordType)
	if !ok || t.IsIncomplete() {
		if ok && t.IsIncomplete() {
			td.kind = kindOpaque
			return td
		}
		td.skipReason = fmt.Sprintf("the front end gives %T for it", t)
		return td
	}
	if t.Kind() == cc.Union {
		g.layoutUnion(td, rt)
	} else {
		g.layoutStruct(td, rt)
	}
	if td.skipReason != "" && td.cName != "" {
		g.skip(word, td.cName, "%s", td.skipReason)
	}
	return td
}

// layoutStruct places every member at the offset the front end gives it, with blank
// padding where Go's own alignment would not put it there, and fails when Go cannot
// express the layout (a member Go would align further than C does, an alignment above
// 8).
func (g *generator) layoutStruct(td *typeDecl, rt recordType) {
	size, align := rt.Size(), int64(rt.Align())
	if align > 8 {
		td.skipReason = fmt.Sprintf("aligned to %d bytes: Go aligns nothing beyond 8", align)
		for i := 0; i < rt.NumFields(); i++ {
			f := rt.FieldByIndex(i)
			if f.Type().Align() > 8 {
				if _, err := g.goType(f.Type(), useField); err != nil {
					td.skipReason = fmt.Sprintf("member %s: %v (and aligns the struct to %d bytes)", f.Name(), err, align)
				}
				break
			}
		}
		return
	}
	var ms []member
	var cur int64
	fieldNames := map[string]bool{}
	for i := 0; i < rt.NumFields(); i++ {
		f := rt.FieldByIndex(i)
		name := f.Name()
		path := td.cName + "." + name
		if td.cName == "" {
			path = td.goName + "." + name
		}
		switch {
		case f.IsBitfield():
			if name != "" {
				g.skip("field", path, "a bit-field: Go has none; its bytes are blank padding in %s", td.goName)
			}
			td.notByValue = "it holds bit-fields"
			continue
		case f.IsFlexibleArrayMember():
			g.skip("field", path, "a flexible array member: not part of %s (reach it with unsafe.Add past the struct)", td.goName)
			continue
		}
		off := f.Offset()
		ft := f.Type()
		var ref goRef
		var err error
		embedded := false
		goField := exported(name)
		if name == "" && (ft.Kind() == cc.Struct || ft.Kind() == cc.Union) && ft.Typedef() == nil && tagName(ft) == "" {
			// A C11 anonymous member: a Go embedded field, whose members Go promotes.
			inner := g.record(ft, nil, fmt.Sprintf("%s_%d", td.goName, i))
			ref, err = g.recordRef(inner, useField)
			embedded, goField = true, inner.goName
			if err == nil {
				g.anonymousChecks(td, inner, ft.(recordType), off)
			}
		} else if (ft.Kind() == cc.Struct || ft.Kind() == cc.Union) && ft.Typedef() == nil && tagName(ft) == "" {
			inner := g.recordIn(ft, nil, td.goName+"_"+name, memberType(td.cExpr, name))
			ref, err = g.recordRef(inner, useField)
		} else {
			ref, err = g.goType(ft, useField)
		}
		if err == nil && (off%ref.align != 0 || off < cur) {
			err = fmt.Errorf("at offset %d, where Go cannot place a %s (aligned to %d)", off, ref.expr, ref.align)
		}
		if err != nil {
			if off%1 == 0 && f.Type().Size() >= 0 && !embedded {
				// Kept as blank bytes so that the rest of the struct stays usable.
				g.skip("field", path, "%v; its %d bytes are blank padding in %s", err, f.Type().Size(), td.goName)
				td.notByValue = fmt.Sprintf("member %s has no Go type", name)
				continue
			}
			td.skipReason = fmt.Sprintf("member %s: %v", name, err)
			return
		}
		if ref.notByValue != "" {
			td.notByValue = ref.notByValue
		}
		if ref.needUnsafe {
			td.needUnsafe = true
		}
		if off > alignUp(cur, ref.align) {
			// Padding Go would not add by itself.
			ms = append(ms, member{expr: fmt.Sprintf("[%d]byte", off-cur), off: cur, size: off - cur, align: 1})
		}
		for !embedded && fieldNames[goField] {
			goField += "_"
		}
		fieldNames[goField] = true
		ms = append(ms, member{goName: goField, expr: ref.expr, off: off, size: ref.size, align: ref.align, embedded: embedded})
		if !embedded {
			td.checks = append(td.checks, fieldCheck{cPath: name, goPath: goField, off: off, size: ft.Size()})
		}
		cur = off + ref.size
	}
	var goAlign int64 = 1
	for _, m := range ms {
		goAlign = max(goAlign, m.align)
	}
	if goAlign > align {
		td.skipReason = fmt.Sprintf("packed (aligned to %d while a member needs %d): Go cannot express it", align, goAlign)
		return
	}
	if goAlign < align {
		ms = append([]member{{expr: fmt.Sprintf("[0]%s", alignType(align)), align: align}}, ms...)
	}
	if size > alignUp(cur, align) {
		ms = append(ms, member{expr: fmt.Sprintf("[%d]byte", size-cur), off: cur, size: size - cur, align: 1})
		cur = size
	}
	if len(ms) > 0 && ms[len(ms)-1].size == 0 && cur > 0 {
		td.skipReason = "it ends with a member of size 0, after which Go adds padding C does not"
		return
	}
	if alignUp(cur, align) != size {
		td.skipReason = fmt.Sprintf("Go would make it %d bytes, C makes it %d", alignUp(cur, align), size)
		return
	}
	td.members, td.size, td.align = ms, size, align
	g.checkAgainstABI(td, rt)
}

// anonymousChecks adds the members of an anonymous struct or union member to its
// parent's checks: C reaches them by name through the parent, and so does Go.
func (g *generator) anonymousChecks(parent, inner *typeDecl, rt recordType, off int64) {
	if inner.kind == kindUnion {
		for i := 0; i < rt.NumFields(); i++ {
			if f := rt.FieldByIndex(i); f.Name() != "" && !f.IsBitfield() {
				parent.checks = append(parent.checks, fieldCheck{cPath: f.Name(), goPath: inner.goName, union: true, off: off})
				return
			}
		}
		return
	}
	for _, c := range inner.checks {
		c.off += off
		parent.checks = append(parent.checks, c)
	}
}

func alignType(a int64) string {
	switch a {
	case 2:
		return "uint16"
	case 4:
		return "uint32"
	case 8:
		return "uint64"
	}
	return "byte"
}

func alignUp(n, a int64) int64 { return (n + a - 1) / a * a }

// layoutUnion makes a union a byte array of its size and alignment, with an accessor
// per member.
func (g *generator) layoutUnion(td *typeDecl, rt recordType) {
	size, align := rt.Size(), int64(rt.Align())
	if align > 8 {
		td.skipReason = fmt.Sprintf("aligned to %d bytes: Go aligns nothing beyond 8", align)
		return
	}
	td.size, td.align, td.needUnsafe = size, align, true
	td.notByValue = "it is a union (jitffi passes unions by value only from signature text)"
	if align > 1 {
		td.members = append(td.members, member{expr: fmt.Sprintf("[0]%s", alignType(align)), align: align})
	}
	if size > 0 {
		td.members = append(td.members, member{expr: fmt.Sprintf("[%d]byte", size), size: size, align: 1})
	}
	names := map[string]bool{}
	for i := 0; i < rt.NumFields(); i++ {
		f := rt.FieldByIndex(i)
		name := f.Name()
		path := td.cName + "." + name
		if td.cName == "" {
			path = td.goName + "." + name
		}
		if f.IsBitfield() {
			if name != "" {
				g.skip("field", path, "a bit-field: Go has none")
			}
			continue
		}
		ft := f.Type()
		var ref goRef
		var err error
		goName := exported(name)
		if (ft.Kind() == cc.Struct || ft.Kind() == cc.Union) && ft.Typedef() == nil && tagName(ft) == "" {
			cExpr := ""
			if name == "" {
				goName = fmt.Sprintf("%s_%d", td.goName, i)
			} else {
				goName, cExpr = td.goName+"_"+name, memberType(td.cExpr, name)
			}
			inner := g.recordIn(ft, nil, goName, cExpr)
			ref, err = g.recordRef(inner, useField)
			if name == "" {
				goName = inner.goName
			}
		} else {
			ref, err = g.goType(ft, useField)
		}
		if err != nil {
			g.skip("field", path, "no accessor: %v", err)
			continue
		}
		for names[goName] {
			goName += "_"
		}
		names[goName] = true
		td.accessors = append(td.accessors, accessor{goName: goName, expr: ref.expr, cName: name, size: ft.Size()})
	}
	g.checkAgainstABI(td, rt)
}

// enum returns the declaration of a named enum type and its constants.
func (g *generator) enum(et *cc.EnumType, typedef *cc.Declarator) *typeDecl {
	tag := tagName(et)
	var key, cName, goWant string
	switch {
	case tag != "":
		key, cName, goWant = "enum "+tag, "enum "+tag, exported(tag)
	case typedef != nil:
		key, cName, goWant = "enum@"+posKey(tagPos(et)), typedef.Name(), exported(typedef.Name())
	default:
		return nil
	}
	if td, ok := g.types[key]; ok {
		return td
	}
	td := &typeDecl{key: key, kind: kindEnum, cName: cName, pos: tagPos(et)}
	if typedef != nil {
		td.pos = typedef.Position()
	}
	td.goName = g.ident(key, goWant)
	td.doc = g.docs.above(td.pos)
	g.add(td)
	if reason, ok := g.forced[key]; ok {
		td.skipReason = reason
		g.skip("enum", cName, "%s", reason)
		return td
	}
	ref, err := g.enumUnderlying(et)
	if err != nil {
		td.skipReason = err.Error()
		g.skip("enum", cName, "%v", err)
		return td
	}
	td.target, td.size, td.align = ref.expr, ref.size, ref.align
	td.consts = g.enumerators(et, td.goName)
	return td
}

// anonymousEnum declares the constants of an enum without a name.
func (g *generator) anonymousEnum(et *cc.EnumType) {
	g.consts = append(g.consts, g.enumerators(et, "")...)
}

func (g *generator) enumerators(et *cc.EnumType, goType string) []*constDecl {
	var out []*constDecl
	for _, e := range et.Enumerators() {
		name := e.Token.SrcStr()
		if g.constNames[name] {
			continue
		}
		if reason, ok := g.forced["const "+name]; ok {
			g.skip("constant", name, "%s", reason)
			continue
		}
		c := &constDecl{cName: name, goType: goType, pos: e.Position()}
		switch v := e.Value().(type) {
		case cc.Int64Value:
			c.value, c.check = fmt.Sprint(int64(v)), checkInt
		case cc.UInt64Value:
			c.value, c.check = fmt.Sprint(uint64(v)), checkUint
		default:
			g.skip("constant", name, "the front end gives no value for it")
			continue
		}
		if c.check == checkInt && len(c.value) > 0 && c.value[0] != '-' {
			c.check = checkUint
		}
		c.goName = g.ident(name, exported(name))
		g.constNames[name] = true
		out = append(out, c)
	}
	return out
}

// memberType is C's name for the type of a member of the type C names parent.
func memberType(parent, member string) string {
	if parent == "" {
		return ""
	}
	return fmt.Sprintf("__typeof__(((%s *)0)->%s)", parent, member)
}

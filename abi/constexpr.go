package abi

import "math"

// Integer constant expressions, for array lengths, enum values and alignments: C's
// integer operators on int64 values, with integer and character constants, enumeration
// constants, macros that expand to them, and sizeof and _Alignof of a type. An overflow,
// a division by zero or a shift out of range is an error rather than a wrapped value.

// binaryPrecedence gives each binary operator's precedence: higher binds tighter.
var binaryPrecedence = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6,
	"<": 7, ">": 7, "<=": 7, ">=": 7, "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

// constExpr reads a conditional expression and returns its value.
func (p *parser) constExpr() int64 {
	p.enter(p.tok.pos)
	defer p.leave()
	cond := p.binaryExpr(1)
	if !p.is("?") {
		return cond
	}
	p.next()
	a := p.constExpr()
	p.expect(":", "in a conditional expression")
	b := p.constExpr()
	if cond != 0 {
		return a
	}
	return b
}

// binaryExpr reads operands joined by binary operators of at least precedence min.
func (p *parser) binaryExpr(min int) int64 {
	x := p.unaryExpr()
	for p.tok.kind == tokPunct {
		prec, ok := binaryPrecedence[p.tok.text]
		if !ok || prec < min {
			break
		}
		op := p.tok
		p.next()
		y := p.binaryExprAbove(prec)
		x = p.apply(op, x, y)
	}
	return x
}

// binaryExprAbove reads the right operand of an operator of precedence prec.
func (p *parser) binaryExprAbove(prec int) int64 {
	p.enter(p.tok.pos)
	defer p.leave()
	return p.binaryExpr(prec + 1)
}

func (p *parser) unaryExpr() int64 {
	p.enter(p.tok.pos)
	defer p.leave()
	t := p.tok
	switch {
	case p.is("-"):
		p.next()
		v := p.unaryExpr()
		if v == math.MinInt64 {
			p.failf(t.pos, "integer overflow in a constant expression")
		}
		return -v
	case p.is("+"):
		p.next()
		return p.unaryExpr()
	case p.is("~"):
		p.next()
		return ^p.unaryExpr()
	case p.is("!"):
		p.next()
		return b2i(p.unaryExpr() == 0)
	case p.is("("):
		p.next()
		if p.tok.kind == tokIdent && p.startsType(p.tok.text) {
			p.failf(p.tok.pos, "casts are not supported in constant expressions")
		}
		v := p.constExpr()
		p.expect(")", "to close the parenthesized expression")
		return v
	case t.kind == tokNumber:
		p.next()
		if t.float {
			p.failf(t.pos, "floating constant %s in an integer constant expression", t.text)
		}
		if t.num > math.MaxInt64 {
			p.failf(t.pos, "constant %s is too large", t.text)
		}
		return int64(t.num)
	case p.isIdent("sizeof") || p.isIdent("_Alignof") || p.isIdent("__alignof__"):
		p.next()
		p.expect("(", "after "+t.text+" (jitffi takes the size of a type only)")
		base, _ := p.parseSpecifiers(ctxType)
		d := p.parseDeclarator(ctxType)
		typ := p.derive(base, d)
		p.expect(")", "after the type")
		if typ.fn != nil || typ.isVoid() {
			p.failf(t.pos, "%s of a function or void", t.text)
		}
		ct := p.objectType(typ, t.pos, "the operand of "+t.text)
		if t.text == "sizeof" {
			return int64(ct.Size())
		}
		return int64(ct.Align())
	case t.kind == tokIdent:
		if e, _ := p.lookupName(t.text); e != nil && e.kind == entConst {
			p.next()
			return e.val
		}
		p.failf(t.pos, "'%s' is not a constant: expected an integer constant, an enumeration constant or a macro that expands to one", t.text)
	}
	p.expected("an integer constant expression")
	return 0
}

// apply computes x op y, failing at op on overflow, division by zero or a bad shift.
func (p *parser) apply(op token, x, y int64) int64 {
	overflow := func() { p.failf(op.pos, "integer overflow in a constant expression") }
	switch op.text {
	case "+":
		r := x + y
		if (r > x) != (y > 0) {
			overflow()
		}
		return r
	case "-":
		r := x - y
		if (r < x) != (y > 0) {
			overflow()
		}
		return r
	case "*":
		r := x * y
		if x != 0 && (r/x != y || x == -1 && y == math.MinInt64) {
			overflow()
		}
		return r
	case "/", "%":
		if y == 0 {
			p.failf(op.pos, "division by zero in a constant expression")
		}
		if x == math.MinInt64 && y == -1 {
			overflow()
		}
		if op.text == "/" {
			return x / y
		}
		return x % y
	case "<<", ">>":
		if y < 0 || y > 63 {
			p.failf(op.pos, "shift by %d in a constant expression", y)
		}
		if op.text == ">>" {
			return x >> y
		}
		r := x << y
		if r>>y != x {
			overflow()
		}
		return r
	case "&":
		return x & y
	case "|":
		return x | y
	case "^":
		return x ^ y
	case "&&":
		return b2i(x != 0 && y != 0)
	case "||":
		return b2i(x != 0 || y != 0)
	case "==":
		return b2i(x == y)
	case "!=":
		return b2i(x != y)
	case "<":
		return b2i(x < y)
	case ">":
		return b2i(x > y)
	case "<=":
		return b2i(x <= y)
	}
	return b2i(x >= y)
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

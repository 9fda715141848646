package abi

// GNU C attributes of a struct or union: __attribute__((packed)) and
// __attribute__((aligned(N))), the only ones that change a layout jitffi models.

// attrs holds the attributes of a struct or union.
type attrs struct {
	packed    bool
	packedPos int
	align     int
}

// parseAttributes reads any number of __attribute__((...)) groups.
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
			switch name {
			case "packed", "__packed__":
				if !a.packed {
					a.packed, a.packedPos = true, pos
				}
			case "aligned", "__aligned__":
				if !p.is("(") {
					p.failf(p.tok.pos, "expected '(' and an alignment after '%s', found %s (jitffi needs an explicit alignment)", name, p.found())
				}
				p.next()
				if p.tok.kind != tokNumber {
					p.expected("an alignment (a power of two)")
				}
				n := p.tok.num
				if n == 0 || n&(n-1) != 0 || n > maxAlignAttr {
					p.failf(p.tok.pos, "alignment %s is not a power of two between 1 and %d", p.tok.text, maxAlignAttr)
				}
				a.align = max(a.align, int(n))
				p.next()
				p.expect(")", "after the alignment")
			default:
				p.failf(pos, "unsupported attribute '%s' (want packed or aligned(N))", name)
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

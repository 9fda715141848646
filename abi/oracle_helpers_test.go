package abi_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/jitffi/jitffi/abi"
)

// probeSpan bounds both the stack bytes the argument probe saves and the size of an
// indirect result the result probe fills; larger random cases are skipped.
const probeSpan = 2048

// retPattern returns the bytes the result probe leaves in a result register, or for NoReg
// in an indirect result's buffer.
func retPattern(r abi.Reg) []byte {
	if r == abi.NoReg {
		b := make([]byte, probeSpan)
		for i := range b {
			b[i] = byte(0x50 + 7*i)
		}
		return b
	}
	base := map[abi.Reg]byte{abi.RAX: 0x10, abi.RDX: 0x20, abi.XMM0: 0x30, abi.XMM1: 0x40}[r]
	b := make([]byte, 16)
	for i := range b {
		b[i] = base + byte(i)
	}
	return b
}

// cTypes names every type of the generated C file.
type cTypes struct {
	b     strings.Builder
	names map[*abi.Type]string
}

var cScalarNames = map[abi.Kind]string{
	abi.Bool: "_Bool", abi.Int8: "signed char", abi.Int16: "short", abi.Int32: "int",
	abi.Int64: "long", abi.Uint8: "unsigned char", abi.Uint16: "unsigned short",
	abi.Uint32: "unsigned", abi.Uint64: "unsigned long", abi.Float32: "float",
	abi.Float64: "double", abi.Pointer: "void *", abi.Void: "void",
}

// name returns a C name for t, declaring a typedef (with a layout check, so a
// disagreement between the Go type model and gcc shows up as a compile error) first.
func (c *cTypes) name(t *abi.Type) string {
	if t.Kind.IsScalar() || t.Kind == abi.Void {
		return cScalarNames[t.Kind]
	}
	if n, ok := c.names[t]; ok {
		return n
	}
	var decl string
	if t.Kind == abi.Array {
		elem := c.name(t.Elem)
		n := fmt.Sprintf("T%d", len(c.names))
		decl = fmt.Sprintf("typedef %s %s[%d];\n", elem, n, t.Len)
		c.names[t] = n
		c.b.WriteString(decl)
	} else {
		members := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			members[i] = fmt.Sprintf("%s m%d;", c.name(f.Type), i)
		}
		n := fmt.Sprintf("T%d", len(c.names))
		var attrs []string
		if t.Packed {
			attrs = append(attrs, "packed")
		}
		if t.AlignAttr > 0 {
			attrs = append(attrs, fmt.Sprintf("aligned(%d)", t.AlignAttr))
		}
		attr := ""
		if len(attrs) > 0 {
			attr = "__attribute__((" + strings.Join(attrs, ", ") + ")) "
		}
		kw := map[abi.Kind]string{abi.Struct: "struct", abi.Union: "union"}[t.Kind]
		fmt.Fprintf(&c.b, "typedef %s %s{ %s } %s;\n", kw, attr, strings.Join(members, " "), n)
		c.names[t] = n
	}
	n := c.names[t]
	fmt.Fprintf(&c.b, "_Static_assert(sizeof(%s) == %d && _Alignof(%s) == %d, \"layout of %s\");\n",
		n, t.Size(), n, t.Align(), n)
	return n
}

// cDecls spells out the C types of a signature, for failure messages.
func cDecls(sig *abi.Signature) string {
	ct := &cTypes{names: map[*abi.Type]string{}}
	var ps []string
	for _, t := range sig.Params {
		ps = append(ps, ct.name(t))
	}
	return ct.b.String() + ct.name(sig.Result) + " f(" + strings.Join(ps, ", ") + ")\n"
}

// argBytes returns the bytes to pass for a value of type t: random, except that a bool
// must be 0 or 1, floats are ordinary numbers (so promotion to double is exact and no
// NaN gets quietened), and narrow integers are negative so that extension shows.
// probePrototype returns the parameter list of a pointer to a function of sig's type, the
// way the probes call through it: the fixed parameters, then ", ..." for a variadic call,
// or "void" when there are none.
func probePrototype(ct *cTypes, sig *abi.Signature) string {
	var fixed []string
	for i, t := range sig.Params {
		if !sig.IsVariadic() || i < sig.Fixed {
			fixed = append(fixed, ct.name(t))
		}
	}
	switch {
	case sig.IsVariadic():
		return strings.Join(fixed, ", ") + ", ..."
	case len(fixed) == 0:
		return "void"
	}
	return strings.Join(fixed, ", ")
}

// declareArgs writes, for each parameter of sig, a local a<i> filled from random bytes
// (argBytes), and returns those bytes and the locals' names in order.
func declareArgs(body *strings.Builder, ct *cTypes, r *rand.Rand, sig *abi.Signature) (args [][]byte, names []string) {
	for i, t := range sig.Params {
		b := argBytes(r, t)
		args = append(args, b)
		lit := make([]string, len(b))
		for j, x := range b {
			lit[j] = strconv.Itoa(int(x))
		}
		fmt.Fprintf(body, "\t%s a%d; static const unsigned char p%d[] = {%s}; memcpy(&a%d, p%d, sizeof a%d);\n",
			ct.name(t), i, i, strings.Join(append(lit, "0"), ","), i, i, i)
		names = append(names, fmt.Sprintf("a%d", i))
	}
	return args, names
}

func argBytes(r *rand.Rand, t *abi.Type) []byte {
	b := make([]byte, t.Size())
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	var fix func(t *abi.Type, off int)
	fix = func(t *abi.Type, off int) {
		switch t.Kind {
		case abi.Bool:
			b[off] = 1
		case abi.Int8, abi.Uint8, abi.Int16, abi.Uint16:
			b[off+t.Size()-1] |= 0x80
		case abi.Float32:
			putLE(b[off:off+4], uint64(math.Float32bits(float32(r.IntN(1000))+0.25)))
		case abi.Float64:
			putLE(b[off:off+8], math.Float64bits(float64(r.IntN(1000))+0.125))
		case abi.Struct:
			for _, f := range t.Fields {
				fix(f.Type, off+f.Offset)
			}
		case abi.Union:
			// Any member's bytes make a valid union, and a union is passed by its bits.
		case abi.Array:
			for i := 0; i < t.Len; i++ {
				fix(t.Elem, off+i*t.Elem.Size())
			}
		}
	}
	fix(t, 0)
	return b
}

func putLE(b []byte, v uint64) {
	for i := range b {
		b[i] = byte(v >> (8 * i))
	}
}

// meaningful marks the bytes of a value of type t that hold a scalar, as opposed to
// padding, which no convention promises to carry.
func meaningful(t *abi.Type) []bool {
	m := make([]bool, t.Size())
	var walk func(t *abi.Type, off int)
	walk = func(t *abi.Type, off int) {
		switch t.Kind {
		case abi.Struct, abi.Union:
			for _, f := range t.Fields {
				walk(f.Type, off+f.Offset)
			}
		case abi.Array:
			for i := 0; i < t.Len; i++ {
				walk(t.Elem, off+i*t.Elem.Size())
			}
		default:
			for i := range t.Size() {
				m[off+i] = true
			}
		}
	}
	walk(t, 0)
	return m
}

func leUint(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

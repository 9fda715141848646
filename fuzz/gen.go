package fuzz

import (
	"fmt"

	"github.com/jitffi/jitffi/abi"
)

// gen builds one signature from a chooser's decisions. Every method draws its decisions
// in a fixed order, so the same choices give the same signature.
type gen struct {
	c chooser
	p Profile
}

// Generate returns the signature of case index under seed for a profile. It is a pure
// function of its arguments: the case ID "<abi>-<seed>-<index>" names it for good.
func Generate(p Profile, seed, index uint64) *abi.Signature {
	return generateFrom(newSeeded(seed, index), p)
}

// GenerateFromBytes returns the signature fuzz input data chooses. Every input gives a
// valid signature; the empty input gives the simplest, "void (void)".
func GenerateFromBytes(p Profile, data []byte) *abi.Signature {
	return generateFrom(&byteChooser{data: data}, p)
}

// ChoiceBytes returns the fuzz input that makes GenerateFromBytes build the same
// signature as Generate(p, seed, index).
func ChoiceBytes(p Profile, seed, index uint64) []byte {
	r := &recorder{c: newSeeded(seed, index)}
	generateFrom(r, p)
	return r.out
}

func generateFrom(c chooser, p Profile) *abi.Signature {
	g := &gen{c: c, p: p}
	return g.signature()
}

// pick returns i with probability weights[i] / sum(weights).
func (g *gen) pick(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.c.intn(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// one returns true with probability 1/n.
func (g *gen) one(n int) bool { return g.c.intn(n) == n-1 }

// The scalar kinds and their weights: floats are favoured because the float/integer
// boundary is where classifiers go wrong.
var (
	scalarKinds   = []abi.Kind{abi.Int32, abi.Int64, abi.Float64, abi.Float32, abi.Int8, abi.Uint8, abi.Int16, abi.Uint16, abi.Uint32, abi.Uint64, abi.Bool, abi.Pointer}
	scalarWeights = []int{3, 3, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1}
	intKinds      = []abi.Kind{abi.Int64, abi.Int32, abi.Int8, abi.Uint8, abi.Int16, abi.Uint16, abi.Uint32, abi.Uint64, abi.Bool, abi.Pointer}
)

func (g *gen) scalar() *abi.Type { return abi.Scalar(scalarKinds[g.pick(scalarWeights...)]) }

func (g *gen) intScalar() *abi.Type { return abi.Scalar(intKinds[g.c.intn(len(intKinds))]) }

func (g *gen) floatScalar() *abi.Type {
	if g.one(2) {
		return abi.Scalar(abi.Float32)
	}
	return abi.Scalar(abi.Float64)
}

// scalarAtMost returns a scalar of at most n bytes (n >= 1).
func (g *gen) scalarAtMost(n int) *abi.Type {
	for range 4 {
		if t := g.scalar(); t.Size() <= n {
			return t
		}
	}
	switch {
	case n >= 4 && g.one(2):
		return abi.Scalar(abi.Float32)
	case n >= 2 && g.one(2):
		return abi.Scalar(abi.Int16)
	}
	return abi.Scalar(abi.Uint8)
}

// boundarySizes are the aggregate sizes where conventions change their minds: register
// and eightbyte edges, Win64's 1/2/4/8 rule (3, 5, 6, 7, 16 go by reference), SysV's 16
// byte limit and AAPCS64's HFA sizes.
var boundarySizes = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 24, 32}

func (g *gen) targetSize() int {
	if g.one(6) {
		return 1 + g.c.intn(40)
	}
	return boundarySizes[g.c.intn(len(boundarySizes))]
}

// param returns an argument type: a scalar or an aggregate.
func (g *gen) param() *abi.Type {
	if g.pick(1, 1) == 0 {
		return g.scalar()
	}
	return g.aggregate()
}

// aggregate returns a struct or union argument or result, sized near a boundary size,
// with a packed or over-aligned variant in about one case in eight.
func (g *gen) aggregate() *abi.Type {
	for {
		var t *abi.Type
		switch g.pick(8, g.p.HFAWeight, 2, 2, 1) {
		case 0:
			t = g.sized(1, g.targetSize())
		case 1:
			t = g.hfa(1)
		case 2:
			t = g.sharedEightbyte()
		case 3:
			t = g.union(1, g.targetSize())
		case 4:
			t = abi.StructOf(field(0, abi.ArrayOf(abi.Scalar(abi.Int8), g.targetSize())))
		}
		if g.one(8) {
			t = g.variant(t)
		}
		if t.Size() > 0 || !g.p.NoEmpty {
			return t
		}
	}
}

func field(i int, t *abi.Type) abi.Field { return abi.Field{Name: fmt.Sprintf("m%d", i), Type: t} }

// sized returns a struct of about target bytes at nesting depth depth (1 to 3). It draws
// members that fit in what is left: scalars, arrays of 0 to 5 elements, nested structs
// and unions. Alignment padding can make it larger than target; it keeps the closest of a
// few tries.
func (g *gen) sized(depth, target int) *abi.Type {
	var best *abi.Type
	for try := 0; try < 3; try++ {
		t := g.fill(depth, target)
		if best == nil || abs(t.Size()-target) < abs(best.Size()-target) {
			best = t
		}
		if best.Size() == target {
			break
		}
	}
	return best
}

func abs(x int) int { return max(x, -x) }

func (g *gen) fill(depth, target int) *abi.Type {
	var fields []abi.Field
	size := 0
	for size < target && len(fields) < 8 {
		left := target - size
		var m *abi.Type
		switch g.pick(6, 2, 1, 1, 1) {
		case 0:
			m = g.scalarAtMost(left)
		case 1:
			e := g.scalarAtMost(left)
			m = abi.ArrayOf(e, g.c.intn(min(5, left/e.Size())+1))
			if g.one(8) && m.Len > 1 {
				m = abi.ArrayOf(abi.ArrayOf(e, 1+g.c.intn(2)), m.Len/2)
			}
		case 2, 3:
			if depth >= 3 || left < 2 {
				m = g.scalarAtMost(left)
			} else if g.one(4) {
				m = g.union(depth+1, 1+g.c.intn(left))
			} else {
				m = g.sized(depth+1, 1+g.c.intn(left))
			}
		case 4:
			if depth >= 3 || left < 2 {
				m = g.scalarAtMost(left)
			} else {
				e := g.sized(depth+1, 1+g.c.intn(max(1, left/2)))
				m = abi.ArrayOf(e, g.c.intn(3)+1)
			}
		}
		fields = append(fields, field(len(fields), m))
		size = abi.StructOf(fields...).Size()
	}
	if len(fields) == 0 || g.one(40) && !g.p.NoEmpty {
		// A GNU C empty struct, or one with only a zero-length array.
		if g.one(2) {
			return abi.StructOf()
		}
		return abi.StructOf(field(0, abi.ArrayOf(g.scalar(), 0)))
	}
	return abi.StructOf(fields...)
}

// union returns a union of two or three members of at most target bytes.
func (g *gen) union(depth, target int) *abi.Type {
	n := 2 + g.c.intn(2)
	fields := make([]abi.Field, n)
	for i := range fields {
		var m *abi.Type
		switch {
		case depth < 3 && target > 1 && g.one(3):
			m = g.sized(depth+1, 1+g.c.intn(target))
		case g.one(3):
			e := g.scalarAtMost(target)
			m = abi.ArrayOf(e, 1+g.c.intn(max(1, min(5, target/e.Size()))))
		default:
			m = g.scalarAtMost(target)
		}
		fields[i] = field(i, m)
	}
	return abi.UnionOf(fields...)
}

// hfa returns an aggregate of one to five members of one float type: flat, as an array,
// or nested, so that a classifier must flatten it to count (five is one over the limit).
func (g *gen) hfa(depth int) *abi.Type {
	e := g.floatScalar()
	n := 1 + g.c.intn(5)
	switch g.pick(3, 2, 2) {
	case 0:
		fs := make([]abi.Field, n)
		for i := range fs {
			fs[i] = field(i, e)
		}
		return abi.StructOf(fs...)
	case 1:
		return abi.StructOf(field(0, abi.ArrayOf(e, n)))
	}
	// Nested: a leading member, then a struct or array holding the rest.
	if n == 1 || depth >= 3 {
		return abi.StructOf(field(0, abi.StructOf(field(0, e))))
	}
	inner := abi.StructOf(field(0, abi.ArrayOf(e, n-1)))
	if g.one(2) {
		inner = abi.StructOf(field(0, e), field(1, abi.ArrayOf(e, n-2)))
	}
	return abi.StructOf(field(0, e), field(1, inner))
}

// sharedEightbyte returns a struct in which a float and an integer share eightbytes,
// which SysV must class INTEGER and AAPCS64 must keep in general registers.
func (g *gen) sharedEightbyte() *abi.Type {
	small := []abi.Kind{abi.Int8, abi.Uint8, abi.Int16, abi.Int32, abi.Uint32, abi.Bool}
	i := abi.Scalar(small[g.c.intn(len(small))])
	f := abi.Scalar(abi.Float32)
	var fs []abi.Field
	if g.one(2) {
		fs = []abi.Field{field(0, f), field(1, i)}
	} else {
		fs = []abi.Field{field(0, i), field(1, f)}
	}
	// Sometimes a second eightbyte follows, of either class.
	switch g.pick(2, 1, 1) {
	case 1:
		fs = append(fs, field(2, abi.Scalar(abi.Float64)))
	case 2:
		fs = append(fs, field(2, f), field(3, i))
	}
	return abi.StructOf(fs...)
}

// variant returns t packed, over-aligned or both. Packed structs whose members lose their
// natural alignment are MEMORY under SysV; aligned(16) and aligned(32) change slots.
func (g *gen) variant(t *abi.Type) *abi.Type {
	aligns := []int{2, 4, 8, 16, 32}
	if t.Kind == abi.Union {
		return abi.AlignedUnionOf(aligns[g.c.intn(len(aligns))], t.Fields...)
	}
	switch g.pick(3, 3, 1) {
	case 0:
		return abi.PackedStructOf(t.Fields...)
	case 1:
		return abi.AlignedStructOf(aligns[g.c.intn(len(aligns))], false, t.Fields...)
	}
	// Packed and aligned to 4: gcc and clang disagree when a long long crosses an
	// eightbyte in such a struct (abi/RULES.md, SysV rule 12).
	return abi.AlignedStructOf(aligns[g.c.intn(3)], true, t.Fields...)
}

package fuzz

import "github.com/jitffi/jitffi/abi"

// The signature shapes. Choice 0 is the plainest, so that exhausted fuzz input ends in
// small signatures.
const (
	shapeRandom  = iota // a few arguments of any kind
	shapeExhaust        // fillers until registers run out, then the interesting argument
	shapeSpill          // many arguments, well past every register
	shapeHFA            // float aggregates among float scalars
	numShapes
)

func (g *gen) signature() *abi.Signature {
	sig := &abi.Signature{Fixed: -1}
	switch g.pick(4, 5, 2, g.p.HFAWeight) {
	case shapeRandom:
		n := g.pick(1, 3, 3, 2, 2, 1, 1, 1, 1)
		for range n {
			sig.Params = append(sig.Params, g.param())
		}
	case shapeExhaust:
		sig.Params = g.exhaust()
	case shapeSpill:
		n := 9 + g.c.intn(12)
		for range n {
			if g.one(4) {
				sig.Params = append(sig.Params, g.aggregate())
			} else {
				sig.Params = append(sig.Params, g.scalar())
			}
		}
	case shapeHFA:
		n := 1 + g.c.intn(8)
		for range n {
			if g.one(3) {
				sig.Params = append(sig.Params, g.floatScalar())
			} else {
				sig.Params = append(sig.Params, g.hfa(1))
			}
		}
	}
	sig.Result = g.result()
	if len(sig.Params) > 0 && g.one(5) {
		g.makeVariadic(sig)
	}
	return sig
}

func (g *gen) result() *abi.Type {
	switch g.pick(3, 3, 8, 2) {
	case 0:
		return abi.Scalar(abi.Void)
	case 1:
		return g.scalar()
	case 3:
		return g.hfa(1)
	}
	return g.aggregate()
}

// exhaust returns fillers that use up (or all but use up) one register class, then the
// interesting argument, usually an aggregate, then a few arguments that may back-fill
// registers the interesting one could not take.
func (g *gen) exhaust() []*abi.Type {
	var ps []*abi.Type
	if g.p.Positional {
		// Win64: the interesting argument in the last register slot or the first
		// stack slot, or just before them.
		n := g.p.Slots - 2 + g.pick(1, 3, 3)
		for range n {
			ps = append(ps, g.scalar())
		}
	} else {
		ints, vecs := 0, 0
		switch g.pick(2, 2, 1) {
		case 0:
			ints = g.p.IntRegs - 1 + g.c.intn(3) // 5-7 of SysV's 6 used
		case 1:
			vecs = g.p.VecRegs - 2 + g.c.intn(2) // 6-7 of 8 used
		case 2:
			ints = g.p.IntRegs - 1 + g.c.intn(3)
			vecs = g.p.VecRegs - 2 + g.c.intn(3)
		}
		// Interleave the two kinds of filler in a random order.
		for ints+vecs > 0 {
			if g.c.intn(ints+vecs) < ints {
				ps = append(ps, g.intScalar())
				ints--
			} else {
				ps = append(ps, g.floatScalar())
				vecs--
			}
		}
	}
	if g.one(6) {
		ps = append(ps, g.scalar())
	} else {
		ps = append(ps, g.aggregate())
	}
	for range g.pick(2, 3, 2, 1) {
		ps = append(ps, g.param())
	}
	return ps
}

// makeVariadic splits sig's parameters into at least one fixed parameter and the
// variadic arguments of this call. Variadic arguments must be types a C caller can pass
// through "...": every scalar (floats and narrow integers are promoted) and every
// aggregate of nonzero size; a zero-size one becomes an int32_t, whose promotion is
// itself.
func (g *gen) makeVariadic(sig *abi.Signature) {
	sig.Fixed = 1 + g.c.intn(len(sig.Params))
	for i := sig.Fixed; i < len(sig.Params); i++ {
		if sig.Params[i].Size() == 0 {
			sig.Params[i] = abi.Scalar(abi.Int32)
		}
	}
}

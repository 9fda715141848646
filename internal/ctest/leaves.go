package ctest

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/jitffi/jitffi/abi"
)

// A Leaf is one scalar inside a value: where it is and what it is.
type Leaf struct {
	Offset int // byte offset within the value
	Size   int
	Kind   abi.Kind
}

// Leaves returns the scalars of a value of type t in memory order, after flattening
// structs and arrays. A union contributes the leaves of its largest member (the first
// such member if several tie), because that member covers every byte a caller could
// meaningfully set. Padding is in no leaf, an empty struct or zero-length array has no
// leaves, and void has none.
func Leaves(t *abi.Type) []Leaf {
	var ls []Leaf
	walkLeaves(t, 0, "", func(l Leaf, _ string) { ls = append(ls, l) })
	return ls
}

// walkLeaves calls fn for every leaf of t with its offset from base and the C access path
// that reaches it from a value of type t (".m1[2].m0", or "" for t itself).
func walkLeaves(t *abi.Type, base int, path string, fn func(Leaf, string)) {
	switch {
	case t.Kind == abi.Void:
	case t.Kind.IsScalar():
		fn(Leaf{Offset: base, Size: t.Size(), Kind: t.Kind}, path)
	case t.Kind == abi.Struct:
		for i, f := range t.Fields {
			walkLeaves(f.Type, base+f.Offset, path+"."+memberName(i), fn)
		}
	case t.Kind == abi.Union:
		if m := largestMember(t); m >= 0 {
			walkLeaves(t.Fields[m].Type, base, path+"."+memberName(m), fn)
		}
	case t.Kind == abi.Array:
		for i := 0; i < t.Len; i++ {
			walkLeaves(t.Elem, base+i*t.Elem.Size(), fmt.Sprintf("%s[%d]", path, i), fn)
		}
	}
}

// largestMember returns the index of the first largest member of a union, or -1.
func largestMember(t *abi.Type) int {
	m := -1
	for i, f := range t.Fields {
		if m < 0 || f.Type.Size() > t.Fields[m].Type.Size() {
			m = i
		}
	}
	return m
}

// A Span is where one argument's leaves land in a callee's record buffer (Name_rec): the
// leaves' bytes one after another, in the order Leaves gives, with no padding between.
type Span struct {
	Arg    int // index in Signature.Params
	Offset int // offset of the first leaf byte in the record buffer
	Size   int // total bytes of the argument's leaves
	Leaves []Leaf
}

// RecordLayout returns a span per parameter of sig, in parameter order; the spans are
// contiguous, so the record buffer holds RecordSize(sig) meaningful bytes.
func RecordLayout(sig *abi.Signature) []Span {
	spans := make([]Span, len(sig.Params))
	off := 0
	for i, p := range sig.Params {
		ls := Leaves(p)
		n := 0
		for _, l := range ls {
			n += l.Size
		}
		spans[i] = Span{Arg: i, Offset: off, Size: n, Leaves: ls}
		off += n
	}
	return spans
}

// RecordSize returns the number of bytes a callee records per call.
func RecordSize(sig *abi.Signature) int {
	n := 0
	for _, s := range RecordLayout(sig) {
		n += s.Size
	}
	return n
}

// ExpectedRecord returns the record a callee must leave after being called with args,
// the bytes of each argument as C lays it out.
func ExpectedRecord(sig *abi.Signature, args [][]byte) []byte {
	rec := make([]byte, 0, RecordSize(sig))
	for _, s := range RecordLayout(sig) {
		for _, l := range s.Leaves {
			rec = append(rec, args[s.Arg][l.Offset:l.Offset+l.Size]...)
		}
	}
	return rec
}

// PaddingByte fills the bytes of an argument that belong to no leaf. It is neither 0 nor
// a plausible value, so a stub that copies padding around or a callee that reads it
// shows up, and a test that passes proves the call does not depend on it.
const PaddingByte = 0xEE

// ArgBytes returns the bytes of a distinctive value of type t to pass as argument
// argIndex. Byte o of the value (o counted within the argument) is argIndex<<4 | o&15,
// exclusive-ored with a mix of seed, argIndex and o/16 that is zero for seed 0 in the
// first 16 bytes of the first 16 arguments; so with seed 0 the bytes read as
// "argument, offset", and a byte sent to the wrong argument or the wrong offset is seen.
// Some leaves are then adjusted to be valid and telling:
//   - a bool is 0 or 1;
//   - an integer narrower than 32 bits has its top bit set, so that a wrong extension
//     (sign versus zero) changes the value;
//   - a float argument (t itself float32, the only kind C promotes, when variadic) is a
//     normal finite number, because promotion to double and back quietens NaNs and may
//     flush denormals.
//
// Padding bytes are PaddingByte.
func ArgBytes(t *abi.Type, argIndex int, seed uint64) []byte {
	b := make([]byte, t.Size())
	for i := range b {
		b[i] = PaddingByte
	}
	for _, l := range Leaves(t) {
		for j := 0; j < l.Size; j++ {
			o := l.Offset + j
			b[o] = byte(argIndex<<4|o&15) ^ argMix(seed, argIndex, o)
		}
		v := b[l.Offset : l.Offset+l.Size]
		switch l.Kind {
		case abi.Bool:
			v[0] = v[0]&1 ^ 1
		case abi.Int8, abi.Uint8, abi.Int16, abi.Uint16:
			v[l.Size-1] |= 0x80
		case abi.Float32:
			if t.Kind == abi.Float32 {
				bits := binary.LittleEndian.Uint32(v)
				exp := uint32(0x70 + argIndex&15) // 2^-15 .. 2^0
				binary.LittleEndian.PutUint32(v, bits&^(0xff<<23)|exp<<23)
			}
		}
	}
	return b
}

// argMix returns the byte ArgBytes mixes into byte o of argument i.
func argMix(seed uint64, i, o int) byte {
	if seed == 0 && i < 16 && o < 16 {
		return 0
	}
	x := seed ^ uint64(i)<<32 ^ uint64(o>>4)<<48
	// splitmix64's finaliser: every input bit affects every output bit.
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	x ^= x >> 31
	return byte(x >> (8 * (o & 7)))
}

// CallArgs returns ArgBytes for every parameter of sig.
func CallArgs(sig *abi.Signature, seed uint64) [][]byte {
	args := make([][]byte, len(sig.Params))
	for i, p := range sig.Params {
		args[i] = ArgBytes(p, i, seed)
	}
	return args
}

// ExpectedResult returns the bytes of the value a generated callee returns: byte k of the
// result is (0xA0+k) ^ salt if a leaf covers it, reduced to its low bit in a bool, and 0 in
// padding. Padding is not returned reliably (a struct in registers loses it), so compare
// only where ResultMask is true. Leaves of every kind, floats included, get these bits:
// returning a value only moves it, so NaN patterns survive.
func ExpectedResult(sig *abi.Signature, salt byte) []byte {
	r := make([]byte, sig.Result.Size())
	for _, l := range Leaves(sig.Result) {
		for k := l.Offset; k < l.Offset+l.Size; k++ {
			r[k] = byte(0xA0+k) ^ salt
		}
		if l.Kind == abi.Bool {
			r[l.Offset] &= 1
		}
	}
	return r
}

// ResultMask reports which bytes of sig's result belong to a leaf and so are meaningful.
func ResultMask(sig *abi.Signature) []bool {
	m := make([]bool, sig.Result.Size())
	for _, l := range Leaves(sig.Result) {
		for k := l.Offset; k < l.Offset+l.Size; k++ {
			m[k] = true
		}
	}
	return m
}

// CheckCall compares one call of a generated callee with what it should have been: the
// callee's record buffer rec against the bytes of the arguments args (as C lays each one
// out), and the returned bytes result against ExpectedResult(sig, salt) where ResultMask
// is true. It returns nil if they agree, or an error describing the first leaf that does
// not, such as "arg 3 leaf at +8 (float64): got 0x4142434445464748 want 0x...". Values
// are printed as little-endian numbers. result is ignored for a void function.
func CheckCall(rec []byte, sig *abi.Signature, args [][]byte, result []byte, salt byte) error {
	if len(args) != len(sig.Params) {
		return fmt.Errorf("ctest: %d argument values for %d parameters", len(args), len(sig.Params))
	}
	if n := RecordSize(sig); len(rec) < n {
		return fmt.Errorf("ctest: record buffer has %d bytes, the signature records %d", len(rec), n)
	}
	for _, s := range RecordLayout(sig) {
		if len(args[s.Arg]) != sig.Params[s.Arg].Size() {
			return fmt.Errorf("ctest: arg %d has %d bytes, its type %v has %d",
				s.Arg, len(args[s.Arg]), sig.Params[s.Arg], sig.Params[s.Arg].Size())
		}
		at := s.Offset
		for _, l := range s.Leaves {
			got, want := rec[at:at+l.Size], args[s.Arg][l.Offset:l.Offset+l.Size]
			if string(got) != string(want) {
				return fmt.Errorf("arg %d leaf at +%d (%v): got %s want %s", s.Arg, l.Offset, l.Kind, leafValue(got, l.Kind), leafValue(want, l.Kind))
			}
			at += l.Size
		}
	}
	if sig.Result.Kind == abi.Void {
		return nil
	}
	if len(result) != sig.Result.Size() {
		return fmt.Errorf("result has %d bytes, its type %v has %d", len(result), sig.Result, sig.Result.Size())
	}
	want := ExpectedResult(sig, salt)
	for _, l := range Leaves(sig.Result) {
		g, w := result[l.Offset:l.Offset+l.Size], want[l.Offset:l.Offset+l.Size]
		if string(g) != string(w) {
			return fmt.Errorf("result leaf at +%d (%v): got %s want %s", l.Offset, l.Kind, leafValue(g, l.Kind), leafValue(w, l.Kind))
		}
	}
	return nil
}

// leafValue prints a leaf's bytes as a little-endian hexadecimal number, the way the
// value reads, with the number itself for a float so that a misplaced float is
// recognisable.
func leafValue(b []byte, k abi.Kind) string {
	var s strings.Builder
	s.WriteString("0x")
	for i := len(b) - 1; i >= 0; i-- {
		fmt.Fprintf(&s, "%02x", b[i])
	}
	switch {
	case k == abi.Float32 && len(b) == 4:
		fmt.Fprintf(&s, " (%g)", math.Float32frombits(binary.LittleEndian.Uint32(b)))
	case k == abi.Float64 && len(b) == 8:
		fmt.Fprintf(&s, " (%g)", math.Float64frombits(binary.LittleEndian.Uint64(b)))
	}
	return s.String()
}

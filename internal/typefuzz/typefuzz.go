// Package typefuzz turns fuzzer input into C types and signatures built through package
// abi's constructors (not parsed from text), for the fuzz targets of package abi and
// package jit. Every input makes a signature: the bytes are a small stack program whose
// operations push scalars, wrap the top of the stack in arrays of chosen lengths, combine
// several entries into structs and unions (packed or aligned), and duplicate entries so
// that types share members. The lengths and alignments come from tables that include the
// edges: 0, the largest accepted, one past it, values whose products wrap around int64,
// negative ones and non-powers of two.
package typefuzz

import (
	"fmt"

	"github.com/jitffi/jitffi/abi"
)

// Lengths and alignments the programs draw from, as int64 so the tables compile on 32-bit
// hosts too, where the conversion to int makes other edge values.
var (
	lengths = []int64{0, 1, 2, 3, 4, 5, 7, 8, 16, 100, 1000, 65536, 1 << 20, 1 << 30,
		abi.MaxTypeSize, abi.MaxTypeSize + 1, 1 << 40, 1<<61 - 2, -1}
	aligns = []int64{1, 2, 4, 8, 16, 32, 64, 4096, 1 << 28, 1 << 30, 1 << 31, 1 << 40, 0, 3, -8}
)

// maxStack bounds the stack of a program, and so the parameters of its signature.
const maxStack = 80

// A program reads its input one byte at a time; past the end it reads zeros.
type program struct {
	data  []byte
	pos   int
	stack []*abi.Type
	names int
}

func (p *program) next() byte {
	if p.pos >= len(p.data) {
		p.pos++
		return 0
	}
	b := p.data[p.pos]
	p.pos++
	return b
}

func (p *program) pick(n int) int { return int(p.next()) % n }

func (p *program) push(t *abi.Type) {
	if len(p.stack) < maxStack {
		p.stack = append(p.stack, t)
	}
}

func (p *program) pop() *abi.Type {
	if len(p.stack) == 0 {
		return abi.Scalar(abi.Int32)
	}
	t := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	return t
}

// fields pops up to n entries as members with names unique in the whole program.
func (p *program) fields(n int) []abi.Field {
	fs := make([]abi.Field, n)
	for i := n - 1; i >= 0; i-- {
		p.names++
		fs[i] = abi.Field{Name: fmt.Sprintf("m%d", p.names), Type: p.pop()}
	}
	return fs
}

// Signature runs data as a program and returns the signature it builds: the last entry
// is the result (void when the stack is empty), the others the parameters in order, and
// a final byte chooses the variadic split.
func Signature(data []byte) *abi.Signature {
	p := &program{data: data}
	for p.pos < len(p.data) {
		switch p.next() % 9 {
		case 0, 1:
			p.push(abi.Scalar(abi.Kind(p.pick(int(abi.Pointer) + 1))))
		case 2:
			p.push(abi.ArrayOf(p.pop(), int(lengths[p.pick(len(lengths))])))
		case 3:
			p.push(abi.StructOf(p.fields(p.pick(5))...))
		case 4:
			p.push(abi.UnionOf(p.fields(1 + p.pick(4))...))
		case 5:
			p.push(abi.PackedStructOf(p.fields(1 + p.pick(4))...))
		case 6:
			a, packed := int(aligns[p.pick(len(aligns))]), p.next()%2 == 0
			p.push(abi.AlignedStructOf(a, packed, p.fields(1+p.pick(4))...))
		case 7:
			p.push(abi.AlignedUnionOf(int(aligns[p.pick(len(aligns))]), p.fields(1+p.pick(4))...))
		case 8:
			if len(p.stack) > 0 {
				p.push(p.stack[len(p.stack)-1-p.pick(len(p.stack))]) // shared from now on
			}
		}
	}
	sig := &abi.Signature{Result: abi.Scalar(abi.Void), Fixed: -1}
	if len(p.stack) > 0 {
		sig.Result = p.pop()
	}
	sig.Params = p.stack
	if n := len(sig.Params); n > 0 && len(data) > 0 && data[len(data)-1]%4 == 0 {
		sig.Fixed = 1 + int(data[len(data)-1]/4)%n
	}
	return sig
}

// Seeds are programs worth starting from: ordinary signatures, and each way a type used
// to break a limit unnoticed.
func Seeds() [][]byte {
	repeat := func(unit []byte, n int) []byte {
		var b []byte
		for range n {
			b = append(b, unit...)
		}
		return b
	}
	op := func(code, arg byte) []byte { return []byte{code, arg} }
	scalar := func(k abi.Kind) []byte { return op(0, byte(k)) }
	return [][]byte{
		// int32_t (int32_t, double)
		append(append(scalar(abi.Int32), scalar(abi.Float64)...), scalar(abi.Int32)...),
		// struct{float; float; float;} (struct{char; int;}, ..., double)
		{0, byte(abi.Int8), 0, byte(abi.Int32), 3, 2, 0, byte(abi.Float64), 0, byte(abi.Float32), 8, 0, 8, 0, 3, 3, 0},
		// an HFA of four in an array, a packed and an aligned struct, a union
		{0, byte(abi.Float32), 2, 4, 3, 1, 0, byte(abi.Int8), 0, byte(abi.Int64), 5, 1, 0, byte(abi.Int64), 6, 4, 0, 0, 7, 2, 4, 1},
		// int64_t[2^61-2] in a struct: its size wrapped to -16
		{0, byte(abi.Int64), 2, 17, 3, 1, 0, byte(abi.Int32), 1},
		// uint8_t[2^30] three times over in one struct
		{0, byte(abi.Uint8), 2, 13, 8, 0, 8, 0, 3, 3, 0, byte(abi.Int32)},
		// 250 nested one-element arrays
		append(append(scalar(abi.Int32), repeat(op(2, 1), 250)...), 3, 1),
		// 30 levels, each holding the one below twice
		append(op(3, 0), repeat([]byte{8, 0, 3, 2}, 30)...),
		// aligned(2^40) and a negative alignment
		{0, byte(abi.Int32), 6, 11, 0, 0, 0, byte(abi.Int32), 7, 14, 0},
		// an array of void, and an empty struct
		{0, byte(abi.Void), 2, 2, 3, 1, 3, 0, 0},
		// more parameters than jitffi binds
		repeat(scalar(abi.Int64), 70),
	}
}

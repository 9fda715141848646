package emit

import "github.com/twitchyliquid64/golang-asm/obj"

// progChunk is how many instructions a ProgPool allocates at once: enough for the largest
// common stub, so that most stubs are built from a single chunk.
const progChunk = 128

// A ProgPool hands out golang-asm instructions for one assembler and takes them all back
// when the next stub starts. golang-asm allocates every instruction separately
// (obj.Link.NewProg), which made its Progs half the bytes and a quarter of the allocations
// of a cold bind; the Go compiler reuses its Progs the same way. Reuse is safe because
// nothing outlives a stub's assembly: the encoded bytes are copied out of the LSym, and
// the LSym and its instruction list are dropped with the assembler's reset.
type ProgPool struct {
	ctxt   *obj.Link
	chunks [][]obj.Prog
	chunk  int // the chunk being handed out
	next   int // the next instruction in it
	// Alloc is NewProg bound to the pool once: taking a method value at every call
	// would allocate a closure each time.
	Alloc obj.ProgAlloc
}

// NewProgPool returns a pool whose instructions belong to ctxt.
func NewProgPool(ctxt *obj.Link) *ProgPool {
	pp := &ProgPool{ctxt: ctxt}
	pp.Alloc = pp.NewProg
	return pp
}

// NewProg returns a zeroed instruction, as obj.Link.NewProg does.
func (pp *ProgPool) NewProg() *obj.Prog {
	if pp.chunk == len(pp.chunks) {
		pp.chunks = append(pp.chunks, make([]obj.Prog, progChunk))
	}
	c := pp.chunks[pp.chunk]
	p := &c[pp.next]
	*p = obj.Prog{Ctxt: pp.ctxt}
	pp.next++
	if pp.next == len(c) {
		pp.chunk, pp.next = pp.chunk+1, 0
	}
	return p
}

// Reset takes every instruction back. The caller must hold no pointer into them.
func (pp *ProgPool) Reset() {
	pp.chunk, pp.next = 0, 0
}

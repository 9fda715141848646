package emit_test

import (
	"sync"
	"testing"

	"github.com/jitffi/jitffi/jit/internal/emit"
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
)

var once sync.Once

// TestProgPool checks that the pool hands out distinct, zeroed instructions across chunk
// boundaries, and that a reset gives the same memory back zeroed again.
func TestProgPool(t *testing.T) {
	ctxt := emit.NewLink(&x86.Linkamd64, &once, func(d string) { t.Error(d) })
	pp := emit.NewProgPool(ctxt)
	const n = 300 // more than two chunks
	first := make([]*obj.Prog, n)
	seen := map[*obj.Prog]bool{}
	for i := range first {
		p := pp.Alloc()
		if seen[p] {
			t.Fatalf("instruction %d handed out twice", i)
		}
		seen[p] = true
		if p.Ctxt != ctxt || p.As != 0 || p.Link != nil {
			t.Fatalf("instruction %d is not a fresh Prog: %+v", i, p)
		}
		p.As, p.Link = x86.AMOVQ, p
		first[i] = p
	}
	pp.Reset()
	for i := range first {
		p := pp.NewProg()
		if p != first[i] {
			t.Fatalf("after Reset, instruction %d is not reused", i)
		}
		if p.As != 0 || p.Link != nil || p.Ctxt != ctxt {
			t.Fatalf("after Reset, instruction %d is not zeroed: %+v", i, p)
		}
	}
	if allocs := testing.AllocsPerRun(10, func() {
		pp.Reset()
		for range n {
			pp.Alloc()
		}
	}); allocs != 0 {
		t.Errorf("reusing the pool allocates %v times per stub, want 0", allocs)
	}
}

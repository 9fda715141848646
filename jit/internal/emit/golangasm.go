package emit

import (
	"fmt"
	"sync"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/objabi"
)

// NewLink returns a golang-asm context of our own for arch (never its Builder, which
// rebuilds its mnemonic tables per use and skips Progedit). The traps it handles (traps 5,
// 8, 9 and 11 in doc.go) are the same on every architecture, so they are handled here once:
//   - every diagnostic is recorded through diag, and the assemblers refuse their bytes
//     when there was one (golang-asm keeps emitting after an error);
//   - IsAsm turns off amd64's JCC-erratum padding, so stub sizes are deterministic;
//   - the header type is fixed rather than derived from the build's GOOS, so encodings do
//     not depend on the host (Windows would enable a TLS rewrite that needs symbols);
//   - arch.Init, which fills package-level tables without synchronisation, runs once.
func NewLink(arch *obj.LinkArch, initOnce *sync.Once, diag func(string)) *obj.Link {
	ctxt := obj.Linknew(arch)
	ctxt.Headtype = objabi.Hlinux
	ctxt.IsAsm = true
	ctxt.DiagFunc = func(format string, args ...any) { diag(fmt.Sprintf(format, args...)) }
	initOnce.Do(func() { arch.Init(ctxt) })
	return ctxt
}

// CheckRelocs refuses code that needs a relocation: there is no linker to resolve one.
// An indirect call carries a zero-size R_CALLIND marker for the Go linker's call-graph
// bookkeeping; it patches no bytes, so it is the one kind allowed.
func CheckRelocs(arch string, s *obj.LSym) error {
	for _, r := range s.R {
		if r.Type == objabi.R_CALLIND && r.Siz == 0 {
			continue
		}
		return fmt.Errorf("jit: %s: code needs a relocation (type %v, %d bytes at %#x)", arch, r.Type, r.Siz, r.Off)
	}
	return nil
}

// StorePieces splits a store of size bytes (1 to 8) that no single instruction makes into
// 4-, 2- and 1-byte stores at increasing offsets: store(off, n) writes the low n bytes of
// the value at off, and shift(bits) moves the rest of the value down after each piece.
func StorePieces(size int, store func(off, n int), shift func(bits int)) {
	off := 0
	for _, n := range []int{4, 2, 1} {
		if size-off < n {
			continue
		}
		store(off, n)
		off += n
		if off < size {
			shift(n * 8)
		}
	}
}

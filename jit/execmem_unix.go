//go:build unix

package jit

import "golang.org/x/sys/unix"

// unixPages maps code pages with mmap and seals them with mprotect. Pages go from
// read-write to read-execute exactly once, which plain Linux and BSD processes may do.
// A hardened-runtime macOS process would need MAP_JIT and an entitlement instead; that is
// for the darwin port to add.
type unixPages struct{}

func init() { pages = unixPages{} }

func (unixPages) mapRW(size int) ([]byte, error) {
	return unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
}

func (unixPages) sealRX(mem []byte) error {
	return unix.Mprotect(mem, unix.PROT_READ|unix.PROT_EXEC)
}

func (unixPages) unmap(mem []byte) error { return unix.Munmap(mem) }

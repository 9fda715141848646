package jit

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// memfdPages maps the code arena's chunks: an anonymous memory file (memfd) mapped
// shared twice, read-write and read-execute. The file descriptor is closed at once; the
// mappings keep the memory.
type memfdPages struct{}

func init() { dualPages = memfdPages{} }

// mfdExec is MFD_EXEC (Linux 6.3): asks for an executable memfd where the vm.memfd_noexec
// sysctl would otherwise make it non-executable. Older kernels refuse the flag.
const mfdExec = 0x10

func (memfdPages) mapDual(size int) ([]byte, uintptr, error) {
	fd, err := unix.MemfdCreate("jitffi-code", unix.MFD_CLOEXEC|mfdExec)
	if err != nil {
		fd, err = unix.MemfdCreate("jitffi-code", unix.MFD_CLOEXEC)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("memfd_create: %w", err)
	}
	defer unix.Close(fd)
	if err := unix.Ftruncate(fd, int64(size)); err != nil {
		return nil, 0, fmt.Errorf("ftruncate: %w", err)
	}
	rw, err := unix.Mmap(fd, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, 0, fmt.Errorf("mmap read-write: %w", err)
	}
	rx, err := unix.Mmap(fd, 0, size, unix.PROT_READ|unix.PROT_EXEC, unix.MAP_SHARED)
	if err != nil {
		unix.Munmap(rw)
		return nil, 0, fmt.Errorf("mmap read-execute: %w", err)
	}
	return rw, uintptr(unsafe.Pointer(unsafe.SliceData(rx))), nil
}

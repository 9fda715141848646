package jit

// Trampolines.
//
// Every live callback needs a code address of its own, but making or freeing a callback
// must not write executable memory. So trampolines come in blocks made once: a block maps
// TrampolineBlockSize bytes of code followed by as many bytes of data. Code slot i, at
// offset i*TrampolineSize, is a few instructions that find data slot i at the same offset
// in the data part, load the address of the upcall stub from its first word and jump there
// with the data slot's address in a scratch register (r11 on amd64, x17 on arm64); the
// upcall stub reads the callback's context from the second word. The code part is sealed
// read-execute once, the data part stays read-write and is never executable: giving a slot
// to a callback, or taking it back, writes two data words and nothing else. This is the
// scheme of libffi's static trampolines.
//
// Blocks are never unmapped; freed slots are reused, oldest first, so memory follows the
// largest number of callbacks alive at once, and a freed slot keeps its old words for as
// long as possible, which is what lets a call through a freed callback be reported.

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/jitffi/jitffi/jit/internal/amd64"
	"github.com/jitffi/jitffi/jit/internal/arm64"
)

const (
	// TrampolineSize is the size of one trampoline's code, and of its data slot: the
	// address of the upcall stub to jump to, and the callback's context word.
	TrampolineSize = 16
	// TrampolineBlockSize is the size of a block's code part, and of its data part. It is a
	// multiple of every page size jitffi's hosts use (4, 16 and 64 KiB), and small enough
	// for arm64's adr to reach a data slot from its code slot (1 MiB).
	TrampolineBlockSize = 64 << 10
	// trampolinesPerBlock is the number of slots in a block.
	trampolinesPerBlock = TrampolineBlockSize / TrampolineSize
)

// trampolineCode returns the machine code of one trampoline for the host architecture,
// which finds its data slot dataDelta bytes after its own first byte.
var trampolineCode = map[string]func(dataDelta int) []byte{
	"amd64": amd64.Trampoline,
	"arm64": arm64.Trampoline,
}[runtime.GOARCH]

// A Trampoline is one slot: a code address that jumps to an upcall stub with a context.
type Trampoline struct {
	// Addr is the code address to hand to C as a function pointer.
	Addr uintptr
	// Index numbers the slot among all trampolines of the process, from 0.
	Index int
}

type trampolineBlock struct {
	mem []byte // the whole mapping: code part, then data part
}

var trampolines struct {
	sync.Mutex
	blocks []*trampolineBlock
	used   int   // slots handed out at least once, from the start of blocks[0]
	free   []int // freed slots, oldest first
}

// trampolineBlocks is the number of blocks mapped, for tests.
var trampolineBlocks atomic.Int64

// NewTrampoline hands out a slot. Its words stay what they were (zero, or a freed slot's
// old words) until SetTrampoline points it at an upcall stub; the caller registers the
// slot's index first, so that a late call through a reused slot finds the new owner and can
// tell that it came through the old stub.
func NewTrampoline() (Trampoline, error) {
	trampolines.Lock()
	defer trampolines.Unlock()
	var index int
	switch {
	case len(trampolines.free) > 0:
		index = trampolines.free[0]
		trampolines.free = trampolines.free[1:]
	case trampolines.used < len(trampolines.blocks)*trampolinesPerBlock:
		index = trampolines.used
		trampolines.used++
	default:
		b, err := newTrampolineBlock()
		if err != nil {
			return Trampoline{}, err
		}
		trampolines.blocks = append(trampolines.blocks, b)
		index = trampolines.used
		trampolines.used++
	}
	return trampolineAt(index), nil
}

// SetTrampoline points slot t at target, an upcall stub, with context. The stub finds both
// words through the trampoline's scratch register. A call racing with the change sees
// either word old or new: the upcall stub copies both into its frame so the callee can
// tell.
func SetTrampoline(t Trampoline, target, context uintptr) error {
	if target == 0 {
		return errors.New("jit: trampoline to address 0")
	}
	trampolines.Lock()
	words := trampolineData(t.Index)
	trampolines.Unlock()
	atomic.StoreUintptr(&words[1], context)
	atomic.StoreUintptr(&words[0], target)
	return nil
}

// FreeTrampoline gives slot t back. It keeps jumping where it did until it is handed out
// again, after every slot freed before it.
func FreeTrampoline(t Trampoline) {
	trampolines.Lock()
	defer trampolines.Unlock()
	trampolines.free = append(trampolines.free, t.Index)
}

// TrampolineWords returns the target and context slot t holds now.
func TrampolineWords(t Trampoline) (target, context uintptr) {
	trampolines.Lock()
	words := trampolineData(t.Index)
	trampolines.Unlock()
	return atomic.LoadUintptr(&words[0]), atomic.LoadUintptr(&words[1])
}

// trampolineAt returns slot index; the caller holds the lock.
func trampolineAt(index int) Trampoline {
	b := trampolines.blocks[index/trampolinesPerBlock]
	code := uintptr(unsafe.Pointer(unsafe.SliceData(b.mem)))
	return Trampoline{Addr: code + uintptr(index%trampolinesPerBlock)*TrampolineSize, Index: index}
}

// trampolineData returns the data words of slot index; the caller holds the lock.
func trampolineData(index int) *[2]uintptr {
	b := trampolines.blocks[index/trampolinesPerBlock]
	off := TrampolineBlockSize + index%trampolinesPerBlock*TrampolineSize
	return (*[2]uintptr)(unsafe.Pointer(&b.mem[off]))
}

// newTrampolineBlock maps a block, fills its code part with trampolines, each followed by
// trap instructions up to the next, and seals the code part read-execute.
func newTrampolineBlock() (*trampolineBlock, error) {
	switch {
	case pages == nil:
		return nil, fmt.Errorf("jit: executable memory is not supported on %s", runtime.GOOS)
	case trampolineCode == nil || trapFill == nil || flushICache == nil:
		return nil, fmt.Errorf("jit: no trampolines for %s", runtime.GOARCH)
	case TrampolineBlockSize%os.Getpagesize() != 0:
		return nil, fmt.Errorf("jit: page size %d does not divide the trampoline block size", os.Getpagesize())
	}
	mem, err := pages.mapRW(2 * TrampolineBlockSize)
	if err != nil {
		return nil, fmt.Errorf("jit: mapping a trampoline block: %w", err)
	}
	code := mem[:TrampolineBlockSize]
	fillTrap(code)
	one := trampolineCode(TrampolineBlockSize)
	for off := 0; off < len(code); off += TrampolineSize {
		copy(code[off:], one)
	}
	if err := pages.sealRX(code); err != nil {
		if uerr := pages.unmap(mem); uerr != nil {
			err = errors.Join(err, fmt.Errorf("unmapping after the failure: %w", uerr))
		}
		return nil, fmt.Errorf("jit: making trampolines executable: %w", err)
	}
	base := uintptr(unsafe.Pointer(unsafe.SliceData(mem)))
	flushICache(base, TrampolineBlockSize)
	trampolineBlocks.Add(1)
	return &trampolineBlock{mem: mem}, nil
}

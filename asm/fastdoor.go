//go:build amd64 || arm64

package asm

import (
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"unsafe"
)

// asmcgocallPC is the entry of the runtime's ABI0 function asmcgocall(fn, arg), which
// switches to the thread's system stack, calls fn(arg) with the C ABI and switches back.
// CallFast's assembly calls it through this variable: Go 1.27's linker refuses a direct
// assembly reference to runtime·asmcgocall from another package, because the runtime does
// not push it with a linkname. Zero until CheckFast has found and checked it.
var asmcgocallPC uintptr

var fastOnce struct {
	sync.Once
	err error
}

// CheckFast finds the runtime's asmcgocall and checks, once per process, that CallFast can
// use it: it must be the one direct callee of runtime.cgocall that the runtime's own symbol
// table names runtime.asmcgocall, it must not be an ABI wrapper, and a probe call through it
// must run on another stack than the goroutine's, with the C ABI's stack alignment, and
// return to the caller. The error wraps ErrFastUnavailable and says which assumption
// failed; CallFast must not be called unless CheckFast returned nil.
func CheckFast() error {
	fastOnce.Do(func() { fastOnce.err = findFastDoor() })
	return fastOnce.err
}

func findFastDoor() error {
	pc, err := findABI0Callee(reflect.ValueOf(runtimeCgocall).Pointer(), "runtime.cgocall", "runtime.asmcgocall")
	if err != nil {
		return err
	}
	asmcgocallPC = pc
	if err := probeFastDoor(); err != nil {
		asmcgocallPC = 0
		return err
	}
	return nil
}

// findABI0Callee returns the entry of the one function named callee that the function at
// entry, named caller, calls directly (see findCallee), and refuses it if it is an ABI
// wrapper rather than the assembly function itself.
func findABI0Callee(entry uintptr, caller, callee string) (uintptr, error) {
	pc, err := findCallee(entry, caller, callee)
	if err != nil {
		return 0, err
	}
	// An ABIInternal wrapper of an assembly function is named like the function and calls
	// it; the ABI0 function itself calls nothing of its own name.
	if inner, _ := findCallee(pc, callee, callee); inner != 0 {
		return 0, fmt.Errorf("asm: %#x named %s is an ABI wrapper of %#x, not the ABI0 function: %w", pc, callee, inner, ErrFastUnavailable)
	}
	return pc, nil
}

// findCallee returns the entry of the one function that the function at entry, named
// caller, calls directly and that the runtime's symbol table names callee.
func findCallee(entry uintptr, caller, callee string) (uintptr, error) {
	f := runtime.FuncForPC(entry)
	if f == nil || f.Entry() != entry || f.Name() != caller {
		return 0, fmt.Errorf("asm: the runtime's symbol table does not name %#x %s: %w", entry, caller, ErrFastUnavailable)
	}
	var found uintptr
	for _, target := range directCallees(entry, maxCallerBytes) {
		g := runtime.FuncForPC(target)
		if g == nil || g.Entry() != target || g.Name() != callee {
			continue
		}
		if found != 0 && found != target {
			return 0, fmt.Errorf("asm: %s calls two functions named %s (%#x, %#x): %w", caller, callee, found, target, ErrFastUnavailable)
		}
		found = target
	}
	if found == 0 {
		return 0, fmt.Errorf("asm: %s makes no direct call of %s in this Go runtime (%s): %w", caller, callee, runtime.Version(), ErrFastUnavailable)
	}
	return found, nil
}

// maxCallerBytes bounds the scan of a caller's code: runtime.cgocall is well under 1 KiB.
const maxCallerBytes = 4096

// codeAt returns n bytes of code at pc.
func codeAt(pc uintptr, n int) []byte {
	return unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&pc))), n)
}

// inFunc reports whether pc lies in the function whose entry is entry.
func inFunc(pc, entry uintptr) bool {
	f := runtime.FuncForPC(pc)
	return f != nil && f.Entry() == entry
}

// fastProbeFrame is the frame of the probe stub: it records the stack pointer it ran on
// and a mark that proves it ran.
type fastProbeFrame struct {
	Header
	SP   uintptr
	Mark uintptr
}

// fastProbeMark is what the probe stub writes to fastProbeFrame.Mark.
const fastProbeMark = 0x6a69746666690001

// fastProbeStub returns the address of the probe stub, a C-ABI function of one argument
// written in assembly.
func fastProbeStub() uintptr

// probeFastDoor calls the probe stub through CallFast and checks what it saw.
func probeFastDoor() error {
	var fr fastProbeFrame
	fr.Stub = fastProbeStub()
	CallFast(unsafe.Pointer(&fr))
	return judgeProbe(fr.Mark, fr.SP, uintptr(unsafe.Pointer(&fr)))
}

// judgeProbe checks what the probe stub recorded, mark and the stack pointer sp it ran on,
// when called from a frame at here.
func judgeProbe(mark, sp, here uintptr) error {
	switch {
	case mark != fastProbeMark:
		return fmt.Errorf("asm: a probe call through runtime.asmcgocall did not run (mark %#x): %w", mark, ErrFastUnavailable)
	case sp%16 != probeSPMod16:
		return fmt.Errorf("asm: runtime.asmcgocall called the probe with sp %#x, not aligned as the C ABI requires: %w", sp, ErrFastUnavailable)
	case sp > here-sameStackDistance && sp < here+sameStackDistance:
		return fmt.Errorf("asm: runtime.asmcgocall ran the probe at sp %#x, on the goroutine stack (frame at %#x), not the system stack: %w", sp, here, ErrFastUnavailable)
	}
	return nil
}

// sameStackDistance is how close to the caller's frame a stack pointer must be to count as
// the same stack. The probe would run a few hundred bytes below its caller's frame without
// a stack switch; the system stack is a separate mapping.
const sameStackDistance = 64 << 10

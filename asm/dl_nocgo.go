//go:build !cgo && linux && (amd64 || arm64)

package asm

import (
	"runtime"
	"unsafe"

	_ "github.com/jitffi/jitffi/internal/cgohooks" // runtime.cgocall needs the cgo hooks
)

// The dynamic loader's functions, and errno's, reached through the dynamic linker: the
// no-cgo build's stand-in for the loader's C helpers. glibc 2.34 moved dlopen and its
// relatives into libc.so.6 and keeps libdl.so.2 as a stub; the dynamic linker finds each
// in whichever library defines it.
//
//go:cgo_import_dynamic jitffi_asm_dlopen dlopen "libdl.so.2"
//go:cgo_import_dynamic jitffi_asm_dlsym dlsym "libdl.so.2"
//go:cgo_import_dynamic jitffi_asm_dlclose dlclose "libdl.so.2"
//go:cgo_import_dynamic jitffi_asm_dlerror dlerror "libdl.so.2"
//go:cgo_import_dynamic jitffi_asm___errno_location __errno_location "libc.so.6"
//go:cgo_import_dynamic _ _ "libdl.so.2"
//go:cgo_import_dynamic _ _ "libc.so.6"

// The dynamic loader's operations the dl door runs.
const (
	dlOpOpen = iota + 1
	dlOpSym
	dlOpClose
)

// dlErrBytes bounds the copy of dlerror's text a dl door call returns.
const dlErrBytes = 2048

// dlFrame is the frame of the dl door: a C-ABI function that clears dlerror, makes one
// dlopen, dlsym or dlclose call and, when it fails, copies dlerror's text into the frame,
// all in one call on one thread. dlerror's state belongs to the thread, and the goroutine
// may run on another thread by the time the next C call starts; its buffer is reused by
// the thread's next failure, so the text is copied before the call returns.
type dlFrame struct {
	Header
	op     uintptr
	a, b   uintptr // dlopen(a, b), dlsym(a, b), dlclose(a)
	result uintptr // the handle, the address, or dlclose's int result
	failed uintptr // 1 when the call failed and dlerror had a text
	errLen uintptr // bytes of dlerror's text in err, at most dlErrBytes
	cut    uintptr // 1 when the text was longer than err
	err    [dlErrBytes]byte
}

// dlDoorFunc returns the address of the dl door, a C-ABI function of one argument, a
// *dlFrame.
func dlDoorFunc() uintptr

// ErrnoLocationFunc returns the address of a C-ABI function without arguments that returns
// the address of the calling thread's errno: a jump to the C library's __errno_location.
func ErrnoLocationFunc() uintptr

// dl runs one dl door call through runtime.cgocall. The frame lives on the heap: a C
// library's constructor that calls back into Go could move the goroutine stack while
// dlopen runs.
func dl(op, a, b uintptr) (result uintptr, text string, failed bool) {
	fr := &dlFrame{op: op, a: a, b: b}
	fr.Stub = dlDoorFunc()
	CallDefault(unsafe.Pointer(fr))
	text = string(fr.err[:fr.errLen])
	if fr.cut != 0 {
		text += "..."
	}
	return fr.result, text, fr.failed != 0
}

// Dlopen calls dlopen(path, flags); path is a NUL-terminated string, or nil for the main
// program. It returns the handle, or 0 and dlerror's text, read on the thread that failed.
func Dlopen(path *byte, flags int32) (handle uintptr, errText string) {
	h, text, _ := dl(dlOpOpen, uintptr(unsafe.Pointer(path)), uintptr(flags))
	runtime.KeepAlive(path)
	return h, text
}

// Dlsym calls dlsym(handle, name); name is a NUL-terminated string. ok is false when
// dlerror reports a failure, whose text it returns; a NULL address without an error is a
// symbol whose address is NULL.
func Dlsym(handle uintptr, name *byte) (addr uintptr, errText string, ok bool) {
	a, text, failed := dl(dlOpSym, handle, uintptr(unsafe.Pointer(name)))
	runtime.KeepAlive(name)
	return a, text, !failed
}

// Dlclose calls dlclose(handle) and returns its result, and dlerror's text when it is not 0.
func Dlclose(handle uintptr) (rc int32, errText string) {
	r, text, _ := dl(dlOpClose, handle, 0)
	return int32(r), text
}

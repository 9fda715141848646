//go:build !amd64 && !arm64

package asm

import "unsafe"

// CallDefault is never reached on an architecture jitffi has no stubs for: binding fails
// first with an unsupported-platform error.
func CallDefault(frame unsafe.Pointer) { panic(errUnsupportedArch) }

// CallFast is never reached on an architecture jitffi has no stubs for: CheckFast refuses.
func CallFast(frame unsafe.Pointer) { panic(errUnsupportedArch) }

// CheckFast reports that this architecture has no fast door.
func CheckFast() error { return errUnsupportedArch }

func headerOffsets() (stub, fn, errno, size uintptr) {
	var h Header
	return unsafe.Offsetof(h.Stub), unsafe.Offsetof(h.Fn), unsafe.Offsetof(h.Errno), unsafe.Sizeof(h)
}

// SetCallbackDispatcher does nothing where there are no callbacks: making one fails first.
func SetCallbackDispatcher(fn func(frame unsafe.Pointer)) {}

// CallbackEntryFunc returns 0: there is no callback door on this architecture.
func CallbackEntryFunc() uintptr { return 0 }

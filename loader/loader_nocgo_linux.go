//go:build !cgo && linux && (amd64 || arm64)

package loader

// Without cgo on linux/amd64 and linux/arm64, package internal/cgohooks gives the Go runtime
// the cgo hooks runtime/cgo would (threads started with pthread_create, so each has the C
// library's thread-local state), and dlopen, dlsym, dlclose and dlerror are reached through
// the dynamic linker by asm's dl door, which reads dlerror in the same C call as the dl*
// call it explains, on the same thread. The flags are glibc's, the same on both
// architectures (TestDlopenFlags compares them with the C compiler's).

import (
	"github.com/jitffi/jitffi/asm"
	"github.com/jitffi/jitffi/internal/cgohooks"
)

// dlopen's flags.
const (
	rtldLazy     = 0x1
	rtldNow      = 0x2
	rtldNoLoad   = 0x4
	rtldGlobal   = 0x100
	rtldLocal    = 0x0
	rtldNoDelete = 0x1000
)

// cgoMissing reports a program built with -tags jitffi_nocgohooks in which no other
// package installed the runtime's cgo hooks, or hooks that no longer fit the runtime.
func cgoMissing() (string, bool) {
	err := cgohooks.Check()
	if err == nil {
		return "", false
	}
	if cgohooks.Own {
		return err.Error() + ": build with CGO_ENABLED=1 and a C compiler (go env CC)", true
	}
	return err.Error(), true
}

// handle is dlopen's handle.
type handle = uintptr

// cString returns s as a NUL-terminated byte string; the caller has checked that s holds no
// NUL byte.
func cString(s string) *byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return &b[0]
}

// sysOpen calls dlopen. On failure it returns dlerror's text.
func sysOpen(path string, cfg config) (handle, string, bool) {
	flags := int32(rtldNow)
	if cfg.lazy {
		flags = rtldLazy
	}
	if cfg.global {
		flags |= rtldGlobal
	} else {
		flags |= rtldLocal
	}
	if cfg.noDelete {
		flags |= rtldNoDelete
	}
	if cfg.noLoad {
		flags |= rtldNoLoad
	}
	var cpath *byte // NULL opens the main program
	if path != "" {
		cpath = cString(path)
	}
	h, text := asm.Dlopen(cpath, flags)
	if h == 0 {
		if text == "" {
			if cfg.noLoad {
				// glibc's dlopen fails without a message when RTLD_NOLOAD finds nothing.
				text = "the library is not loaded and NoLoad was given"
			} else {
				text = "dlopen failed without an error message"
			}
		}
		return 0, text, false
	}
	return h, "", true
}

// sysLookup calls dlsym. On failure it returns dlerror's text; a NULL address without an
// error counts as success here, and the portable code rejects it.
func sysLookup(h handle, name string) (uintptr, string, bool) {
	return asm.Dlsym(h, cString(name))
}

// sysClose calls dlclose. On failure it returns dlerror's text.
func sysClose(h handle) (string, bool) {
	rc, text := asm.Dlclose(h)
	if rc != 0 {
		if text == "" {
			text = "dlclose failed without an error message"
		}
		return text, false
	}
	return "", true
}

// ErrnoLocation returns the address of a C function without arguments that returns the
// address of the calling thread's errno: a jump to glibc's __errno_location. See the cgo
// build's ErrnoLocation for how call stubs use it.
func ErrnoLocation() uintptr { return asm.ErrnoLocationFunc() }

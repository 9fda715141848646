//go:build cgo && unix

package loader

/*
#cgo linux LDFLAGS: -ldl

#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// dlerror's state is per thread, and a goroutine may move to another thread between two cgo
// calls. So each helper below clears dlerror, makes its dl* call and reads dlerror within
// one C function, on one thread. The text is copied with strdup, because the buffer dlerror
// returns belongs to the thread and is reused by the next dl* failure on it; Go frees the
// copy.

#ifdef RTLD_NODELETE
#define JITFFI_RTLD_NODELETE RTLD_NODELETE
#else
#define JITFFI_RTLD_NODELETE 0
#endif
#ifdef RTLD_NOLOAD
#define JITFFI_RTLD_NOLOAD RTLD_NOLOAD
#else
#define JITFFI_RTLD_NOLOAD 0
#endif

typedef struct {
	void *p;   // dlopen's handle or dlsym's address
	char *err; // malloc'ed copy of dlerror's text, or NULL
} jitffi_dl_result;

static char *jitffi_dlerror_copy(void) {
	const char *e = dlerror();
	return e == NULL ? NULL : strdup(e);
}

static jitffi_dl_result jitffi_dlopen(const char *path, int flags) {
	jitffi_dl_result r;
	dlerror();
	r.p = dlopen(path, flags);
	r.err = r.p == NULL ? jitffi_dlerror_copy() : NULL;
	return r;
}

// jitffi_dlsym reports failure through err alone: a NULL p without an error text is a symbol
// whose address really is NULL.
static jitffi_dl_result jitffi_dlsym(void *h, const char *name) {
	jitffi_dl_result r;
	dlerror();
	r.p = dlsym(h, name);
	r.err = r.p == NULL ? jitffi_dlerror_copy() : NULL;
	return r;
}

typedef struct {
	int rc;    // dlclose's result
	char *err; // malloc'ed copy of dlerror's text, or NULL
} jitffi_dlclose_result;

static jitffi_dlclose_result jitffi_dlclose(void *h) {
	jitffi_dlclose_result r;
	dlerror();
	r.rc = dlclose(h);
	r.err = r.rc != 0 ? jitffi_dlerror_copy() : NULL;
	return r;
}

// jitffi_errno_location returns the address of the C library's function that returns the
// address of the calling thread's errno.
static uintptr_t jitffi_errno_location(void) {
#if defined(__ANDROID__) || defined(__OpenBSD__) || defined(__NetBSD__)
	return (uintptr_t)&__errno;
#elif defined(__linux__)
	return (uintptr_t)&__errno_location;
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__DragonFly__)
	return (uintptr_t)&__error;
#elif defined(__sun)
	return (uintptr_t)&___errno;
#else
	return 0;
#endif
}
*/
import "C"

import "unsafe"

// cgoMissing reports that the system calls below are available.
func cgoMissing() (string, bool) { return "", false }

// handle is dlopen's handle.
type handle = unsafe.Pointer

// goText returns the Go copy of a malloc'ed C string and frees the C string; nil yields "".
func goText(s *C.char) string {
	if s == nil {
		return ""
	}
	defer C.free(unsafe.Pointer(s))
	return C.GoString(s)
}

// sysOpen calls dlopen. On failure it returns dlerror's text.
func sysOpen(path string, cfg config) (handle, string, bool) {
	flags := C.int(C.RTLD_NOW)
	if cfg.lazy {
		flags = C.RTLD_LAZY
	}
	if cfg.global {
		flags |= C.RTLD_GLOBAL
	} else {
		flags |= C.RTLD_LOCAL
	}
	if cfg.noDelete {
		if C.JITFFI_RTLD_NODELETE == 0 {
			return nil, "NoDelete (RTLD_NODELETE) is not supported on this platform", false
		}
		flags |= C.JITFFI_RTLD_NODELETE
	}
	if cfg.noLoad {
		if C.JITFFI_RTLD_NOLOAD == 0 {
			return nil, "NoLoad (RTLD_NOLOAD) is not supported on this platform", false
		}
		flags |= C.JITFFI_RTLD_NOLOAD
	}

	var cpath *C.char // NULL opens the main program
	if path != "" {
		cpath = C.CString(path)
		defer C.free(unsafe.Pointer(cpath))
	}
	r := C.jitffi_dlopen(cpath, flags)
	text := goText(r.err)
	if r.p == nil {
		if text == "" {
			if cfg.noLoad {
				// glibc's dlopen fails without a message when RTLD_NOLOAD finds nothing.
				text = "the library is not loaded and NoLoad was given"
			} else {
				text = "dlopen failed without an error message"
			}
		}
		return nil, text, false
	}
	return r.p, "", true
}

// sysLookup calls dlsym. On failure it returns dlerror's text; a NULL address without an
// error counts as success here, and the portable code rejects it.
func sysLookup(h handle, name string) (uintptr, string, bool) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	r := C.jitffi_dlsym(h, cname)
	if r.err != nil {
		return 0, goText(r.err), false
	}
	return uintptr(r.p), "", true
}

// sysClose calls dlclose. On failure it returns dlerror's text.
func sysClose(h handle) (string, bool) {
	r := C.jitffi_dlclose(h)
	if r.rc != 0 {
		text := goText(r.err)
		if text == "" {
			text = "dlclose failed without an error message"
		}
		return text, false
	}
	return "", true
}

var errnoLocation = uintptr(C.jitffi_errno_location())

// ErrnoLocation returns the address of the C library's errno-location function
// (__errno_location on Linux with glibc or musl, __error on macOS and FreeBSD), a C function
// without arguments that returns the address of the calling thread's errno. It returns 0
// where the package does not know that function.
//
// errno is per thread, and the Go runtime is free to run a goroutine on another thread, and
// to make system calls that overwrite errno, once control is back in Go. So reading errno
// from Go after a C call is meaningless. Instead, a call stub that wants errno calls this
// function on the same thread right after the C function returns, before switching back to
// Go, and saves the int it points to along with the result. The function's address differs
// from errno's own address, which is different on every thread.
func ErrnoLocation() uintptr { return errnoLocation }

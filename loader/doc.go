// Package loader opens shared libraries and finds the addresses of their symbols.
//
// Open loads a library (dlopen on Unix systems), Library.Lookup finds a function or data
// symbol in it (dlsym) and Library.Close unloads it (dlclose). Loading and looking up happen
// when a function is bound, never on the per-call path, so the package uses cgo for them;
// on Unix systems jitffi needs the runtime's cgo support anyway, because calls into C go
// through it. Without cgo on linux/amd64 and linux/arm64, package internal/cgohooks gives
// the runtime that support and the package calls the dynamic loader through asm's dl door;
// elsewhere without cgo (or without any cgo hooks), Open fails with an error that wraps
// ErrNoCgo.
//
// # Lifetime
//
// An address returned by Lookup points into the library's mapped memory. The library must
// stay open for as long as a function bound from it can be called or data found in it can
// be touched. Close does not and cannot revoke addresses that were already handed out:
// calling a bound function or reading a data symbol after its library was closed is
// undefined behaviour (typically a crash, or silently running whatever code the system has
// since mapped at that address), not a Go panic, and no memory safety remains. Close only when
// nothing bound from the library can run any more, or do not close libraries at all: a
// Library that is never closed stays loaded until the process exits, like any dlopen handle.
// The package never closes a library on its own (there is no finalizer), because an
// unreachable Library value says nothing about whether functions bound from it are still in
// use.
//
// The dynamic loader counts references: opening the same library twice yields two Library
// values that share one mapping, and the mapping goes away when the last of them is closed.
//
// # Errors
//
// Every error the package returns is an *Error. Its Err field is one of the sentinel errors
// ErrLibraryNotFound, ErrSymbolNotFound, ErrClosed and ErrNoCgo, so errors.Is works (the
// one exception is a failing dlclose, which has no sentinel), and its Text field carries the
// system's own explanation (dlerror's text).
package loader

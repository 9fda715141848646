//go:build !cgo && !windows && !(linux && (amd64 || arm64))

package loader

// Without cgo, on platforms other than linux/amd64 and linux/arm64, the package cannot load
// libraries: Open, Library.Lookup and Library.Close return errors that wrap ErrNoCgo, and
// ErrnoLocation returns 0.
//
// There is deliberately no fallback that reaches dlopen without cgo here: in a CGO_ENABLED=0
// binary the runtime creates threads that the C library has not set up (thread-local errno,
// dlerror and malloc state), and calls into C cannot go through runtime.cgocall, so a
// program that loaded a library would link but misbehave. On linux/amd64 and linux/arm64,
// package internal/cgohooks gives the runtime what it needs (see loader_nocgo_linux.go).

// cgoMissing tells the portable code to fail every operation with ErrNoCgo.
func cgoMissing() (string, bool) { return noCgoText, true }

// handle is unused without cgo.
type handle = uintptr

func sysOpen(string, config) (handle, string, bool)    { return 0, noCgoText, false }
func sysLookup(handle, string) (uintptr, string, bool) { return 0, noCgoText, false }
func sysClose(handle) (string, bool)                   { return noCgoText, false }

// ErrnoLocation returns 0: without cgo there is no C library to ask. With cgo it returns
// the address of the C library's function that yields the address of the calling thread's
// errno, which call stubs use to capture errno right after a C call.
func ErrnoLocation() uintptr { return 0 }

// Package jitffi calls C functions from Go through machine-code stubs compiled at run time
// for each C signature.
//
// Open a shared library, bind a function to Go types, call it:
//
//	libm, err := jitffi.Open("libm.so.6")
//	cos, err := jitffi.Bind1[float64, float64](libm, "cos")
//	y := cos.Call(1.0)
//
// The package's examples, shown with this documentation and run by go test on Linux and
// on Windows, show the rest, one each:
//   - Open, [Bind2] and Call on C's pow;
//   - C type names that say what a C declaration says ([Int], [Long], [SizeT], ...), with
//     [Bind1] on abs and labs;
//   - Go strings and slices as arguments, and a char* result as a string, with [Bind2];
//   - errno, read right after the call by [Func3.CallErrno] (on Windows, the C runtime's
//     errno through [ErrnoFrom]);
//   - a C variadic function, snprintf, bound with [Variadic];
//   - a callback that runs Go code for C, qsort's comparator, made by [NewCallback2] and
//     passed as a [*Callback];
//   - a whole library bound from one struct by [BindAll];
//   - a function whose signature is read at run time from header text by
//     [github.com/jitffi/jitffi/abi.Parser] and bound by [BindDynamic].
//
// Binding maps the Go types to C types (see the README's table), classifies the signature
// under the host's C calling convention (package abi), and compiles a stub for exactly that
// signature (package jit), cached per signature. A call copies the arguments into a frame
// on the goroutine stack and runs the stub on the system stack (package asm): no
// reflection, no allocation.
//
// # Call modes
//
// By default a call goes through runtime.cgocall, like a cgo call: a C function that blocks
// releases its P, and the garbage collector keeps running, and the C function may call
// back into Go through a [Callback]. The [Fast] option skips that scheduler transition; it
// is only for short C functions that never block and never call back into Go (see [Fast]).
//
// # Pointers
//
// Every pointer argument stays alive until the call returns, and, as with cgo, pointer
// arguments escape to the heap, so C never receives the address of a goroutine stack
// (stacks move when they grow). A binding's NoEscape view ([Func1.NoEscape] and the
// others) skips that escape: use it only when the C function neither keeps the pointer
// after returning nor calls back into Go. As with cgo, C must not keep Go pointers after
// the call returns, and Go memory handed to C must not itself hold Go pointers.
//
// # Requirements
//
// On Linux jitffi calls C through the runtime's cgo support. A cgo build (CGO_ENABLED=1, the
// default when a C compiler is present) has it from runtime/cgo; on linux/amd64 and
// linux/arm64 a CGO_ENABLED=0 build has it from package internal/cgohooks, which needs no
// C compiler (see the README's "Building without cgo", and its rule for programs that also
// import purego: -tags jitffi_nocgohooks). Where neither is there, Open and every Bind
// return an error wrapping [ErrNoCgo]. On platforms jitffi does not support they return an
// error wrapping [ErrUnsupportedPlatform], with or without cgo.
package jitffi

//go:generate go run ./internal/gen

import (
	"fmt"
	"strings"
	"sync"

	"github.com/jitffi/jitffi/loader"
)

// A Library is an open shared library. It must stay open while functions bound from it
// are called; see Close for what happens after.
type Library struct {
	l     *loader.Library
	state *libState
}

// libState is what every function bound from a Library knows of it: whether it was
// closed, and its name for the message of a call made after.
type libState struct {
	closed bool
	name   string
	mu     sync.Mutex
	// bindings are the bindings made of the library's functions, which Close switches to
	// the call mode that checks for it.
	bindings []*binding
}

// register records b, bound from the library; the unowned state records nothing.
func (s *libState) register(b *binding) {
	if s == unowned {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		b.mode = callSlow
	}
	s.bindings = append(s.bindings, b)
}

// unowned stands for the library of a function bound at a raw address (Bind1At,
// BindDynamicAt, ...), which jitffi cannot know; it is never closed.
var unowned = &libState{}

// LoadOption changes how Open loads a library (see package loader).
type LoadOption = loader.Option

// Load options, re-exported from package loader.
var (
	// LoadLazy resolves symbols when first used (RTLD_LAZY) instead of at Open (RTLD_NOW).
	LoadLazy = loader.Lazy
	// LoadGlobal makes the library's symbols available to libraries loaded later (RTLD_GLOBAL).
	LoadGlobal = loader.Global
)

// Open loads the shared library at path, searching as the system loader does when path has
// no slash. An empty path opens the main program and the libraries it has loaded.
func Open(path string, opts ...LoadOption) (*Library, error) {
	if err := checkRuntime(); err != nil {
		return nil, err
	}
	l, err := loader.Open(path, opts...)
	if err != nil {
		return nil, err
	}
	name := path
	if name == "" {
		name = "the main program"
	}
	return &Library{l: l, state: &libState{name: name}}, nil
}

// OpenFirst opens the first of names that loads, for a library known by different names
// on different systems or versions: `OpenFirst([]string{"libsqlite3.so.0",
// "libsqlite3.so", "libsqlite3.0.dylib", "sqlite3.dll"})`. If none loads, the error
// (wrapping ErrLibraryNotFound) lists every name tried with the loader's message for it.
func OpenFirst(names []string, opts ...LoadOption) (*Library, error) {
	if err := checkRuntime(); err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("jitffi: OpenFirst: no library names: %w", ErrLibraryNotFound)
	}
	var b strings.Builder
	errs := make([]error, 0, len(names))
	for _, name := range names {
		lib, err := Open(name, opts...)
		if err == nil {
			return lib, nil
		}
		errs = append(errs, err)
		fmt.Fprintf(&b, "\n\t%s: %v", name, err)
	}
	return nil, &joinedError{msg: fmt.Sprintf("jitffi: OpenFirst: none of %d names loads:%s", len(names), b.String()), errs: errs}
}

// Close closes the library (dlclose, or FreeLibrary on Windows); the system unloads it
// once no other handle refers to it. Lookup and binding fail afterwards with ErrClosed.
//
// A function bound from lib (Bind0..Bind16, BindFunc, BindDynamic, and their NoEscape
// views) that is called after Close returns panics with a message naming the library and
// the symbol, instead of jumping into memory that may no longer hold the library. A typed
// call (Bind0..Bind16 and NoEscape) pays nothing for that: it already branches on its
// binding's call mode (default, Fast, or conversions to make), and Close switches the mode
// of every binding of lib to the path that makes conversions, which checks lib's closed
// flag and panics. BindFunc and Dynamic calls always take that path: each loads the flag
// (a plain load, no atomic operation) and branches on it.
//
// Close does not wait for calls in progress, and cannot make them safe: a call that is
// running inside the library when Close unloads it, or one that read the mode or the flag
// just before Close set them, runs on in unmapped code and may crash the process; the
// race detector reports such a Close. Making that safe would need every call to announce
// its start and end with atomic read-modify-write operations, which would cost more than
// a Fast call does in all, so jitffi leaves it to the program: end every call, and every
// goroutine that may still make one, before Close. Functions bound at raw addresses
// (Bind1At, BindDynamicAt, BindFuncAt, addresses from Lookup) belong to no Library as far
// as jitffi knows, and are not checked.
func (lib *Library) Close() error {
	if lib == nil || lib.l == nil {
		return fmt.Errorf("jitffi: close: %w", ErrNilLibrary)
	}
	st := lib.state
	st.mu.Lock()
	st.closed = true
	for _, b := range st.bindings {
		b.mode = callSlow
	}
	st.bindings = nil
	st.mu.Unlock()
	return lib.l.Close()
}

// Lookup returns the address of a symbol, a function or a data object such as a C global
// variable.
func (lib *Library) Lookup(symbol string) (uintptr, error) {
	if lib == nil || lib.l == nil {
		return 0, fmt.Errorf("jitffi: lookup %q: %w", symbol, ErrNilLibrary)
	}
	return lib.l.Lookup(symbol)
}

// lookupFunc returns the address of a function and the origin of the bindings made of it.
// It checks the platform first, so that where jitffi cannot call C a bind fails with the
// reason (ErrUnsupportedPlatform, ErrNoCgo) even given the nil Library a failed Open left.
func (lib *Library) lookupFunc(symbol string) (uintptr, origin, error) {
	if err := checkRuntime(); err != nil {
		return 0, origin{}, err
	}
	addr, err := lib.Lookup(symbol)
	if err != nil {
		return 0, origin{}, err
	}
	return addr, origin{lib: lib.state, symbol: symbol}, nil
}

// An origin is where a binding's function came from: a symbol of a Library, or an
// address (lib is unowned).
type origin struct {
	lib    *libState
	symbol string
}

// atAddress is the origin of a function bound at a raw address.
func atAddress(addr uintptr) origin {
	return origin{lib: unowned}
}

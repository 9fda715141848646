package loader

import (
	"strings"
	"sync"
)

// Library is an open shared library. It is safe for concurrent use by multiple goroutines.
// A zero Library is not open: its methods return errors that wrap ErrClosed.
type Library struct {
	path string

	mu     sync.RWMutex // write-held by Close, read-held by Lookup
	h      handle       // the system's handle; valid while isOpen
	isOpen bool
}

// Option changes how Open loads a library.
type Option func(*config)

// config collects the choices made by Options.
type config struct {
	lazy     bool
	global   bool
	noDelete bool
	noLoad   bool
}

// Lazy resolves the library's references to functions in other libraries on first call
// (RTLD_LAZY) instead of all at once while opening (RTLD_NOW, the default). With Lazy a
// library with an unresolvable reference opens fine and the program fails later, when the
// function is first called; without it, Open reports the problem.
func Lazy() Option { return func(c *config) { c.lazy = true } }

// Global makes the library's symbols available to libraries loaded after it (RTLD_GLOBAL)
// instead of keeping them private to it and its dependencies (RTLD_LOCAL, the default).
func Global() Option { return func(c *config) { c.global = true } }

// NoDelete keeps the library loaded even after it is closed (RTLD_NODELETE), so that
// addresses found in it stay valid for the life of the process.
func NoDelete() Option { return func(c *config) { c.noDelete = true } }

// NoLoad only succeeds when the library is already loaded (RTLD_NOLOAD); it never loads
// one. It is a way to ask whether a library is loaded, and to get a handle to it that keeps
// it loaded.
func NoLoad() Option { return func(c *config) { c.noLoad = true } }

// Open loads the shared library at path, or finds it if it is already loaded, and returns
// it. A path without a slash is searched for the way the system's dynamic loader does it
// (on Linux: LD_LIBRARY_PATH, the cache of ldconfig, the default directories). The empty
// path opens the main program, whose symbols include those of the libraries it was linked
// with, such as the C library's.
//
// By default, Open resolves all the library's references at once (RTLD_NOW) and keeps its
// symbols private (RTLD_LOCAL); Options change that. A failure to load returns an *Error
// wrapping ErrLibraryNotFound whose Text is the system's explanation.
func Open(path string, opts ...Option) (*Library, error) {
	if text, missing := cgoMissing(); missing {
		return nil, &Error{Op: "open", Library: path, Text: text, Err: ErrNoCgo}
	}
	var cfg config
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	if strings.IndexByte(path, 0) >= 0 {
		return nil, &Error{Op: "open", Library: path, Text: "path contains a NUL byte", Err: ErrLibraryNotFound}
	}
	h, text, ok := sysOpen(path, cfg)
	if !ok {
		return nil, &Error{Op: "open", Library: path, Text: text, Err: ErrLibraryNotFound}
	}
	return &Library{path: path, h: h, isOpen: true}, nil
}

// Path returns the path the library was opened with; "" stands for the main program.
func (l *Library) Path() string {
	if l == nil {
		return ""
	}
	return l.path
}

// Lookup returns the address of the symbol called name: the entry point of a function, or
// the address of a data object such as a C global variable (read or write it through
// unsafe.Pointer). The library's dependencies are searched too. The address is valid while
// the library stays open (see the package documentation).
//
// A missing symbol returns an *Error wrapping ErrSymbolNotFound with the system's
// explanation, and so does a symbol whose address is NULL (possible with a weak, an
// absolute or an indirect symbol), whose *Error wraps ErrNullSymbol as well: no callable
// function or usable object lives at address zero. After Close, Lookup returns an *Error wrapping ErrClosed.
func (l *Library) Lookup(name string) (uintptr, error) {
	if text, missing := cgoMissing(); missing {
		return 0, &Error{Op: "lookup", Library: l.Path(), Symbol: name, Text: text, Err: ErrNoCgo}
	}
	if l == nil {
		return 0, &Error{Op: "lookup", Symbol: name, Text: "nil *Library", Err: ErrClosed}
	}
	if strings.IndexByte(name, 0) >= 0 {
		return 0, &Error{Op: "lookup", Library: l.path, Symbol: name, Text: "symbol name contains a NUL byte", Err: ErrSymbolNotFound}
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	if !l.isOpen {
		return 0, &Error{Op: "lookup", Library: l.path, Symbol: name, Text: "library is closed", Err: ErrClosed}
	}
	addr, text, ok := sysLookup(l.h, name)
	if !ok {
		return 0, &Error{Op: "lookup", Library: l.path, Symbol: name, Text: text, Err: ErrSymbolNotFound}
	}
	if addr == 0 {
		return 0, &Error{Op: "lookup", Library: l.path, Symbol: name, Text: "the symbol's address is NULL", Err: ErrNullSymbol}
	}
	return addr, nil
}

// Close releases the library (dlclose). The system unloads it when no other handle refers
// to it and it was not opened with NoDelete; from then on, every address found in it is
// invalid, and calling a function bound from it is undefined behaviour (see the package
// documentation). Close waits for Lookups in progress to finish.
//
// A second Close returns an *Error wrapping ErrClosed. If the system fails to close the
// library, Close returns an *Error whose Text explains why; the Library counts as closed
// all the same.
func (l *Library) Close() error {
	if text, missing := cgoMissing(); missing {
		return &Error{Op: "close", Library: l.Path(), Text: text, Err: ErrNoCgo}
	}
	if l == nil {
		return &Error{Op: "close", Text: "nil *Library", Err: ErrClosed}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.isOpen {
		return &Error{Op: "close", Library: l.path, Text: "library is closed", Err: ErrClosed}
	}
	l.isOpen = false
	h := l.h
	var zero handle
	l.h = zero
	if text, ok := sysClose(h); !ok {
		return &Error{Op: "close", Library: l.path, Text: text}
	}
	return nil
}

package loader

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, wrapped by the *Error values that the package returns.
var (
	// ErrLibraryNotFound reports that a library could not be opened: it does not exist, is
	// not a shared library for this platform, or one of its dependencies or (without Lazy)
	// one of its symbol references could not be resolved. The *Error's Text says which.
	ErrLibraryNotFound = errors.New("loader: library not found")

	// ErrSymbolNotFound reports that a library has no symbol of the requested name, or that
	// the symbol's address is NULL, which no function or object can have.
	ErrSymbolNotFound = errors.New("loader: symbol not found")

	// ErrNullSymbol reports, more precisely, a symbol that exists but whose address is NULL
	// (an absolute symbol of value 0, an undefined weak one). It wraps ErrSymbolNotFound,
	// so errors.Is(err, ErrSymbolNotFound) holds for such a lookup too.
	ErrNullSymbol = fmt.Errorf("loader: the symbol's address is NULL: %w", ErrSymbolNotFound)

	// ErrClosed reports an operation on a Library that was already closed (or that was never
	// opened, such as a zero Library).
	ErrClosed = errors.New("loader: library is closed")

	// ErrNoCgo reports that the program has no cgo hooks on a platform where jitffi needs
	// them: built with CGO_ENABLED=0 on a platform internal/cgohooks does not cover, or
	// with -tags jitffi_nocgohooks and no package that installs them, or with hooks that
	// no longer fit the Go runtime. The *Error's Text says which.
	ErrNoCgo = errors.New("loader: cgo support is missing")
)

// noCgoText is the Text of the errors that wrap ErrNoCgo.
const noCgoText = "jitffi needs the Go runtime's cgo support on this platform: " +
	"build with CGO_ENABLED=1 and a C compiler (go env CC)"

// Error describes a failure to open a library, look up a symbol or close a library.
type Error struct {
	// Op is the operation that failed: "open", "lookup" or "close".
	Op string
	// Library is the path the library was opened with; "" is the main program.
	Library string
	// Symbol is the symbol name for a failed lookup, and "" otherwise.
	Symbol string
	// Text is the system's explanation of the failure, such as dlerror's message.
	Text string
	// Err is the sentinel error that classifies the failure. It is nil when no sentinel
	// applies, which happens only when the system's dlclose itself fails.
	Err error
}

// Error returns a message of the form "loader: open libnope.so: <dlerror text>" or
// "loader: lookup name in libfoo.so: <dlerror text>".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("loader: ")
	b.WriteString(e.Op)
	b.WriteByte(' ')
	if e.Symbol != "" {
		b.WriteString(e.Symbol)
		b.WriteString(" in ")
	}
	b.WriteString(displayName(e.Library))
	text := e.Text
	if text == "" && e.Err != nil {
		text = e.Err.Error()
	}
	if text != "" {
		b.WriteString(": ")
		b.WriteString(text)
	}
	return b.String()
}

// Unwrap returns the sentinel error, so that errors.Is(err, ErrSymbolNotFound) and the like
// work.
func (e *Error) Unwrap() error { return e.Err }

// displayName names a library in messages.
func displayName(path string) string {
	if path == "" {
		return "main program"
	}
	return path
}

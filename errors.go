package jitffi

import (
	"errors"

	"github.com/jitffi/jitffi/asm"
	"github.com/jitffi/jitffi/loader"
)

// Errors returned at bind time; match them with errors.Is.
var (
	// ErrNoCgo: the program has no working cgo hooks, which jitffi needs on Linux: a
	// CGO_ENABLED=0 build of linux/amd64 or linux/arm64 with -tags jitffi_nocgohooks in
	// which no package (such as purego) installed them, or whose hooks do not fit the
	// running Go runtime; the message says which, and what to do. (On a platform jitffi does
	// not support, Open and binds report ErrUnsupportedPlatform instead, with or without
	// cgo; package loader on its own reports ErrNoCgo there.)
	ErrNoCgo = loader.ErrNoCgo
	// ErrLibraryNotFound: the library could not be loaded; the message has the loader's text.
	ErrLibraryNotFound = loader.ErrLibraryNotFound
	// ErrSymbolNotFound: the library has no such symbol.
	ErrSymbolNotFound = loader.ErrSymbolNotFound
	// ErrNilLibrary: a nil *Library was used.
	ErrNilLibrary = errors.New("nil library")
	// ErrNilAddress: a function was bound at address 0, or the symbol of a global variable
	// (Global, GlobalSlice) has the address NULL.
	ErrNilAddress = errors.New("nil address")
	// ErrUnsupportedType: a Go type has no C equivalent (or its layout cannot match C's).
	ErrUnsupportedType = errors.New("unsupported type")
	// ErrBadVariadic: the variadic split is out of range for the function's parameters.
	ErrBadVariadic = errors.New("bad variadic split")
	// ErrBadLength: GlobalSlice was given a negative length, or one whose elements would
	// not fit in the address space.
	ErrBadLength = errors.New("bad length")
	// ErrTooManyParams: more parameters than MaxParams.
	ErrTooManyParams = errors.New("too many parameters")
	// ErrTooLarge: by-value arguments or result need more than MaxStackBytes of stack.
	ErrTooLarge = errors.New("arguments too large for the system stack")
	// ErrClosed: the library was closed.
	ErrClosed = loader.ErrClosed
	// ErrNotFunc: BindFunc was given something other than a pointer to a func variable.
	ErrNotFunc = errors.New("not a pointer to a func variable")
	// ErrBadOption: an option was given where it does not apply (Fast for a callback).
	ErrBadOption = errors.New("option does not apply")
	// ErrUnsupportedPlatform: jitffi cannot call C on this GOOS/GOARCH (see the README's
	// support matrix); the program still compiles, so it can fall back to something else.
	ErrUnsupportedPlatform = errors.New("platform not supported")
	// ErrFastUnavailable: the Fast option was asked for, but the running Go runtime does not
	// offer the entry point Fast calls rely on, or it does not behave as expected; the
	// message says which check failed. Bind without Fast instead.
	ErrFastUnavailable = asm.ErrFastUnavailable
)

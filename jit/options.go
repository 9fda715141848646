package jit

import "github.com/jitffi/jitffi/jit/internal/emit"

// ErrnoKind says how a stub reads the C library's error code right after the call.
type ErrnoKind = emit.ErrnoKind

// The ways to read the error code (see emit.NoErrno).
const (
	NoErrno       = emit.NoErrno
	ErrnoLocation = emit.ErrnoLocation
	ErrnoValue    = emit.ErrnoValue
)

// Options are the compile-time choices for a stub other than its plan (see emit.Options).
type Options = emit.Options

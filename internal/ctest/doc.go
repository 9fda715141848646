// Package ctest generates C fixtures from abi signatures, so that every claim jitffi
// makes about a calling convention is checked against code a real C compiler produced.
//
// For each Case, Generate writes a C callee with exactly the case's signature. The callee
// copies the bytes of every leaf (scalar) of every argument it received into an exported
// record buffer, Name_rec, counts its calls in Name_calls, and returns a result made of
// predictable "graffiti" bytes. The Go mirrors (Leaves, RecordLayout, ArgBytes,
// ExpectedResult, ResultMask) say where those bytes are and what they must be, and
// CheckCall compares a call's record and result with them.
//
// The generated C includes no headers: it declares its own fixed-width typedefs and uses
// compiler builtins (__builtin_memcpy, __builtin_va_arg, ...), so the same file builds
// with a cross compiler that has no C library installed. Every struct, union and array
// typedef carries _Static_assert checks of its size, alignment and member offsets, so a
// disagreement between package abi's layout and the compiler's is a compile error.
//
// GenerateCallers writes the other half used to test this package on its own: a C caller
// per case that passes ArgBytes values and checks the record and the result in C, plus a
// main that runs them all. If that program passes, the generator and its Go mirrors agree
// with the C compiler before any JIT-compiled stub is involved.
//
// GenerateUpcallers writes the mirror image, for callbacks: a C caller per case,
// Name_up, that calls a function pointer of the case's signature with the CallArgs values
// and exports the leaves it passed (Name_passed) and the result it got back (Name_got),
// so that a test compares what the callback received with what C passed, and what C got
// with what the callback returned.
package ctest

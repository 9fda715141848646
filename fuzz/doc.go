// Package fuzz is jitffi's differential fuzzer: it generates C signatures at random,
// compiles a recording callee for each with a real C compiler (package internal/ctest),
// calls every callee through a JIT-compiled jitffi stub, and checks byte for byte that
// the callee received what was sent and that the caller got back what was returned.
//
// The C compiler is the oracle. gcc is the reference: a case jitffi gets wrong against gcc
// is a mismatch, a bug in package abi or jit. When clang is installed every batch is also
// built by clang and checked the same way; a case that passes against gcc but fails against
// clang is a disagreement between the two compilers, reported and set aside.
//
// Every case is reproducible from its ID, "<abi>-<seed>-<index>": the generator is a pure
// function of the three. Each ABI is a Target; a target plugs in by registering itself
// (see Register), with a generator Profile, a way to build fixtures and a way to run them.
//
// Downcalls (Go calling C) are checked. Upcalls (C calling Go through a callback) are not
// yet: jitffi has no callbacks so far.
package fuzz

// Package fuzz is jitffi's differential fuzzer: it generates C signatures at random and
// checks each in both directions against a real C compiler (package internal/ctest).
// Downcalls: a recording callee per signature is called through a JIT-compiled jitffi
// stub, and the callee must have received what was sent and the caller got back what was
// returned, byte for byte. Upcalls: a compiled C caller per signature calls a jitffi
// callback through its upcall stub, and the callback must have received what C passed and
// C got back what the callback returned. A variadic signature has no upcall (a callback
// cannot be variadic) and is counted as skipped in that direction.
//
// The C compiler is the oracle. gcc is the reference: a case jitffi gets wrong against gcc
// is a mismatch, a bug in package abi or jit. When clang is installed every batch is also
// built by clang and checked the same way; a case that passes against gcc but fails against
// clang is a disagreement between the two compilers, reported and set aside.
//
// Every case is reproducible from its ID, "<abi>-<seed>-<index>": the generator is a pure
// function of the three, and the ID stands for the signature in both directions. Each
// ABI is a Target; a target plugs in by registering itself (see Register), with a
// generator Profile, a way to build fixtures and a way to run them.
package fuzz

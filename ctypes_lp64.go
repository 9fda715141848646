//go:build !windows && !(386 || arm || mips || mipsle || wasm)

package jitffi

// C's long as the 64-bit Unix systems (LP64: Linux, macOS, the BSDs, ...) define it.
type (
	// Long is C's long: 64 bits here; 32 on Windows and on 32-bit systems.
	Long int64
	// ULong is C's unsigned long.
	ULong uint64
)

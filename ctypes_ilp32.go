//go:build !windows && (386 || arm || mips || mipsle || wasm)

package jitffi

// C's long as the 32-bit systems (ILP32: linux/386, linux/arm, wasm32, ...) define it.
// jitffi binds nothing on these platforms (Open and every bind fail with
// ErrUnsupportedPlatform); the types are right all the same, for code that shares them.
type (
	// Long is C's long: 32 bits here, as on Windows; 64 on 64-bit Unix systems.
	Long int32
	// ULong is C's unsigned long.
	ULong uint32
)

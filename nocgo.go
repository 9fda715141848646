//go:build !cgo && !(linux && (amd64 || arm64))

package jitffi

// checkCgo has nothing to refuse here. Windows enters C without cgo. Every other platform
// this file builds for (CGO_ENABLED=0, not linux/amd64 or linux/arm64) is one jitffi has no
// stubs or loader for, so checkRuntime has already refused it with ErrUnsupportedPlatform:
// cgo would not help there, and the error says what is supported. On linux/amd64 and
// linux/arm64 package internal/cgohooks stands in for runtime/cgo (see nocgo_linux.go).
func checkCgo() error { return nil }

//go:build !amd64 && !arm64

package asm

// TopOfStackFunc returns 0 where the stubs do not follow goroutine stack moves yet.
func TopOfStackFunc() uintptr { return 0 }

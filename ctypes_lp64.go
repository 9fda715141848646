//go:build !windows

package jitffi

// The C types that differ between platforms, as LP64 systems (Linux, macOS, the BSDs)
// define them.
type (
	// Long is C's long: 64 bits on LP64 systems, 32 on Windows.
	Long int64
	// ULong is C's unsigned long.
	ULong uint64
)

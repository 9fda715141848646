//go:build linux && (cgo || amd64 || arm64)

package main

// errorCodeLine is what step 5's line must contain: strtol's overflow and errno.
var errorCodeLine = []string{"strtol(", " = 9223372036854775807, ", "errno = ERANGE ("}

//go:build (!amd64 && !arm64) || (arm64 && windows)

package abi

// Host is 0 on a platform whose C calling convention this package does not classify
// (32-bit platforms, riscv64, ppc64le, s390x, loong64, Windows on arm64). Every classifier
// still compiles and runs here; only the host's own convention is unknown.
const Host ABI = 0

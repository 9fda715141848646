//go:build linux

package abi

// Host is the ABI of this host: Linux on arm64 follows the standard AAPCS64.
const Host = AAPCS64

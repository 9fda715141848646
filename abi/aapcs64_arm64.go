//go:build !darwin && !ios && !windows

package abi

// Host is the ABI of this host: Linux and the BSDs on arm64 follow the standard AAPCS64.
const Host = AAPCS64

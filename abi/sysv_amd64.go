//go:build !windows

package abi

// Host is the ABI of this host: every amd64 system but Windows uses the System V psABI.
const Host = SysV

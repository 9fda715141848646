//go:build aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris

package main

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// errnoName returns the symbolic name of an errno value, such as "ERANGE", or "".
func errnoName(e syscall.Errno) string { return unix.ErrnoName(e) }

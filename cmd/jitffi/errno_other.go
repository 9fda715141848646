//go:build !(aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris)

package main

import "syscall"

// errnoName returns "": on this system the error codes' symbolic names are not known.
func errnoName(syscall.Errno) string { return "" }

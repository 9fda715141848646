//go:build !(aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris)

package main

import "github.com/jitffi/jitffi"

// errnoName returns "": on this system the error codes' symbolic names are not known.
func errnoName(jitffi.Errno) string { return "" }

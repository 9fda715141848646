//go:build cgo

package jitffi

// runtime/cgo starts threads with pthread_create (so libc's thread-local state, errno
// among it, is set up) and lets runtime.cgocall run.
import _ "runtime/cgo"

// checkCgo: runtime/cgo is linked in.
func checkCgo() error { return nil }

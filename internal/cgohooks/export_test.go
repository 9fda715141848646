//go:build !cgo && linux && (amd64 || arm64) && !jitffi_nocgohooks

package cgohooks

import "sync/atomic"

// ThreadsStarted returns how many threads the thread-start hook has started.
func ThreadsStarted() uint64 { return atomic.LoadUint64(&threadsStarted) }

// KeyCreated reports whether the pthread key for C-created threads exists.
func KeyCreated() bool { return keyCreated == 1 }

// CConstants are the C library's values the hooks are written for, by the names a C
// program prints them under; AttrBytes must be at least sizeof(pthread_attr_t).
var CConstants = map[string]int{
	"sizeof(sigset_t)":        sigsetBytes,
	"SIG_SETMASK":             sigSetmask,
	"PTHREAD_CREATE_DETACHED": pthreadCreateDetached,
	"EAGAIN":                  errEAGAIN,
}

// AttrBytes is the room the hooks give a pthread_attr_t.
const AttrBytes = attrBytes

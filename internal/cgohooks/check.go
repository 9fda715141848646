//go:build !cgo && linux && (amd64 || arm64)

package cgohooks

import (
	"errors"
	"sync"
)

// ErrNotInstalled reports a program built with -tags jitffi_nocgohooks in which no
// other package installed the runtime's cgo hooks.
var ErrNotInstalled = errors.New("cgohooks: built with -tags jitffi_nocgohooks, but no package in this program installed the runtime's cgo hooks (purego does when built without cgo): import one, or build without the tag")

var checked struct {
	sync.Once
	err error
}

// Check reports whether the runtime's cgo hooks are installed and this package's own
// hooks, when it installed them, still fit the running runtime. It checks once per
// process; a non-nil error says what failed.
func Check() error {
	checked.Do(func() {
		switch {
		case !isCgo:
			checked.err = ErrNotInstalled
		case Own:
			checked.err = checkOwn()
		}
	})
	return checked.err
}

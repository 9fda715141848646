//go:build !cgo && linux && (amd64 || arm64)

package jitffi

import (
	"fmt"
	"runtime"

	"github.com/jitffi/jitffi/internal/cgohooks"
)

// checkCgo checks the runtime's cgo hooks, which package internal/cgohooks installs in a
// CGO_ENABLED=0 build (or, with -tags jitffi_nocgohooks, another package such as purego
// must have installed).
func checkCgo() error {
	err := cgohooks.Check()
	switch {
	case err == nil:
		return nil
	case cgohooks.Own:
		return fmt.Errorf("jitffi: the cgo hooks of this CGO_ENABLED=0 build do not fit %s (%v): build with CGO_ENABLED=1 and a C compiler: %w", runtime.Version(), err, ErrNoCgo)
	default:
		return fmt.Errorf("jitffi: %v: %w", err, ErrNoCgo)
	}
}

package jitffi

import (
	"fmt"
	"runtime"

	"github.com/jitffi/jitffi/asm"
)

// checkRuntime refuses to open or bind when this program cannot call C: on a platform
// jitffi has no stubs or loader for, and where runtime.cgocall would throw "cgocall
// unavailable" because runtime/cgo is not linked in (everywhere but Windows).
func checkRuntime() error {
	if !platformSupported {
		return fmt.Errorf("jitffi: %s/%s is not supported (linux/amd64, linux/arm64 and windows/amd64 are): %w", runtime.GOOS, runtime.GOARCH, ErrUnsupportedPlatform)
	}
	if !cgoLinked && runtime.GOOS != "windows" {
		return fmt.Errorf("jitffi: this binary was built with CGO_ENABLED=0; on %s jitffi needs the runtime's cgo support (build with CGO_ENABLED=1 and a C compiler): %w", runtime.GOOS, ErrNoCgo)
	}
	return nil
}

// checkFast refuses the Fast option when the running runtime does not offer what Fast calls
// go through (see asm.CheckFast, which checks it once per process).
func checkFast() error {
	if err := asm.CheckFast(); err != nil {
		return fmt.Errorf("jitffi: Fast on %s: %w (bind without Fast)", runtime.Version(), err)
	}
	return nil
}

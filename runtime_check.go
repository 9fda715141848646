package jitffi

import (
	"fmt"
	"runtime"

	"github.com/jitffi/jitffi/asm"
)

// checkRuntime refuses to open or bind when this program cannot call C: on a platform
// jitffi has no stubs or loader for, and where runtime.cgocall would throw "cgocall
// unavailable" because the runtime's cgo hooks are missing (see checkCgo).
func checkRuntime() error {
	if !platformSupported {
		return fmt.Errorf("jitffi: %s/%s is not supported (linux/amd64, linux/arm64 and windows/amd64 are): %w", runtime.GOOS, runtime.GOARCH, ErrUnsupportedPlatform)
	}
	return checkCgo()
}

// checkFast refuses the Fast option when the running runtime does not offer what Fast calls
// go through (see asm.CheckFast, which checks it once per process).
func checkFast() error {
	if err := fastDoorCheck(); err != nil {
		return fmt.Errorf("jitffi: Fast on %s: %w (bind without Fast)", runtime.Version(), err)
	}
	return nil
}

// fastDoorCheck is asm.CheckFast, held in a variable so that a test can make it fail: no
// Go runtime CI runs does.
var fastDoorCheck = asm.CheckFast

package jitffi

import (
	"fmt"
	"runtime"
)

// checkRuntime refuses to bind when the runtime cannot enter C: runtime.cgocall throws
// "cgocall unavailable" without runtime/cgo, except on Windows.
func checkRuntime() error {
	if !cgoLinked && runtime.GOOS != "windows" {
		return fmt.Errorf("jitffi: this binary was built with CGO_ENABLED=0; on %s jitffi needs the runtime's cgo support (build with CGO_ENABLED=1 and a C compiler): %w", runtime.GOOS, ErrNoCgo)
	}
	return nil
}

//go:build !cgo && !(linux && (amd64 || arm64))

package jitffi

import (
	"fmt"
	"runtime"
)

// checkCgo refuses where runtime.cgocall would throw "cgocall unavailable" because
// runtime/cgo is not linked in. Windows enters C without cgo; on linux/amd64 and
// linux/arm64 package internal/cgohooks stands in for runtime/cgo (see nocgo_linux.go).
func checkCgo() error {
	if runtime.GOOS == "windows" {
		return nil
	}
	return fmt.Errorf("jitffi: this binary was built with CGO_ENABLED=0; on %s/%s jitffi needs the runtime's cgo support (build with CGO_ENABLED=1 and a C compiler): %w", runtime.GOOS, runtime.GOARCH, ErrNoCgo)
}

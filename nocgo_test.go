//go:build !cgo && !windows && (jitffi_nocgohooks || !(linux && (amd64 || arm64)))

package jitffi_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/jitffi/jitffi"
)

// TestNoCgoRefusesClearly checks that a CGO_ENABLED=0 build that has no cgo hooks fails at
// Open and at bind time with ErrNoCgo and a message that says what to do, instead of
// linking and then crashing in runtime.cgocall ("cgocall unavailable"): on supported
// platforms, a build with -tags jitffi_nocgohooks in which no other package installed the
// hooks (CI runs it so); elsewhere, any CGO_ENABLED=0 build. Windows enters C without cgo,
// and linux/amd64 and linux/arm64 have package internal/cgohooks, so there the whole test
// suite runs instead.
func TestNoCgoRefusesClearly(t *testing.T) {
	remedy := "CGO_ENABLED=1"
	if runtime.GOOS == "linux" && (runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64") {
		remedy = "build without the tag"
	}
	_, err := jitffi.Open("libc.so.6")
	if !errors.Is(err, jitffi.ErrNoCgo) || !strings.Contains(err.Error(), remedy) {
		t.Fatalf("Open without cgo: err = %v, want ErrNoCgo saying %q", err, remedy)
	}
	if _, err := jitffi.Bind0At[int32](0x1000); !errors.Is(err, jitffi.ErrNoCgo) {
		t.Fatalf("Bind0At without cgo: err = %v, want ErrNoCgo", err)
	}
}

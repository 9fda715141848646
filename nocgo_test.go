//go:build !cgo && !windows && (jitffi_nocgohooks || !(linux && (amd64 || arm64)))

package jitffi_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/jitffi/jitffi"
)

// TestNoCgoRefusesClearly checks that a CGO_ENABLED=0 build that cannot call C fails at
// Open and at bind time with an error that names the reason and says what to do, instead
// of linking and then crashing in runtime.cgocall ("cgocall unavailable"). On linux/amd64
// and linux/arm64 that is a build with -tags jitffi_nocgohooks in which no other package
// installed the runtime's cgo hooks (CI runs it so): ErrNoCgo, saying to build without the
// tag. Elsewhere (CI runs it as linux/386) jitffi has no stubs with or without cgo, so the
// error is ErrUnsupportedPlatform, naming the supported platforms, and not ErrNoCgo: cgo
// would not help. Windows enters C without cgo, and without the tag linux/amd64 and
// linux/arm64 have package internal/cgohooks, so there the whole test suite runs instead.
func TestNoCgoRefusesClearly(t *testing.T) {
	want, notWant, says := jitffi.ErrUnsupportedPlatform, jitffi.ErrNoCgo, "linux/amd64, linux/arm64 and windows/amd64"
	if runtime.GOOS == "linux" && (runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64") {
		want, notWant, says = jitffi.ErrNoCgo, jitffi.ErrUnsupportedPlatform, "build without the tag"
	}
	_, openErr := jitffi.Open("libc.so.6")
	_, bindErr := jitffi.Bind0At[int32](0x1000)
	for name, err := range map[string]error{"Open": openErr, "Bind0At": bindErr} {
		if !errors.Is(err, want) || errors.Is(err, notWant) || !strings.Contains(err.Error(), says) {
			t.Errorf("%s without cgo on %s/%s: err = %v; want %v (and not %v) saying %q",
				name, runtime.GOOS, runtime.GOARCH, err, want, notWant, says)
		}
	}
}

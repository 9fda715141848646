package jitffi_test

import (
	"errors"
	"runtime"
	"testing"

	"github.com/jitffi/jitffi"
)

// TestUnsupportedPlatform runs on every platform the module builds for (CI runs it as
// linux/386 too): where jitffi has no stubs, Open and binds fail with
// ErrUnsupportedPlatform; where it has, they never do.
func TestUnsupportedPlatform(t *testing.T) {
	platform := runtime.GOOS + "/" + runtime.GOARCH
	supported := map[string]bool{"linux/amd64": true, "linux/arm64": true, "windows/amd64": true}[platform]
	_, openErr := jitffi.Open("")
	_, bindErr := jitffi.Bind0At[int32](1)
	for name, err := range map[string]error{"Open": openErr, "Bind0At": bindErr} {
		if got := errors.Is(err, jitffi.ErrUnsupportedPlatform); got == supported {
			t.Errorf("%s on %s: error %v; want ErrUnsupportedPlatform: %v", name, platform, err, !supported)
		}
	}
}

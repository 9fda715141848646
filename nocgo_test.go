//go:build !cgo && !windows

package jitffi_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jitffi/jitffi"
)

// TestNoCgoRefusesClearly checks that a CGO_ENABLED=0 build fails at Open and at bind time
// with ErrNoCgo and a message that says what to do, instead of linking and then crashing
// in runtime.cgocall ("cgocall unavailable"). Windows enters C without cgo, so there
// the whole test suite runs instead.
func TestNoCgoRefusesClearly(t *testing.T) {
	_, err := jitffi.Open("libc.so.6")
	if !errors.Is(err, jitffi.ErrNoCgo) || !strings.Contains(err.Error(), "CGO_ENABLED=1") {
		t.Fatalf("Open without cgo: err = %v, want ErrNoCgo naming CGO_ENABLED=1", err)
	}
	if _, err := jitffi.Bind0At[int32](0x1000); !errors.Is(err, jitffi.ErrNoCgo) {
		t.Fatalf("Bind0At without cgo: err = %v, want ErrNoCgo", err)
	}
}

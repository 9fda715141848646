//go:build !cgo && !windows

package loader_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/loader"
)

func TestNoCgo(t *testing.T) {
	lib, err := loader.Open("libc.so.6")
	if lib != nil || !errors.Is(err, loader.ErrNoCgo) {
		t.Fatalf("Open = %v, %v; want nil and ErrNoCgo", lib, err)
	}
	var le *loader.Error
	if !errors.As(err, &le) || le.Op != "open" || le.Library != "libc.so.6" {
		t.Fatalf("error %#v", err)
	}
	const want = "jitffi needs the Go runtime's cgo support on this platform: build with CGO_ENABLED=1 and a C compiler (go env CC)"
	if le.Text != want || !strings.Contains(err.Error(), want) {
		t.Errorf("message %q, want it to contain %q", err, want)
	}
	if _, err := loader.Open(""); !errors.Is(err, loader.ErrNoCgo) {
		t.Errorf("Open(\"\") error = %v", err)
	}

	var zero loader.Library
	if _, err := zero.Lookup("strlen"); !errors.Is(err, loader.ErrNoCgo) {
		t.Errorf("Lookup error = %v, want ErrNoCgo", err)
	}
	if err := zero.Close(); !errors.Is(err, loader.ErrNoCgo) {
		t.Errorf("Close error = %v, want ErrNoCgo", err)
	}
	if loader.ErrnoLocation() != 0 {
		t.Errorf("ErrnoLocation() = %#x, want 0", loader.ErrnoLocation())
	}
}

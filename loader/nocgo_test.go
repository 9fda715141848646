//go:build !cgo && !windows && (jitffi_nocgohooks || !(linux && (amd64 || arm64)))

package loader_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/loader"
)

// TestNoCgo runs where the package cannot load libraries without cgo: on platforms other
// than linux/amd64 and linux/arm64, and there when the program is built with
// -tags jitffi_nocgohooks and no other package installed the runtime's cgo hooks (CI runs
// it so). Every operation must fail with ErrNoCgo and say what to do.
func TestNoCgo(t *testing.T) {
	lib, err := loader.Open("libc.so.6")
	if lib != nil || !errors.Is(err, loader.ErrNoCgo) {
		t.Fatalf("Open = %v, %v; want nil and ErrNoCgo", lib, err)
	}
	var le *loader.Error
	if !errors.As(err, &le) || le.Op != "open" || le.Library != "libc.so.6" {
		t.Fatalf("error %#v", err)
	}
	want := "jitffi needs the Go runtime's cgo support on this platform: build with CGO_ENABLED=1 and a C compiler (go env CC)"
	if runtime.GOOS == "linux" && (runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64") {
		want = "cgohooks: built with -tags jitffi_nocgohooks, but no package in this program installed the runtime's cgo hooks (purego does when built without cgo): import one, or build without the tag"
	}
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
	if runtime.GOOS != "linux" && loader.ErrnoLocation() != 0 {
		t.Errorf("ErrnoLocation() = %#x, want 0", loader.ErrnoLocation())
	}
}

//go:build amd64 || arm64

package asm_test

import (
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/internal/ctest"
	"github.com/jitffi/jitffi/internal/fixtures"
)

// fixtureLib opens the C fixture called name: compiled now with the target's C compiler,
// or on Windows, where the tests run under wine and cannot start one, prebuilt by
// mkfixtures (see fixtures.Prebuilt).
func fixtureLib(t *testing.T, name string) *jitffi.Library {
	t.Helper()
	var path string
	if runtime.GOOS == "windows" {
		path = fixtures.Prebuilt(t, name)
	} else {
		f, err := fixtures.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		src, err := f.Source()
		if err != nil {
			t.Fatal(err)
		}
		if path, err = ctest.Compile(t.TempDir(), src, f.Flags...); err != nil {
			t.Fatalf("compiling the C fixture %s with %v: %v", name, ctest.Compiler(), err)
		}
	}
	lib, err := jitffi.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { lib.Close() })
	return lib
}

// runChild runs the test binary again for the one test named, with the environment
// variable setting env ("NAME=value") added, and returns its output. A child still
// running after two minutes is killed.
func runChild(t *testing.T, test, env string) (string, error) {
	t.Helper()
	cmd := ctest.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), env)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	defer timer.Stop()
	err := cmd.Wait()
	return out.String(), err
}

//go:build (cgo && unix) || (linux && (amd64 || arm64))

package loader_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/loader"
)

// TestDlerrorIsReadOnTheFailingThread fails to open libraries from many goroutines at
// once, each with a name of its own, and checks that every error names that goroutine's
// library: dlerror's text belongs to the thread that failed, and another thread's failure
// in between must not show up.
func TestDlerrorIsReadOnTheFailingThread(t *testing.T) {
	const goroutines, rounds = 8, 200
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		go func() {
			for i := 0; i < rounds; i++ {
				name := fmt.Sprintf("libjitffi_missing_%d_%d.so", g, i)
				_, err := loader.Open(name)
				if err == nil || !strings.Contains(err.Error(), name) {
					errs <- fmt.Errorf("open %s: %v", name, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for g := 0; g < goroutines; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

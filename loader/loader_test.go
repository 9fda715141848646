//go:build (cgo && unix) || (linux && (amd64 || arm64))

package loader_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/jitffi/jitffi/loader"
)

func mustOpen(t *testing.T, path string, opts ...loader.Option) *loader.Library {
	t.Helper()
	lib, err := loader.Open(path, opts...)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	return lib
}

// asError checks that err is a *loader.Error that wraps sentinel and returns it.
func asError(t *testing.T, err, sentinel error) *loader.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one wrapping %v", sentinel)
	}
	if !errors.Is(err, sentinel) {
		t.Fatalf("error %q (%T) does not wrap %v", err, err, sentinel)
	}
	var le *loader.Error
	if !errors.As(err, &le) {
		t.Fatalf("error %q is a %T, want *loader.Error", err, err)
	}
	return le
}

func TestOpenLookupFunctionAndData(t *testing.T) {
	path := fixture(t)
	lib := mustOpen(t, path)
	defer lib.Close()

	if lib.Path() != path {
		t.Errorf("Path() = %q, want %q", lib.Path(), path)
	}
	fn, err := lib.Lookup("jitffi_add")
	if err != nil || fn == 0 {
		t.Fatalf("Lookup(jitffi_add) = %#x, %v", fn, err)
	}
	addr, err := lib.Lookup("jitffi_counter")
	if err != nil || addr == 0 {
		t.Fatalf("Lookup(jitffi_counter) = %#x, %v", addr, err)
	}
	if v := *(*int32)(ptrAt(addr)); v != 42 {
		t.Errorf("jitffi_counter = %d, want 42", v)
	}
	// A second handle to the same library sees the same object.
	lib2 := mustOpen(t, path)
	defer lib2.Close()
	if addr2, err := lib2.Lookup("jitffi_counter"); err != nil || addr2 != addr {
		t.Errorf("second handle: Lookup(jitffi_counter) = %#x, %v; want %#x", addr2, err, addr)
	}
}

func TestOpenMissingLibrary(t *testing.T) {
	_, err := loader.Open("libjitffi_nope.so")
	le := asError(t, err, loader.ErrLibraryNotFound)
	if le.Op != "open" || le.Library != "libjitffi_nope.so" || le.Text == "" {
		t.Errorf("error fields = %+v", *le)
	}
	// The message carries dlerror's text, which names the file.
	msg := err.Error()
	if !strings.HasPrefix(msg, "loader: open libjitffi_nope.so: ") || !strings.Contains(msg[len("loader: open libjitffi_nope.so: "):], "libjitffi_nope.so") {
		t.Errorf("message %q lacks dlerror's text", msg)
	}
	t.Logf("message: %s", msg)

	_, err = loader.Open(t.TempDir() + "/libmissing.so")
	asError(t, err, loader.ErrLibraryNotFound)

	_, err = loader.Open("lib\x00c.so")
	asError(t, err, loader.ErrLibraryNotFound)
}

func TestOpenNotALibrary(t *testing.T) {
	_, err := loader.Open(t.TempDir()) // a directory
	le := asError(t, err, loader.ErrLibraryNotFound)
	if le.Text == "" {
		t.Errorf("no dlerror text in %q", err)
	}
}

func TestLookupMissingSymbol(t *testing.T) {
	path := fixture(t)
	lib := mustOpen(t, path)
	defer lib.Close()

	_, err := lib.Lookup("jitffi_no_such_symbol")
	le := asError(t, err, loader.ErrSymbolNotFound)
	if le.Op != "lookup" || le.Library != path || le.Symbol != "jitffi_no_such_symbol" {
		t.Errorf("error fields = %+v", *le)
	}
	if !strings.Contains(le.Text, "jitffi_no_such_symbol") || !strings.Contains(err.Error(), le.Text) {
		t.Errorf("message %q lacks dlerror's text %q", err, le.Text)
	}
	t.Logf("message: %s", err)

	_, err = lib.Lookup("jitffi_add\x00")
	asError(t, err, loader.ErrSymbolNotFound)
	_, err = lib.Lookup("")
	asError(t, err, loader.ErrSymbolNotFound)
}

func TestCloseTwiceAndLookupAfterClose(t *testing.T) {
	lib := mustOpen(t, fixture(t))
	if err := lib.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	asError(t, lib.Close(), loader.ErrClosed)
	_, err := lib.Lookup("jitffi_add")
	le := asError(t, err, loader.ErrClosed)
	if le.Symbol != "jitffi_add" {
		t.Errorf("error fields = %+v", *le)
	}
	if lib.Path() == "" {
		t.Error("Path() is empty after Close")
	}
}

func TestZeroAndNilLibrary(t *testing.T) {
	var zero loader.Library
	if _, err := zero.Lookup("malloc"); !errors.Is(err, loader.ErrClosed) {
		t.Errorf("zero Library: Lookup error = %v, want ErrClosed", err)
	}
	asError(t, zero.Close(), loader.ErrClosed)
	var nilLib *loader.Library
	if _, err := nilLib.Lookup("malloc"); !errors.Is(err, loader.ErrClosed) {
		t.Errorf("nil Library: Lookup error = %v, want ErrClosed", err)
	}
	asError(t, nilLib.Close(), loader.ErrClosed)
	if nilLib.Path() != "" {
		t.Error("nil Library has a path")
	}
}

func TestOpenMainProgram(t *testing.T) {
	lib := mustOpen(t, "")
	defer lib.Close()
	if lib.Path() != "" {
		t.Errorf("Path() = %q", lib.Path())
	}
	if p, err := lib.Lookup("malloc"); err != nil || p == 0 {
		t.Fatalf("Lookup(malloc) = %#x, %v", p, err)
	}
	_, err := lib.Lookup("jitffi_no_such_symbol")
	asError(t, err, loader.ErrSymbolNotFound)
	if !strings.Contains(err.Error(), "main program") {
		t.Errorf("message %q does not name the main program", err)
	}
}

func TestErrnoLocation(t *testing.T) {
	if loader.ErrnoLocation() == 0 {
		t.Fatal("ErrnoLocation() = 0")
	}
}

func TestOptionsAccepted(t *testing.T) {
	path := fixture(t)
	for _, opts := range [][]loader.Option{
		{loader.Lazy()},
		{loader.Global()},
		{loader.NoDelete()},
		{loader.Lazy(), loader.Global()},
		{nil},
	} {
		lib := mustOpen(t, path, opts...)
		if _, err := lib.Lookup("jitffi_add"); err != nil {
			t.Error(err)
		}
		if err := lib.Close(); err != nil {
			t.Error(err)
		}
	}
}

func TestNoLoad(t *testing.T) {
	path := fixture(t)
	_, err := loader.Open(path, loader.NoLoad())
	le := asError(t, err, loader.ErrLibraryNotFound)
	if le.Text == "" {
		t.Errorf("no explanation in %q", err)
	}
	t.Logf("message: %s", err)

	lib := mustOpen(t, path)
	again := mustOpen(t, path, loader.NoLoad())
	if a, err := again.Lookup("jitffi_counter"); err != nil {
		t.Error(err)
	} else if b, _ := lib.Lookup("jitffi_counter"); a != b {
		t.Errorf("NoLoad handle finds %#x, first handle %#x", a, b)
	}
	if err := again.Close(); err != nil {
		t.Error(err)
	}
	if err := lib.Close(); err != nil {
		t.Error(err)
	}
	// Both handles are closed: the library is gone again.
	if lib, err := loader.Open(path, loader.NoLoad()); err == nil {
		lib.Close()
		t.Error("library is still loaded after both handles were closed")
	}
}

func TestNoDeleteKeepsLibraryLoaded(t *testing.T) {
	path := fixture(t)
	lib := mustOpen(t, path, loader.NoDelete())
	if err := lib.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := loader.Open(path, loader.NoLoad())
	if err != nil {
		t.Fatalf("library opened with NoDelete was unloaded by Close: %v", err)
	}
	again.Close()
}

func TestConcurrentUse(t *testing.T) {
	path := fixture(t)
	shared := mustOpen(t, path)
	const goroutines = 50
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*4)
	start := make(chan struct{})
	var closeOK sync.WaitGroup
	closed := make(chan bool, goroutines)
	for i := 0; i < goroutines; i++ {
		wg.Add(1)
		closeOK.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			for j := 0; j < 20; j++ {
				lib, err := loader.Open(path)
				if err != nil {
					errs <- err
					return
				}
				if _, err := lib.Lookup("jitffi_add"); err != nil {
					errs <- err
				}
				if _, err := lib.Lookup("jitffi_missing"); !errors.Is(err, loader.ErrSymbolNotFound) {
					errs <- err
				}
				// Lookups on the shared library race with its Close below.
				if _, err := shared.Lookup("jitffi_counter"); err != nil && !errors.Is(err, loader.ErrClosed) {
					errs <- err
				}
				if err := lib.Close(); err != nil {
					errs <- err
				}
				if j == 10 {
					// All goroutines try to close the shared library; exactly one succeeds.
					err := shared.Close()
					if err != nil && !errors.Is(err, loader.ErrClosed) {
						errs <- err
					}
					closed <- err == nil
					closeOK.Done()
				}
			}
		}(i)
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	closeOK.Wait()
	close(closed)
	n := 0
	for ok := range closed {
		if ok {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d concurrent Closes succeeded, want 1", n)
	}
}

package loader_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi/internal/fixtures"
	"github.com/jitffi/jitffi/loader"
)

// The Windows counterparts of loader_test.go's tests. The fixture DLL (fixtures.LoaderSource)
// is built beforehand by mkfixtures, since a test binary under wine cannot run mingw-w64.

func mustOpenWin(t *testing.T, path string, opts ...loader.Option) *loader.Library {
	t.Helper()
	lib, err := loader.Open(path, opts...)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	return lib
}

// wantError checks that err is a *loader.Error that wraps sentinel and returns it.
func wantError(t *testing.T, err, sentinel error) *loader.Error {
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

// tempDir is t.TempDir for files a test may leave behind: under wine 8, os.RemoveAll (and so
// t.TempDir's cleanup) fails on a directory that is not empty ("unlinkat: Invalid
// function"), while os.Remove works. A DLL still loaded (pinned by NoDelete) cannot be
// deleted on Windows, so what cannot be removed is left in the system's temp directory.
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "jitffi-loader-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			os.Remove(filepath.Join(dir, e.Name()))
		}
		os.Remove(dir)
	})
	return dir
}

// fixtureDLL copies the prebuilt loader fixture to a fresh path, so that each test starts
// with a DLL no other test has loaded (Windows keeps one module per path, refcounted).
func fixtureDLL(t *testing.T) string {
	t.Helper()
	src := fixtures.Prebuilt(t, "loader")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(tempDir(t), "jitffi_fixture.dll")
	if err := os.WriteFile(dst, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return dst
}

// at turns an address found by Lookup into a pointer: it is the DLL's memory, never Go's.
func at(addr uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&addr)) }

func TestWindowsOpenLookupFunctionAndData(t *testing.T) {
	path := fixtureDLL(t)
	lib := mustOpenWin(t, path)
	defer lib.Close()
	if lib.Path() != path {
		t.Errorf("Path() = %q, want %q", lib.Path(), path)
	}
	if fn, err := lib.Lookup("jitffi_add"); err != nil || fn == 0 {
		t.Fatalf("Lookup(jitffi_add) = %#x, %v", fn, err)
	}
	addr, err := lib.Lookup("jitffi_counter")
	if err != nil || addr == 0 {
		t.Fatalf("Lookup(jitffi_counter) = %#x, %v", addr, err)
	}
	if v := *(*int32)(at(addr)); v != 42 {
		t.Errorf("jitffi_counter = %d, want 42", v)
	}
	// A second handle, by a path with forward slashes, is the same module.
	lib2 := mustOpenWin(t, filepath.ToSlash(path))
	defer lib2.Close()
	if addr2, err := lib2.Lookup("jitffi_counter"); err != nil || addr2 != addr {
		t.Errorf("second handle: Lookup(jitffi_counter) = %#x, %v; want %#x", addr2, err, addr)
	}
}

func TestWindowsSystemDLLs(t *testing.T) {
	for _, c := range []struct{ lib, sym string }{
		{"kernel32.dll", "GetLastError"},
		{"ucrtbase.dll", "strlen"},
		{"msvcrt", "cos"}, // LoadLibrary adds .dll to a name without an extension
	} {
		lib := mustOpenWin(t, c.lib)
		if p, err := lib.Lookup(c.sym); err != nil || p == 0 {
			t.Errorf("%s: Lookup(%s) = %#x, %v", c.lib, c.sym, p, err)
		}
		if err := lib.Close(); err != nil {
			t.Errorf("%s: Close: %v", c.lib, err)
		}
	}
}

func TestWindowsOpenErrors(t *testing.T) {
	for _, path := range []string{
		"libjitffi_nope.dll",
		filepath.Join(tempDir(t), "missing.dll"),
		tempDir(t), // a directory
		"lib\x00c.dll",
	} {
		_, err := loader.Open(path)
		le := wantError(t, err, loader.ErrLibraryNotFound)
		if le.Op != "open" || le.Library != path || le.Text == "" {
			t.Errorf("error fields = %+v", *le)
		}
		if !strings.HasPrefix(err.Error(), "loader: open "+path+": ") {
			t.Errorf("message %q", err)
		}
		t.Logf("message: %s", err)
	}
	// The system's own message and error number: ERROR_MOD_NOT_FOUND.
	_, err := loader.Open("libjitffi_nope.dll")
	if !strings.Contains(err.Error(), "(Windows error 126)") {
		t.Errorf("message %q lacks the system's error", err)
	}
	// A file that is not a DLL.
	notDLL := filepath.Join(tempDir(t), "text.dll")
	if err := os.WriteFile(notDLL, []byte("not a PE file"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = loader.Open(notDLL)
	wantError(t, err, loader.ErrLibraryNotFound)
	t.Logf("message: %s", err)
}

func TestWindowsLookupMissingSymbol(t *testing.T) {
	path := fixtureDLL(t)
	lib := mustOpenWin(t, path)
	defer lib.Close()
	_, err := lib.Lookup("jitffi_no_such_symbol")
	le := wantError(t, err, loader.ErrSymbolNotFound)
	if le.Op != "lookup" || le.Library != path || le.Symbol != "jitffi_no_such_symbol" || le.Text == "" {
		t.Errorf("error fields = %+v", *le)
	}
	if !strings.Contains(err.Error(), "(Windows error 127)") { // ERROR_PROC_NOT_FOUND
		t.Errorf("message %q lacks the system's error", err)
	}
	t.Logf("message: %s", err)
	for _, name := range []string{"", "jitffi_add\x00"} {
		_, err := lib.Lookup(name)
		wantError(t, err, loader.ErrSymbolNotFound)
	}
}

func TestWindowsCloseTwiceAndLookupAfterClose(t *testing.T) {
	lib := mustOpenWin(t, fixtureDLL(t))
	if err := lib.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wantError(t, lib.Close(), loader.ErrClosed)
	_, err := lib.Lookup("jitffi_add")
	wantError(t, err, loader.ErrClosed)
}

// TestWindowsMainProgram checks Open(""): the executable and every module it has loaded,
// searched in turn, as dlopen(NULL) searches the program's global scope.
func TestWindowsMainProgram(t *testing.T) {
	self := mustOpenWin(t, "")
	defer self.Close()
	k32 := mustOpenWin(t, "kernel32.dll")
	defer k32.Close()
	want, err := k32.Lookup("GetCurrentThreadId")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := self.Lookup("GetCurrentThreadId"); err != nil || got != want {
		t.Errorf("main program: Lookup(GetCurrentThreadId) = %#x, %v; want kernel32's %#x", got, err, want)
	}
	// A DLL opened later is searched too.
	fix := mustOpenWin(t, fixtureDLL(t))
	defer fix.Close()
	if _, err := self.Lookup("jitffi_get_counter"); err != nil {
		t.Errorf("main program: a loaded DLL's export is not found: %v", err)
	}
	_, err = self.Lookup("jitffi_no_such_symbol")
	le := wantError(t, err, loader.ErrSymbolNotFound)
	if !strings.Contains(err.Error(), "main program") || !strings.Contains(le.Text, "modules") {
		t.Errorf("message %q", err)
	}
	t.Logf("message: %s", err)
}

func TestWindowsErrnoFunctions(t *testing.T) {
	if loader.ErrnoLocation() != 0 {
		t.Errorf("ErrnoLocation() = %#x, want 0: Windows has no single errno", loader.ErrnoLocation())
	}
	k32 := mustOpenWin(t, "kernel32.dll")
	defer k32.Close()
	want, err := k32.Lookup("GetLastError")
	if err != nil {
		t.Fatal(err)
	}
	if got := loader.LastErrorFunc(); got != want {
		t.Errorf("LastErrorFunc() = %#x, want kernel32!GetLastError at %#x", got, want)
	}
}

// TestWindowsOptions checks the Unix options' Windows meanings: Lazy and Global change
// nothing, NoLoad only finds a loaded DLL, NoDelete pins it.
func TestWindowsOptions(t *testing.T) {
	path := fixtureDLL(t)
	for _, opts := range [][]loader.Option{{loader.Lazy()}, {loader.Global()}, {loader.Lazy(), loader.Global()}, {nil}} {
		lib := mustOpenWin(t, path, opts...)
		if _, err := lib.Lookup("jitffi_add"); err != nil {
			t.Error(err)
		}
		if err := lib.Close(); err != nil {
			t.Error(err)
		}
	}

	_, err := loader.Open(path, loader.NoLoad())
	le := wantError(t, err, loader.ErrLibraryNotFound)
	if !strings.Contains(le.Text, "NoLoad") {
		t.Errorf("message %q", err)
	}
	lib := mustOpenWin(t, path)
	again := mustOpenWin(t, path, loader.NoLoad())
	a, err1 := again.Lookup("jitffi_counter")
	b, err2 := lib.Lookup("jitffi_counter")
	if err1 != nil || err2 != nil || a != b {
		t.Errorf("NoLoad handle finds %#x (%v), first handle %#x (%v)", a, err1, b, err2)
	}
	if err := again.Close(); err != nil {
		t.Error(err)
	}
	if err := lib.Close(); err != nil {
		t.Error(err)
	}
	if lib, err := loader.Open(path, loader.NoLoad()); err == nil {
		lib.Close()
		t.Error("the DLL is still loaded after both handles were closed")
	}

	pinned := fixtureDLL(t)
	lib = mustOpenWin(t, pinned, loader.NoDelete())
	if err := lib.Close(); err != nil {
		t.Fatal(err)
	}
	again, err = loader.Open(pinned, loader.NoLoad())
	if err != nil {
		t.Fatalf("a DLL opened with NoDelete was unloaded by Close: %v", err)
	}
	again.Close()
}

func TestWindowsConcurrentUse(t *testing.T) {
	path := fixtureDLL(t)
	shared := mustOpenWin(t, path)
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	closed := make(chan bool, 32)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				lib, err := loader.Open(path)
				if err != nil {
					errs <- err
					return
				}
				if _, err := lib.Lookup("jitffi_add"); err != nil {
					errs <- err
				}
				if _, err := shared.Lookup("jitffi_counter"); err != nil && !errors.Is(err, loader.ErrClosed) {
					errs <- err
				}
				if err := lib.Close(); err != nil {
					errs <- err
				}
				if j == 10 {
					err := shared.Close()
					if err != nil && !errors.Is(err, loader.ErrClosed) {
						errs <- err
					}
					closed <- err == nil
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	close(closed)
	for err := range errs {
		t.Error(err)
	}
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

func TestWindowsZeroAndNilLibrary(t *testing.T) {
	var zero loader.Library
	if _, err := zero.Lookup("strlen"); !errors.Is(err, loader.ErrClosed) {
		t.Errorf("zero Library: Lookup error = %v, want ErrClosed", err)
	}
	wantError(t, zero.Close(), loader.ErrClosed)
	var nilLib *loader.Library
	if _, err := nilLib.Lookup("strlen"); !errors.Is(err, loader.ErrClosed) {
		t.Errorf("nil Library: Lookup error = %v, want ErrClosed", err)
	}
	wantError(t, nilLib.Close(), loader.ErrClosed)
}

//go:build (cgo && unix) || (linux && (amd64 || arm64))

package loader_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

// fixtureSrc is the C library most tests load.
const fixtureSrc = `
int jitffi_counter = 42;
int jitffi_add(int a, int b) { return a + b; }
int jitffi_get_counter(void) { return jitffi_counter; }
#if defined(__linux__) && defined(__ELF__)
/* An absolute symbol with the value 0: dlsym finds it and returns NULL without an error. */
__asm__(".globl jitffi_null_symbol\n.set jitffi_null_symbol, 0\n");
#endif
`

var (
	ccOnce sync.Once
	ccArgv []string // the C compiler command, split into words
	ccErr  string   // why there is no C compiler
)

// cCompiler returns the C compiler the go command would use (go env CC), or skips the test
// when there is none.
func cCompiler(t *testing.T) []string {
	t.Helper()
	ccOnce.Do(func() {
		cc := os.Getenv("CC")
		if cc == "" {
			if gocmd, err := exec.LookPath("go"); err == nil {
				if out, err := exec.Command(gocmd, "env", "CC").Output(); err == nil {
					cc = strings.TrimSpace(string(out))
				}
			}
		}
		if cc == "" {
			cc = "cc"
		}
		argv := strings.Fields(cc)
		if _, err := exec.LookPath(argv[0]); err != nil {
			ccErr = "no C compiler to build the test libraries with (go env CC = " + cc + "): " + err.Error()
			return
		}
		ccArgv = argv
	})
	if ccArgv == nil {
		t.Skip(ccErr)
	}
	return ccArgv
}

// buildLib compiles src into a fresh shared library lib<name>.so in t.TempDir() and
// returns its path. extra goes to the compiler after the source file (libraries, -Wl flags).
func buildLib(t *testing.T, name, src string, extra ...string) string {
	t.Helper()
	cc := cCompiler(t)
	dir := t.TempDir()
	cfile := filepath.Join(dir, name+".c")
	if err := os.WriteFile(cfile, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	so := filepath.Join(dir, "lib"+name+".so")
	args := append([]string{}, cc[1:]...)
	args = append(args, "-shared", "-fPIC", "-O2", "-o", so, cfile)
	args = append(args, extra...)
	out, err := exec.Command(cc[0], args...).CombinedOutput()
	if err != nil {
		t.Fatalf("compiling %s: %v\n%s %s\n%s", name, err, cc[0], strings.Join(args, " "), out)
	}
	return so
}

// fixture builds the library of fixtureSrc.
func fixture(t *testing.T) string {
	t.Helper()
	return buildLib(t, "jitffi_fixture", fixtureSrc)
}

// ptrAt turns an address found by Lookup into a pointer. The address is C memory, never
// Go memory, so the conversion is sound; going through memory keeps vet's unsafeptr check
// quiet about it.
func ptrAt(addr uintptr) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&addr))
}

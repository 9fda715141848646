package ctest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// DefaultFlags start every compiler command line. Flags given to Compile come after them,
// so a later -O0 overrides -O2. Implicit declarations are errors because the generated C
// declares everything it uses; one means the generator emitted a call it did not declare.
var DefaultFlags = []string{"-std=gnu11", "-O2", "-Wall", "-Werror=implicit-function-declaration"}

var (
	ccOnce sync.Once
	ccCmd  []string
)

// Compiler returns the command of the host C compiler: the words of `go env CC`, which
// honours $CC, or "gcc" if that cannot be run or is empty.
func Compiler() []string {
	ccOnce.Do(func() {
		out, err := exec.Command("go", "env", "CC").Output()
		if err == nil {
			ccCmd = strings.Fields(string(out))
		}
		if len(ccCmd) == 0 {
			ccCmd = []string{"gcc"}
		}
	})
	return append([]string(nil), ccCmd...)
}

// Compile writes csrc into dir and builds it with Compiler() into a shared library,
// returning the library's path. flags are added after DefaultFlags and "-shared -fPIC".
// The file names derive from a hash of the compiler, the flags and the source, so builds
// that differ get different paths (dlopen caches libraries by path) and a rebuild of the
// same thing reuses the name. A failed build's error includes the compiler's output.
func Compile(dir, csrc string, flags ...string) (string, error) {
	return CompileWith(nil, dir, csrc, flags...)
}

// CompileWith is Compile with the compiler command cc, such as
// []string{"aarch64-linux-gnu-gcc"}; nil means Compiler().
func CompileWith(cc []string, dir, csrc string, flags ...string) (string, error) {
	return build(cc, dir, csrc, nil, append([]string{"-shared", "-fPIC"}, flags...), "lib%s.so")
}

// CompileProgram builds an executable from csrc and inputs, other files to give the
// compiler such as a shared library from Compile, and returns its path. A library input
// given by its path is found at run time through an rpath to its directory. cc is as for
// CompileWith.
func CompileProgram(cc []string, dir, csrc string, inputs []string, flags ...string) (string, error) {
	var rpaths []string
	seen := map[string]bool{}
	for _, in := range inputs {
		if strings.HasSuffix(in, ".so") {
			d, err := filepath.Abs(filepath.Dir(in))
			if err != nil {
				return "", err
			}
			if !seen[d] {
				seen[d] = true
				rpaths = append(rpaths, "-Wl,-rpath,"+d)
			}
		}
	}
	return build(cc, dir, csrc, inputs, append(rpaths, flags...), "%s")
}

func build(cc []string, dir, csrc string, inputs, flags []string, outPattern string) (string, error) {
	if len(cc) == 0 {
		cc = Compiler()
	}
	args := append(append([]string(nil), cc[1:]...), DefaultFlags...)
	args = append(args, flags...)
	h := sha256.New()
	for _, s := range append(append(append([]string{cc[0]}, args...), inputs...), csrc) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	id := "ctest-" + hex.EncodeToString(h.Sum(nil)[:6])
	cfile := filepath.Join(dir, id+".c")
	out := filepath.Join(dir, fmt.Sprintf(outPattern, id))
	if err := os.WriteFile(cfile, []byte(csrc), 0o644); err != nil {
		return "", fmt.Errorf("ctest: %w", err)
	}
	args = append(args, "-o", out, cfile)
	args = append(args, inputs...)
	cmd := exec.Command(cc[0], args...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("ctest: %s: %w\n%s", strings.Join(cmd.Args, " "), err, msg)
	}
	return out, nil
}

//go:build !cgo && linux && (amd64 || arm64)

package loader_test

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/internal/ctest"
	"github.com/jitffi/jitffi/loader"
)

// TestDlopenFlags compares the dlopen flags the no-cgo build passes with the C compiler's
// (go env CC), on the target: CI runs it natively and under qemu.
func TestDlopenFlags(t *testing.T) {
	var src strings.Builder
	src.WriteString("#include <dlfcn.h>\n#include <stdio.h>\nint main(void) {\n")
	for name := range loader.DlopenFlags {
		fmt.Fprintf(&src, "\tprintf(\"%s %%d\\n\", %s);\n", name, name)
	}
	src.WriteString("\treturn 0;\n}\n")
	prog, err := ctest.CompileProgram(nil, t.TempDir(), src.String(), nil)
	if err != nil {
		t.Fatalf("compiling with %v: %v", ctest.Compiler(), err)
	}
	out, err := ctest.Command(prog).Output()
	if err != nil {
		t.Fatalf("running %s: %v", prog, err)
	}
	got := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		v, err := strconv.Atoi(value)
		if !ok || err != nil {
			t.Fatalf("bad line %q", sc.Text())
		}
		got[name] = v
	}
	for name, want := range loader.DlopenFlags {
		if v, ok := got[name]; !ok || v != want {
			t.Errorf("C says %s = %d (printed: %v), the loader uses %#x", name, v, ok, want)
		}
	}
}

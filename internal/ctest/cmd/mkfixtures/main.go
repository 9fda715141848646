// Command mkfixtures builds the C fixture libraries of package internal/fixtures with a
// cross compiler, for test binaries that run where no C compiler can be started (Windows
// test binaries under wine).
//
//	go run ./internal/ctest/cmd/mkfixtures -o DIR [-cc x86_64-w64-mingw32-gcc] [-ext .dll]
//
// For each fixture it writes DIR/NAME.c and compiles it into DIR/NAME.dll with
// ctest.DefaultFlags, -shared, the fixture's own flags and
// -Wl,--export-all-symbols (the generated C marks nothing __declspec(dllexport), and the
// tests look up data symbols as well as functions). Then run the tests with
// JITFFI_FIXTURES=DIR.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/jitffi/jitffi/internal/ctest"
	"github.com/jitffi/jitffi/internal/fixtures"
)

func main() {
	out := flag.String("o", "", "directory to write the fixtures to (created if missing)")
	cc := flag.String("cc", "x86_64-w64-mingw32-gcc", "C compiler command (words split at spaces)")
	ext := flag.String("ext", ".dll", "file name extension of the libraries")
	flag.Parse()
	if *out == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: mkfixtures -o DIR [-cc compiler] [-ext .dll]")
		os.Exit(2)
	}
	if err := build(*out, strings.Fields(*cc), *ext); err != nil {
		fmt.Fprintln(os.Stderr, "mkfixtures:", err)
		os.Exit(1)
	}
}

// build compiles every fixture into dir, in parallel: the case libraries take a few
// seconds each.
func build(dir string, cc []string, ext string) error {
	if len(cc) == 0 {
		return fmt.Errorf("no compiler given")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	errs := make([]error, len(fixtures.All))
	var wg sync.WaitGroup
	for i, f := range fixtures.All {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = buildOne(dir, cc, ext, f)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func buildOne(dir string, cc []string, ext string, f fixtures.Fixture) error {
	src, err := f.Source()
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name, err)
	}
	cfile := filepath.Join(dir, f.Name+".c")
	lib := filepath.Join(dir, f.Name+ext)
	// The library is written under a temporary name and renamed, and the source only
	// after it: an interrupted build never leaves a source that vouches for a library
	// built from something else.
	os.Remove(cfile)
	tmpC := cfile + ".tmp.c"
	if err := os.WriteFile(tmpC, []byte(src), 0o644); err != nil {
		return err
	}
	defer os.Remove(tmpC)
	args := append(append([]string(nil), cc[1:]...), ctest.DefaultFlags...)
	args = append(args, "-shared", "-Wl,--export-all-symbols")
	args = append(args, f.Flags...)
	args = append(args, "-o", lib+".tmp", tmpC)
	cmd := exec.Command(cc[0], args...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %s: %w\n%s", f.Name, strings.Join(cmd.Args, " "), err, msg)
	}
	if err := os.Rename(lib+".tmp", lib); err != nil {
		return err
	}
	return os.WriteFile(cfile, []byte(src), 0o644)
}

package bindgen

import (
	"fmt"
	"go/format"
	"regexp"
	"sort"
	"strings"
)

// Config says what to generate.
type Config struct {
	// Headers are the header files to bind: a path, or a name found as gcc finds
	// #include <name>. Declarations are taken from these files only; the types they use
	// are taken from wherever they are declared.
	Headers []string
	// IncludeDirs are searched before the compiler's own directories (gcc -I);
	// AfterDirs after them (gcc -idirafter), which lets a cross target read a library's
	// headers from the host's /usr/include while its system headers stay the target's.
	IncludeDirs, AfterDirs []string
	// Defines are NAME or NAME=VALUE macros defined before the headers (gcc -D).
	Defines []string
	// Keep lists name prefixes and KeepRegexp a pattern: when either is set, a
	// declaration of the headers is bound only if its name matches one of them.
	Keep       []string
	KeepRegexp *regexp.Regexp
	// Optional matches the functions that may be missing from the library: their fields
	// are tagged optional and left zero by BindAll when the symbol is absent.
	Optional *regexp.Regexp
	// ProcAddr adds Funcs.BindProcs, which binds the functions a library hands out
	// through a lookup function of its own (vkGetInstanceProcAddr, say).
	ProcAddr bool
	// Package is the Go package name.
	Package string
	// Libraries lists, per GOOS, the library names Open tries in order.
	Libraries map[string][]string
	// Target is the platform whose compiler reads the headers.
	Target Target
	// CC is the target's C compiler (default: Target.DefaultCompiler()).
	CC string
	// Command is the command line recorded in the generated files.
	Command string
}

// A Skip is a declaration left out of the generated package, and why.
type Skip struct {
	Name   string // the C name (struct.field for a field)
	Kind   string // function, macro, struct, field, type, variable
	Reason string
}

// Summary counts what was generated and lists what was skipped.
type Summary struct {
	Target                                             Target
	Functions, Structs, Unions, Enums, Constants       int
	Callbacks, Handles, Aliases, Variables, LayoutRows int
	Skipped                                            []Skip
}

// String is the summary the command prints.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: %d functions, %d structs, %d unions, %d enums, %d constants, %d callback types, %d opaque handles, %d type aliases, %d variables; %d layout checks; %d skipped",
		s.Target, s.Functions, s.Structs, s.Unions, s.Enums, s.Constants, s.Callbacks, s.Handles, s.Aliases, s.Variables, s.LayoutRows, len(s.Skipped))
	counts := map[string]int{}
	for _, k := range s.Skipped {
		counts[k.Kind]++
	}
	if len(counts) > 0 {
		var parts []string
		for _, k := range sortedKeys(counts) {
			parts = append(parts, fmt.Sprintf("%d %ss", counts[k], k))
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	return b.String()
}

// Output is the generated package: file names (relative to the package directory) and
// their contents.
type Output struct {
	Files   map[string][]byte
	Summary Summary
}

// Generate reads the headers for the target and returns the package.
func Generate(c Config) (*Output, error) {
	if c.Target == (Target{}) {
		c.Target = HostTarget()
	}
	if !c.Target.supported() {
		return nil, fmt.Errorf("bindgen: target %v: %w: jitffi runs on linux/amd64, linux/arm64 and windows/amd64", c.Target, errUnsupportedTarget)
	}
	if len(c.Headers) == 0 {
		return nil, fmt.Errorf("bindgen: no header given")
	}
	if c.Package == "" || !isIdent(c.Package) {
		return nil, fmt.Errorf("bindgen: package name %q is not a Go identifier", c.Package)
	}
	fe, err := parse(&c)
	if err != nil {
		return nil, err
	}
	g := newGenerator(&c, fe)
	g.collect()
	src, err := g.goFile()
	if err != nil {
		return nil, err
	}
	test, err := g.layoutTest()
	if err != nil {
		return nil, err
	}
	out := &Output{Files: map[string][]byte{
		c.Package + ".go":             src,
		c.Package + "_layout_test.go": test,
		"testdata/layout.c":           g.layoutC(),
	}, Summary: g.summary()}
	return out, nil
}

func gofmt(name string, src []byte) ([]byte, error) {
	out, err := format.Source(src)
	if err != nil {
		return nil, fmt.Errorf("bindgen: the generated %s does not parse (a generator bug): %w", name, err)
	}
	return out, nil
}

func (g *generator) summary() Summary {
	s := g.counts
	s.Target = g.c.Target
	s.Skipped = append([]Skip(nil), g.skips...)
	sort.SliceStable(s.Skipped, func(i, j int) bool { return s.Skipped[i].Kind < s.Skipped[j].Kind })
	return s
}

func isIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

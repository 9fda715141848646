package bindgen

import (
	"fmt"
	"go/format"
	"regexp"
	"sort"
	"strings"

	"github.com/jitffi/jitffi/abi"
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
	// Target is the platform whose compiler reads the headers; Targets, when set, lists
	// several (see Generate).
	Target  Target
	Targets []Target
	// CC is the target's C compiler (default: Target.DefaultCompiler()).
	CC string
	// Command is the command line recorded in the generated files.
	Command string

	// abiModel, when set (by tests), replaces package abi's layout of the record C
	// names cName before it is compared with the front end's.
	abiModel func(cName string, model *abi.Type) *abi.Type
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
	// ABIChecked counts the structs and unions whose layout package abi computed again
	// and compared with the front end's (a disagreement skips the type, see Skipped);
	// ABIUnmodelled lists those abi cannot lay out, and why: the C compiler's check and
	// the layout test still cover them.
	ABIChecked    int
	ABIUnmodelled []Skip
}

// String is the summary the command prints.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: %d functions, %d structs, %d unions, %d enums, %d constants, %d callback types, %d opaque handles, %d type aliases, %d variables; %d layout checks; %d records laid out again by package abi (%d it cannot model); %d skipped",
		s.Target, s.Functions, s.Structs, s.Unions, s.Enums, s.Constants, s.Callbacks, s.Handles, s.Aliases, s.Variables, s.LayoutRows, s.ABIChecked, len(s.ABIUnmodelled), len(s.Skipped))
	counts := map[string]int{}
	for _, k := range s.Skipped {
		counts[k.Kind]++
	}
	if len(counts) > 0 {
		var parts []string
		for _, k := range sortedKeys(counts) {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], pick(counts[k] == 1, k, k+"s")))
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	return b.String()
}

// Output is the generated package: file names (relative to the package directory) and
// their contents.
type Output struct {
	Files     map[string][]byte
	Summary   Summary   // the first target's
	Summaries []Summary // one per target
}

// Generate reads the headers for each target and returns the package. When every
// target gets the same files, they are written once; otherwise each target (or each
// GOOS, when its architectures agree) gets files of its own, named with the build
// constraint suffix (zlib_windows.go, zlib_layout_windows_test.go).
func Generate(c Config) (*Output, error) {
	targets := c.Targets
	if len(targets) == 0 {
		if c.Target == (Target{}) {
			c.Target = HostTarget()
		}
		targets = []Target{c.Target}
	}
	if len(c.Headers) == 0 {
		return nil, fmt.Errorf("bindgen: no header given")
	}
	if c.Package == "" || !isIdent(c.Package) {
		return nil, fmt.Errorf("bindgen: package name %q is not a Go identifier", c.Package)
	}
	var gens []*generator
	var renders []map[string][]byte
	out := &Output{Files: map[string][]byte{}}
	for _, t := range targets {
		if !t.supported() {
			return nil, fmt.Errorf("bindgen: target %v: %w: jitffi runs on linux/amd64, linux/arm64 and windows/amd64", t, errUnsupportedTarget)
		}
		tc := c
		tc.Target = t
		if len(targets) > 1 {
			tc.CC = "" // each target's own compiler
		}
		fe, err := parse(&tc)
		if err != nil {
			return nil, err
		}
		g := newGenerator(&tc, fe)
		g.collect()
		// The compiler checks what the front end read; what it disagrees on is skipped,
		// and everything is generated again without it (a struct holding a skipped one
		// is skipped too). A second disagreement is a generator bug.
		for pass := 0; ; pass++ {
			bad, err := g.verify()
			if err != nil {
				return nil, err
			}
			if len(bad) == 0 {
				break
			}
			if pass == 2 {
				return nil, fmt.Errorf("bindgen: %v: the C compiler still disagrees after %d passes: %v", t, pass, bad)
			}
			forced := g.forced
			if forced == nil {
				forced = map[string]string{}
			}
			for k, v := range bad {
				forced[k] = v
			}
			g = newGenerator(&tc, fe)
			g.forced = forced
			g.collect()
		}
		files, err := g.render()
		if err != nil {
			return nil, err
		}
		gens, renders = append(gens, g), append(renders, files)
		out.Summaries = append(out.Summaries, g.summary())
	}
	out.Summary = out.Summaries[0]
	if allSame(renders) {
		out.Files = renders[0]
		return out, nil
	}
	// The headers differ by target: per GOOS where its architectures agree, else per target.
	for i, g := range gens {
		goos := g.c.Target.GOOS
		same := true
		for j, h := range gens {
			if h.c.Target.GOOS == goos && !sameFiles(renders[i], renders[j]) {
				same = false
			}
		}
		g.suffix = "_" + goos
		if !same {
			g.suffix = "_" + goos + "_" + g.c.Target.GOARCH
		}
		files, err := g.render()
		if err != nil {
			return nil, err
		}
		for name, b := range files {
			out.Files[name] = b
		}
	}
	return out, nil
}

// render writes the generator's files.
func (g *generator) render() (map[string][]byte, error) {
	src, err := g.goFile()
	if err != nil {
		return nil, err
	}
	test, err := g.layoutTest()
	if err != nil {
		return nil, err
	}
	return map[string][]byte{g.goFileName(): src, g.testFile(): test, g.cFile(): g.layoutC()}, nil
}

func allSame(r []map[string][]byte) bool {
	for _, x := range r[1:] {
		if !sameFiles(r[0], x) {
			return false
		}
	}
	return true
}

func sameFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if string(b[k]) != string(v) {
			return false
		}
	}
	return true
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

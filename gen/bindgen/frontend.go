// Package bindgen turns C headers into a Go package that binds a C library at run time
// through jitffi: struct types with C's layout, constants, callback types and one struct
// of bindings for jitffi.BindAll, with a layout test checked against the C compiler.
//
// The C front end is modernc.org/cc/v4, fed the target compiler's predefined macros and
// include directories, so the headers read as that compiler reads them. Layouts are the
// front end's, checked against package abi's model and, by the generated test, against
// the C compiler itself.
package bindgen

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/jitffi/jitffi/abi"
	"modernc.org/cc/v4"
)

// A Target is a platform bindings are generated for.
type Target struct{ GOOS, GOARCH string }

// Targets lists the platforms jitffi runs on, which are the ones bindgen generates for.
var Targets = []Target{{"linux", "amd64"}, {"linux", "arm64"}, {"windows", "amd64"}}

func (t Target) String() string { return t.GOOS + "/" + t.GOARCH }

// HostTarget is the platform the generator runs on.
func HostTarget() Target { return Target{runtime.GOOS, runtime.GOARCH} }

func (t Target) supported() bool {
	for _, s := range Targets {
		if s == t {
			return true
		}
	}
	return false
}

// DefaultCompiler is the C compiler whose view of the headers bindgen takes for t: gcc
// for the host, Debian's cross compilers for the others.
func (t Target) DefaultCompiler() string {
	if t == HostTarget() && t.GOOS != "windows" {
		return "gcc"
	}
	switch t {
	case Target{"linux", "amd64"}:
		return "x86_64-linux-gnu-gcc"
	case Target{"linux", "arm64"}:
		return "aarch64-linux-gnu-gcc"
	case Target{"windows", "amd64"}:
		return "x86_64-w64-mingw32-gcc"
	}
	return "gcc"
}

// model is the target's C data model (the sizes of long and the signedness of char).
func (t Target) model() abi.DataModel {
	switch {
	case t.GOOS == "windows":
		return abi.LLP64
	case t.GOARCH == "arm64":
		return abi.LP64UnsignedChar
	}
	return abi.LP64
}

// frontEnd is one run of the C front end over the headers for one target.
type frontEnd struct {
	cfg   *cc.Config
	ast   *cc.AST
	roots map[string]bool // the cleaned paths of the headers given
	files []string        // every file of the translation unit, in the order first seen
	srcs  []cc.Source     // what was translated
}

// parse preprocesses and type-checks the headers as the target's compiler would.
func parse(c *Config) (*frontEnd, error) {
	compiler := c.CC
	if compiler == "" {
		compiler = c.Target.DefaultCompiler()
	}
	path, err := exec.LookPath(compiler)
	if err != nil {
		return nil, fmt.Errorf("bindgen: the C compiler for %v: %w: install it or name another with -cc", c.Target, err)
	}
	// cc.NewConfig takes the compiler from $CC and falls back to cc or gcc when it fails;
	// a fallback would read the headers as the wrong target, so it is checked below.
	old, had := os.LookupEnv("CC")
	os.Setenv("CC", path)
	cfg, err := cc.NewConfig(c.Target.GOOS, c.Target.GOARCH)
	if had {
		os.Setenv("CC", old)
	} else {
		os.Unsetenv("CC")
	}
	if err != nil {
		return nil, fmt.Errorf("bindgen: asking %s for its predefined macros and include directories: %w", compiler, err)
	}
	if cfg.CC != path {
		return nil, fmt.Errorf("bindgen: %s did not answer for %v (the front end fell back to %s): check that it runs", compiler, c.Target, cfg.CC)
	}
	cfg.Header = true
	cfg.EvalAllMacros = true
	cfg.UnsignedEnums = true // gcc: an enum without negative values is unsigned int
	for _, d := range c.Defines {
		name, value, _ := strings.Cut(d, "=")
		if value == "" && !strings.Contains(d, "=") {
			value = "1"
		}
		cfg.Predefined += fmt.Sprintf("\n#define %s %s\n", name, value)
	}
	before := cleanAll(c.IncludeDirs)
	after := cleanAll(c.AfterDirs)
	// "" stands for the directory of the including file, as for #include "...".
	cfg.IncludePaths = append(append(append([]string{""}, before...), cfg.IncludePaths[1:]...), after...)
	cfg.SysIncludePaths = append(append(append([]string{}, before...), cfg.SysIncludePaths...), after...)

	fe := &frontEnd{cfg: cfg, roots: map[string]bool{}}
	sources := []cc.Source{{Name: "<predefined>", Value: cfg.Predefined}, {Name: "<builtin>", Value: cc.Builtin}}
	for _, h := range c.Headers {
		p, err := findHeader(h, cfg.SysIncludePaths)
		if err != nil {
			return nil, err
		}
		fe.roots[p] = true
		sources = append(sources, cc.Source{Name: p})
	}
	fe.srcs = sources
	ast, err := cc.Translate(cfg, sources)
	if err != nil {
		return nil, fmt.Errorf("bindgen: reading the headers for %v: %w", c.Target, err)
	}
	fe.ast = ast
	seen := map[string]bool{}
	for l := ast.TranslationUnit; l != nil; l = l.TranslationUnit {
		f := filepath.Clean(l.ExternalDeclaration.Position().Filename)
		if !seen[f] {
			seen[f] = true
			fe.files = append(fe.files, f)
		}
	}
	return fe, nil
}

// findHeader finds a header as gcc finds #include <name>, or takes it as a path when one
// exists there.
func findHeader(name string, dirs []string) (string, error) {
	if st, err := os.Stat(name); err == nil && !st.IsDir() {
		abs, err := filepath.Abs(name)
		if err != nil {
			return "", err
		}
		return filepath.Clean(abs), nil
	}
	if !filepath.IsAbs(name) {
		for _, d := range dirs {
			p := filepath.Join(d, name)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return filepath.Clean(p), nil
			}
		}
	}
	return "", fmt.Errorf("bindgen: header %s: %w: not a file, nor found in %s: add its directory with -I or -idirafter", name, os.ErrNotExist, strings.Join(dirs, ", "))
}

func cleanAll(dirs []string) []string {
	var r []string
	for _, d := range dirs {
		if abs, err := filepath.Abs(d); err == nil {
			d = abs
		}
		r = append(r, filepath.Clean(d))
	}
	return r
}

// inRoot reports whether a position lies in one of the headers given.
func (fe *frontEnd) inRoot(file string) bool {
	if file == "" {
		return false
	}
	if !filepath.IsAbs(file) {
		if abs, err := filepath.Abs(file); err == nil {
			file = abs
		}
	}
	return fe.roots[filepath.Clean(file)]
}

// fileRank orders files as the translation unit first reaches them.
func (fe *frontEnd) fileRank(file string) int {
	file = filepath.Clean(file)
	for i, f := range fe.files {
		if f == file {
			return i
		}
	}
	return len(fe.files)
}

// evalMacros asks the front end for the values of macros it does not evaluate by
// themselves (those that apply a function-like macro, as VK_API_VERSION_1_0 does): each
// becomes the initializer of a static const object in a second translation, whose value
// the type checker folds. A macro that does not make an initializer fails that
// translation and is dropped, one at a time, until the rest pass.
func (fe *frontEnd) evalMacros(names []string) map[string]cc.Value {
	values := map[string]cc.Value{}
	for len(names) > 0 {
		var b strings.Builder
		for i, n := range names {
			// One line each, so that an error's line names the macro.
			fmt.Fprintf(&b, "static const __typeof__((%s)) __jitffi_gen_%d = (%s);\n", n, i, n)
		}
		srcs := append(append([]cc.Source(nil), fe.srcs...), cc.Source{Name: "<jitffi-gen-macros>", Value: b.String()})
		ast, err := cc.Translate(fe.cfg, srcs)
		if err != nil {
			bad := badLines(err.Error(), "<jitffi-gen-macros>:")
			if len(bad) == 0 {
				return values
			}
			var keep []string
			for i, n := range names {
				if !bad[i+1] {
					keep = append(keep, n)
				}
			}
			if len(keep) == len(names) {
				return values
			}
			names = keep
			continue
		}
		index := map[string]string{}
		for i, n := range names {
			index[fmt.Sprintf("__jitffi_gen_%d", i)] = n
		}
		for l := ast.TranslationUnit; l != nil; l = l.TranslationUnit {
			ed := l.ExternalDeclaration
			if ed.Declaration == nil {
				continue
			}
			for il := ed.Declaration.InitDeclaratorList; il != nil; il = il.InitDeclaratorList {
				id := il.InitDeclarator
				if n, ok := index[id.Declarator.Name()]; ok && id.Initializer != nil {
					values[n] = id.Initializer.Value()
				}
			}
		}
		return values
	}
	return values
}

// badLines finds the lines of a source named in an error text.
func badLines(msg, prefix string) map[int]bool {
	bad := map[int]bool{}
	for {
		i := strings.Index(msg, prefix)
		if i < 0 {
			return bad
		}
		msg = msg[i+len(prefix):]
		j := 0
		for j < len(msg) && msg[j] >= '0' && msg[j] <= '9' {
			j++
		}
		if n, err := strconv.Atoi(msg[:j]); err == nil {
			bad[n] = true
		}
	}
}

var errUnsupportedTarget = errors.New("unsupported target")

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

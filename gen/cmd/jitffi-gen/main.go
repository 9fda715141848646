// Command jitffi-gen generates a Go package that binds a C library at run time through
// jitffi, from the library's C headers:
//
//	jitffi-gen -package zlib -lib linux:libz.so.1 -lib windows:zlib1.dll -o ./zlib zlib.h zconf.h
//
// It writes <package>.go (types, constants, callback types and the struct of bindings),
// <package>_layout_test.go and testdata/layout.c (the test compares every layout and
// constant with the C compiler's), and prints what it generated and, one line each with
// the reason, what it skipped. With -check it writes nothing and fails if the files
// differ from what it would write.
//
// Usually run from a //go:generate line:
//
//	//go:generate jitffi-gen -package zlib -lib linux:libz.so.1 zlib.h zconf.h
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/jitffi/jitffi/gen/bindgen"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("jitffi-gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var includes, after, defines, libs, keep list
	fs.Var(&includes, "I", "search `dir` for headers before the compiler's own directories (repeatable)")
	fs.Var(&after, "idirafter", "search `dir` for headers after the compiler's own directories (repeatable): a cross target reads a library's headers from the host's /usr/include this way")
	fs.Var(&defines, "D", "define `NAME[=VALUE]` before the headers (repeatable)")
	fs.Var(&libs, "lib", "`GOOS:name[,name...]`: the library names Open tries on GOOS, in order (repeatable)")
	fs.Var(&keep, "keep", "bind only the declarations whose names start with one of these comma-separated `prefixes` (repeatable)")
	keepRE := fs.String("keep-regexp", "", "bind only the declarations whose names match `regexp` (with -keep: either)")
	optional := fs.String("optional", "", "functions matching `regexp` may be missing from the library (BindAll leaves them zero)")
	pkg := fs.String("package", "", "Go package `name` (required)")
	procAddr := fs.Bool("procaddr", false, "add Funcs.BindProcs, which binds functions through the library's own lookup function (vkGetInstanceProcAddr)")
	goos := fs.String("goos", "", "target `GOOS` whose compiler reads the headers (default: the host's)")
	goarch := fs.String("goarch", "", "target `GOARCH` (default: the host's)")
	targets := fs.String("targets", "", "comma-separated `GOOS/GOARCH` list to generate for, each read by its own compiler; files are shared when the headers agree (overrides -goos, -goarch and -cc)")
	compiler := fs.String("cc", "", "the target's C `compiler` (default: gcc for the host, aarch64-linux-gnu-gcc, x86_64-w64-mingw32-gcc)")
	out := fs.String("o", ".", "output `dir`ectory")
	check := fs.Bool("check", false, "write nothing; exit 1 if the files in -o differ from what would be written")
	verbose := fs.Bool("v", false, "also list the files written and the records package abi cannot lay out again, with the reason")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: jitffi-gen -package name [flags] header.h...\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 || *pkg == "" {
		fs.Usage()
		return 2
	}
	c := bindgen.Config{
		Headers: fs.Args(), IncludeDirs: includes, AfterDirs: after, Defines: defines,
		Package: *pkg, CC: *compiler, Libraries: map[string][]string{}, ProcAddr: *procAddr,
	}
	host := bindgen.HostTarget()
	c.Target = bindgen.Target{GOOS: or(*goos, host.GOOS), GOARCH: or(*goarch, host.GOARCH)}
	if *targets != "" {
		for _, t := range strings.Split(*targets, ",") {
			goosName, goarchName, ok := strings.Cut(strings.TrimSpace(t), "/")
			if !ok {
				fmt.Fprintf(stderr, "jitffi-gen: -targets %q: want GOOS/GOARCH,...\n", *targets)
				return 2
			}
			c.Targets = append(c.Targets, bindgen.Target{GOOS: goosName, GOARCH: goarchName})
		}
	}
	for _, k := range keep {
		for _, p := range strings.Split(k, ",") {
			if p = strings.TrimSpace(p); p != "" {
				c.Keep = append(c.Keep, p)
			}
		}
	}
	var err error
	if *keepRE != "" {
		if c.KeepRegexp, err = regexp.Compile(*keepRE); err != nil {
			fmt.Fprintf(stderr, "jitffi-gen: -keep-regexp: %v\n", err)
			return 2
		}
	}
	if *optional != "" {
		if c.Optional, err = regexp.Compile(*optional); err != nil {
			fmt.Fprintf(stderr, "jitffi-gen: -optional: %v\n", err)
			return 2
		}
	}
	for _, l := range libs {
		goosName, names, ok := strings.Cut(l, ":")
		if !ok || goosName == "" || names == "" {
			fmt.Fprintf(stderr, "jitffi-gen: -lib %q: want GOOS:name[,name...]\n", l)
			return 2
		}
		c.Libraries[goosName] = append(c.Libraries[goosName], strings.Split(names, ",")...)
	}
	c.Command = commandLine(args)
	o, err := bindgen.Generate(c)
	if err != nil {
		fmt.Fprintf(stderr, "jitffi-gen: %v\n", err)
		return 1
	}
	names := make([]string, 0, len(o.Files))
	for n := range o.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	differ := 0
	for _, n := range names {
		path := filepath.Join(*out, filepath.FromSlash(n))
		if *check {
			old, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(old, o.Files[n]) {
				fmt.Fprintf(stderr, "jitffi-gen: %s differs from what %v generates\n", path, c.Target)
				differ++
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			fmt.Fprintf(stderr, "jitffi-gen: %v\n", err)
			return 1
		}
		if err := os.WriteFile(path, o.Files[n], 0o644); err != nil {
			fmt.Fprintf(stderr, "jitffi-gen: %v\n", err)
			return 1
		}
		if *verbose {
			fmt.Fprintf(stdout, "jitffi-gen %s: wrote %s (%d bytes)\n", *pkg, path, len(o.Files[n]))
		}
	}
	printSummary(stdout, *pkg, len(o.Files), o.Summaries, *verbose)
	// Files an earlier run generated that this one does not (zlib.go once the headers
	// turned out to differ by target) are removed, or reported with -check.
	for _, path := range staleFiles(*out, *pkg, o.Files) {
		if *check {
			fmt.Fprintf(stderr, "jitffi-gen: %s was generated before and would be removed\n", path)
			differ++
			continue
		}
		if err := os.Remove(path); err != nil {
			fmt.Fprintf(stderr, "jitffi-gen: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "jitffi-gen %s: removed %s, which an earlier run generated\n", *pkg, path)
	}
	if differ > 0 {
		return 1
	}
	return 0
}

// staleFiles lists the files in dir that jitffi-gen generated for package pkg and that
// are not among files.
func staleFiles(dir, pkg string, files map[string][]byte) []string {
	var stale []string
	globs := []string{pkg + ".go", pkg + "_*.go", "testdata/layout*.c"}
	for _, pattern := range globs {
		matches, _ := filepath.Glob(filepath.Join(dir, filepath.FromSlash(pattern)))
		for _, m := range matches {
			rel, err := filepath.Rel(dir, m)
			if err != nil {
				continue
			}
			if _, ok := files[filepath.ToSlash(rel)]; ok {
				continue
			}
			b, err := os.ReadFile(m)
			if err == nil && (bytes.HasPrefix(b, []byte("// Code generated by jitffi-gen; DO NOT EDIT.")) || bytes.HasPrefix(b, []byte("/* Code generated by jitffi-gen; DO NOT EDIT. */"))) {
				stale = append(stale, m)
			}
		}
	}
	sort.Strings(stale)
	return stale
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// commandLine is the command recorded in the generated files: the flags that decide
// what is generated, not the target, compiler, output or search directories after the
// compiler's, so that every target's run writes the same files.
func commandLine(args []string) string {
	skipNext := map[string]bool{"-goos": true, "-goarch": true, "-cc": true, "-o": true, "-idirafter": true}
	drop := map[string]bool{"-check": true, "-v": true}
	var kept []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(strings.TrimPrefix(a, "-"), "=")
		flagName := "-" + strings.TrimPrefix(name, "-")
		if strings.HasPrefix(a, "-") && skipNext[flagName] {
			if !hasValue {
				i++
			}
			continue
		}
		if strings.HasPrefix(a, "-") && drop[flagName] {
			continue
		}
		if strings.ContainsAny(a, " \t'\"$*?()|<>&;[]{}\\") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		kept = append(kept, a)
	}
	return "jitffi-gen " + strings.Join(kept, " ")
}

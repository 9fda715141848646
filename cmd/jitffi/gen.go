package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
)

const genUsage = `Usage: jitffi gen [jitffi-gen flags] header.h...

Generates a Go package that binds a C library at run time through jitffi, from the
library's C headers: struct types with C's layout, constants, callback types and a
struct of bindings for jitffi.BindAll, with a test that checks every layout against the
C compiler. Run "jitffi gen -h" for the flags.

The generator is jitffi-gen, from the module github.com/jitffi/jitffi/gen: it needs a C
front end that programs importing jitffi should not download, so this command runs the
jitffi-gen found on PATH. Install it from a clone of the jitffi repository with

	cd gen && go install ./cmd/jitffi-gen

and, in a package, generate with a line such as

	//go:generate jitffi-gen -package zlib -lib linux:libz.so.1 zlib.h zconf.h
`

// cmdGen runs jitffi-gen with the arguments, passing its output and exit status through.
func cmdGen(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, genUsage)
		return exitError
	}
	path, err := exec.LookPath("jitffi-gen")
	if err != nil {
		fmt.Fprintf(stderr, "jitffi gen: the generator is not installed (%v).\n\n%s", err, genUsage)
		return exitError
	}
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		fmt.Fprintf(stderr, "jitffi gen: running %s: %v\n", path, err)
		return exitError
	}
	return exitOK
}

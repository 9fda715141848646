// Command jitffi explains how jitffi calls a C function and makes such calls from the
// command line.
//
// Usage:
//
//	jitffi explain [--abi sysv|win64|aapcs64|apple-arm64] [--errno] [--callback] [--decl TEXT] [--decl-file FILE] '<signature>'
//	jitffi call [--fast] [--errno] [--raw] [--decl TEXT] [--decl-file FILE] <library> <symbol> '<signature>' [arguments...]
//	jitffi call [flags] <library> '<prototype>' [arguments...]
//	jitffi gen [flags] header.h...
//	jitffi help [command]
//
// A signature is C as headers write it: a function type ('double (double)') or a whole
// prototype ('int sqlite3_open(const char *filename, sqlite3 **ppDb);'), with the
// typedefs, structs and macros it needs given as C declarations with --decl.
// explain parses a signature, classifies it under a calling convention (the host's by
// default) and prints the call plan, the frame layout and the disassembled call stub.
// call binds a function of a shared library to a signature given as text and calls it
// with arguments converted from the command line, for example:
//
//	jitffi call libm.so.6 cos 'double (double)' 0
//	jitffi call libc.so.6 'char *getenv(const char *name);' HOME
//	jitffi call libc.so.6 snprintf 'int32_t (char*, size_t, char*, ..., double)' buf:64 64 '%.3f' 3.14159
//	jitffi call --decl 'typedef unsigned long uLong; typedef unsigned char Bytef; typedef unsigned int uInt;' \
//		libz.so.1 'uLong crc32(uLong crc, const Bytef *buf, uInt len);' 0 hello 5
//
// Run "jitffi help call" for how arguments are written. gen runs jitffi-gen, the
// bindings generator, which lives in the module github.com/jitffi/jitffi/gen so that
// programs importing jitffi never download its C front end.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/jitffi/jitffi/abi"
)

// Exit codes.
const (
	exitOK          = 0
	exitUnexplained = 1 // explain: the signature parsed, but there is no plan, or bind refuses it
	exitError       = 2 // bad usage or input, or the call could not be made
)

const usageText = `jitffi explains and makes C calls through jitffi's JIT-compiled stubs.

Usage:

	jitffi explain [--abi sysv|win64|aapcs64|apple-arm64] [--errno] [--callback] [--decl TEXT] '<signature>'
	jitffi call [--fast] [--errno] [--raw] [--decl TEXT] <library> <symbol> '<signature>' [arguments...]
	jitffi call [flags] <library> '<prototype>' [arguments...]
	jitffi gen [flags] header.h...
	jitffi help [command]

A signature is C as headers write it: a function type such as 'double (double)' or
'int32_t (char*, size_t, char*, ..., double)', or a whole prototype such as
'int sqlite3_open(const char *filename, sqlite3 **ppDb);', whose name is the symbol
to call. A pointer to a name declared nowhere (sqlite3 *) is a pointer; other type
names (uLong), structs by tag and macros (ZEXTERN) come from C declarations given with
--decl TEXT or --decl-file FILE (typedefs, struct, union and enum definitions,
prototypes, #define), and a function those declare may be named alone.

gen generates a Go package of bindings from C headers (it runs jitffi-gen).

Run "jitffi help explain", "jitffi help call" or "jitffi help gen" for details.
`

const explainUsage = `Usage: jitffi explain [--abi sysv|win64|aapcs64|apple-arm64] [--errno] [--callback] [--decl TEXT] [--decl-file FILE] '<signature>'

Parses the signature (a function type or a whole prototype, as in "jitffi help") under
the ABI's data model (LLP64 for win64, LP64 with unsigned char for aapcs64, LP64
otherwise), classifies it under the ABI's calling convention and prints the call plan,
the call frame's layout and the disassembled call stub.
When the ABI's classifier or stub emitter is not built yet, it prints what it can and
says what is missing. When jitffi's bind would refuse the signature although it has a
plan (more than 64 parameters, more than 64 KiB of system stack), it prints the plan and
a last line "bind: refused: " with the reason. It exits with status 1 if there is no
plan or bind refuses it, and 2 for bad input.

Flags:
  --abi name   calling convention: sysv, win64, aapcs64 or apple-arm64 (default: the host's)
  --errno      also show the stub that captures errno (GetLastError on win64)
  --callback   show the upcall stub of a callback of that signature (C calling Go): it
               takes the arguments where the convention puts them, stores them in an upcall
               frame, calls jitffi's door into Go, and returns the result the Go side left
` + declFlagsUsage

// declFlagsUsage describes the flags every command that reads a signature has.
const declFlagsUsage = `  --decl TEXT       C declarations the signature may use: typedefs, struct, union and
                    enum definitions, prototypes and #define lines (repeatable)
  --decl-file FILE  the same, read from a file (repeatable), such as a header run through
                    the preprocessor (cc -E -P); the declarations it cannot read (long
                    double, bit-fields, #if, ...) are skipped, and what they declare is
                    unknown to the signature
`

const callUsage = `Usage: jitffi call [--fast] [--errno] [--raw] [--decl TEXT] [--decl-file FILE] <library> <symbol> '<signature>' [arguments...]
       jitffi call [flags] <library> '<prototype>' [arguments...]

Opens the library, binds the symbol to the signature (parsed under the host's data
model) and calls it with one argument per parameter. In the second form the prototype
names the symbol (or its __asm__ label does), as in

  jitffi call libc.so.6 'char *getenv(const char *name);' HOME

and may also be just the name of a function the --decl declarations declare. Each
argument is converted by its parameter's type:

  integers   decimal or 0x hex, optionally negative: 42, -5, 0xff (range-checked)
  bool       true, false, 1 or 0
  float      decimal or special values: 3.14, 1e-3, inf, nan
  pointers   null             NULL
             0x7f001234       that address
             buf:N            a zeroed N-byte buffer, printed as a C string after the call
             str:TEXT         TEXT as a C string, whatever it looks like
             "TEXT"           TEXT, with Go escapes such as \n, as a C string
             anything else    itself as a NUL-terminated C string
  structs    a brace list of the leaf values in order: {1,2.5} or {{1,2},3}

The signature is checked against jitffi's bind limits before any argument is converted.
It prints the result (nothing for void; a pointer to char, signed char or unsigned char
as the C string it points to, quoted, or NULL; structs as {field: value, ...}; of an
array of more than 7 elements the first 4, the last 2 and how many are left out), then
the contents of every buf: argument and, with --errno, errno as read right after the call.
An argument that starts with "-" is taken for a flag unless it is a number; put "--"
before arguments to take them all literally. Errors exit with status 2.

Flags:
  --fast            use the Fast call mode (no scheduler transition)
  --errno           print errno as read right after the call
  --raw             print a char pointer result as its address, not as a string
` + declFlagsUsage

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command with the given arguments (without the program name), writing its
// output to stdout and its diagnostics to stderr, and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitError
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "explain":
		return cmdExplain(rest, stdout, stderr)
	case "call":
		return cmdCall(rest, stdout, stderr)
	case "gen":
		return cmdGen(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		return cmdHelp(rest, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "jitffi: unknown command %q; run \"jitffi help\" for usage\n", cmd)
		return exitError
	}
}

// cmdHelp prints the usage text of the command named in args, or the general one.
func cmdHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stdout, usageText)
		return exitOK
	}
	switch args[0] {
	case "explain":
		fmt.Fprint(stdout, explainUsage)
	case "call":
		fmt.Fprint(stdout, callUsage)
	case "gen":
		fmt.Fprint(stdout, genUsage)
	default:
		fmt.Fprintf(stderr, "jitffi help: unknown command %q\n", args[0])
		return exitError
	}
	return exitOK
}

// parseFlags parses the flags defined in fs wherever they appear in args, as "-name",
// "--name", "-name=value" or "--name value", and returns the other arguments in order.
// Unlike fs.Parse, it does not stop at the first argument that is not a flag, and it takes
// an argument such as "-5" or "-inf" for a negative number rather than a flag. Everything
// after "--" is returned as is. A request for help returns flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(pos, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' || isNumber(a) {
			pos = append(pos, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		if name == "h" || name == "help" {
			return nil, flag.ErrHelp
		}
		f := fs.Lookup(name)
		if f == nil {
			return nil, fmt.Errorf("unknown flag %s", a)
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			if !hasValue {
				value = "true"
			}
		} else if !hasValue {
			if i+1 == len(args) {
				return nil, fmt.Errorf("flag %s needs a value", a)
			}
			i++
			value = args[i]
		}
		if err := fs.Set(name, value); err != nil {
			return nil, fmt.Errorf("flag %s: %v", a, err)
		}
	}
	return pos, nil
}

// isNumber reports whether s reads as a number (integer, hex or floating-point), so that
// a negative number is not taken for a flag.
func isNumber(s string) bool {
	if _, err := strconv.ParseFloat(s, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		return true
	}
	_, err := parseInteger(s, 64, true)
	var rangeErr *rangeError
	return err == nil || errors.As(err, &rangeErr)
}

// declFlags collects the --decl and --decl-file flags, in order, and counts the
// declarations of the files that were skipped.
type declFlags struct {
	sources []declSource
	skipped int
}

type declSource struct {
	text, file string
}

// addDeclFlags defines --decl and --decl-file in fs.
func addDeclFlags(fs *flag.FlagSet) *declFlags {
	d := &declFlags{}
	fs.Func("decl", "C declarations", func(s string) error {
		d.sources = append(d.sources, declSource{text: s})
		return nil
	})
	fs.Func("decl-file", "a file of C declarations", func(s string) error {
		d.sources = append(d.sources, declSource{file: s})
		return nil
	})
	return d
}

// env returns a type environment holding the declarations, or nil for none. A --decl
// text must declare all it holds; of a --decl-file, what cannot be read is skipped.
func (d *declFlags) env() (*abi.TypeEnv, error) {
	if len(d.sources) == 0 {
		return nil, nil
	}
	env := abi.NewTypeEnv()
	for _, src := range d.sources {
		if src.file == "" {
			if err := env.Declare(src.text); err != nil {
				return nil, fmt.Errorf("--decl: %w", err)
			}
			continue
		}
		b, err := os.ReadFile(src.file)
		if err != nil {
			return nil, fmt.Errorf("--decl-file: %w", err)
		}
		skipped, err := env.DeclareHeader(string(b))
		if err != nil {
			return nil, fmt.Errorf("--decl-file %s: %w", src.file, err)
		}
		d.skipped += len(skipped)
	}
	return env, nil
}

// parseError adds to an error of the parser, when --decl-file skipped declarations, that
// it did: what the signature lacks may be among them.
func (d *declFlags) parseError(err error) error {
	if d.skipped == 0 {
		return err
	}
	return fmt.Errorf("%w (the --decl-file files hold %d declarations jitffi cannot read, which were skipped)", err, d.skipped)
}

// newFlagSet returns a flag set that reports nothing itself: run prints its own messages.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// usageError prints a one-line error about the command line of command cmd and returns
// the exit code for it.
func usageError(stderr io.Writer, cmd string, format string, args ...any) int {
	fmt.Fprintf(stderr, "jitffi %s: %s; run \"jitffi help %s\" for usage\n", cmd, fmt.Sprintf(format, args...), cmd)
	return exitError
}

// failure prints a one-line error of command cmd and returns the exit code for it. The
// "jitffi: " that errors of package jitffi start with is dropped, as the line already
// names the command.
func failure(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "jitffi %s: %s\n", cmd, strings.TrimPrefix(err.Error(), "jitffi: "))
	return exitError
}

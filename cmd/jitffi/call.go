package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

// cmdCall runs "jitffi call".
func cmdCall(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("call")
	fast := fs.Bool("fast", false, "use the Fast call mode")
	withErrno := fs.Bool("errno", false, "print errno after the call")
	raw := fs.Bool("raw", false, "print a char pointer result as an address")
	decls := addDeclFlags(fs)
	pos, err := parseFlags(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, callUsage)
		return exitOK
	}
	if err != nil {
		return usageError(stderr, "call", "%v", err)
	}
	if len(pos) < 2 {
		return usageError(stderr, "call", "want a library, a symbol and a signature, got %d arguments", len(pos))
	}

	// Everything that can be checked without loading the library is checked first.
	env, err := decls.env()
	if err != nil {
		return failure(stderr, "call", err)
	}
	parser := abi.Parser{Model: abi.Host.DataModel(), Env: env}
	libName, symbol, text, values := pos[0], "", "", pos[2:]
	if isIdentifier(pos[1]) && !declaresFunc(parser, pos[1]) {
		// <library> <symbol> '<signature>': the symbol is named apart.
		if len(pos) < 3 {
			return usageError(stderr, "call", "want a library, a symbol and a signature, got %d arguments", len(pos))
		}
		symbol, text, values = pos[1], pos[2], pos[3:]
	} else {
		text = pos[1] // <library> '<prototype>'
	}
	proto, err := parser.ParsePrototype(text)
	if err != nil {
		return failure(stderr, "call", decls.parseError(err))
	}
	if symbol == "" {
		if symbol = proto.Symbol; symbol == "" {
			return usageError(stderr, "call", "the signature %q names no function: give the symbol before it", text)
		}
	}
	sig := proto.Signature
	var opts []jitffi.Option
	if *fast {
		opts = append(opts, jitffi.Fast())
	}
	// The bind limits come before the arguments: converting an argument of a signature
	// the bind would refuse can take gigabytes and hours.
	if err := jitffi.CheckSignature(sig, opts...); err != nil {
		return failure(stderr, "call", err)
	}
	if len(values) != len(sig.Params) {
		return failure(stderr, "call", fmt.Errorf("%s (%v) takes %s, got %d", symbol, sig, plural(len(sig.Params), "argument"), len(values)))
	}
	var enc argEncoder
	encoded := make([][]byte, len(values))
	for i, v := range values {
		if encoded[i], err = enc.encode(i, sig.Params[i], v); err != nil {
			return failure(stderr, "call", err)
		}
	}

	lib, err := jitffi.Open(libName)
	if err != nil {
		return failure(stderr, "call", err)
	}
	defer lib.Close()
	fn, err := jitffi.BindDynamic(lib, symbol, sig, opts...)
	if err != nil {
		return failure(stderr, "call", err)
	}

	frame := fn.NewFrame()
	for i, b := range encoded {
		copy(frame.Arg(i), b)
	}
	var errno jitffi.Errno
	if *withErrno {
		errno = fn.CallErrno(frame)
	} else {
		fn.Call(frame)
	}
	// The frame holds the addresses of the encoder's memory but is not scanned by the
	// garbage collector, so that memory must stay reachable until the call is over.
	runtime.KeepAlive(&enc)
	// C's stdio buffers what a function such as printf writes; flush it now, so that it
	// comes out before the result and is not lost when the command exits.
	flushCStdio()

	switch {
	case sig.Result.Kind == abi.Void:
	case proto.ResultCString && !*raw:
		fmt.Fprintln(stdout, cStringResult(frame.ResultPointer()))
	default:
		fmt.Fprintln(stdout, formatValue(frame.Result(), sig.Result))
	}
	for _, b := range enc.bufs {
		fmt.Fprintf(stdout, "%s buf: %q\n", b.name, cStringIn(b.mem))
	}
	if *withErrno {
		fmt.Fprintf(stdout, "errno: %s\n", errnoText(errno))
	}
	return exitOK
}

// maxCString bounds how much of a C string result call prints.
const maxCString = 1 << 20

// cStringResult formats the C string at p, quoted, or NULL; beyond maxCString bytes it
// prints the start and says how it was cut.
func cStringResult(p unsafe.Pointer) string {
	if p == nil {
		return "NULL"
	}
	n := 0
	for n < maxCString && *(*byte)(unsafe.Add(p, n)) != 0 {
		n++
	}
	s := strconv.Quote(string(unsafe.Slice((*byte)(p), n)))
	if n == maxCString {
		s += fmt.Sprintf("… (cut at %d bytes; --raw prints the address)", maxCString)
	}
	return s
}

// isIdentifier reports whether s is a C identifier, which names a symbol rather than
// being a prototype.
func isIdentifier(s string) bool {
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// declaresFunc reports whether the parser's declarations declare a function called name,
// which then stands for its whole prototype.
func declaresFunc(p abi.Parser, name string) bool {
	if p.Env == nil {
		return false
	}
	_, found := slices.BinarySearch(p.Env.Funcs(), name)
	return found
}

// errnoText describes an error code as "ERANGE (34): numerical result out of range", or
// "0" for no error.
func errnoText(e jitffi.Errno) string {
	if e == 0 {
		return "0"
	}
	if name := errnoName(e); name != "" {
		return fmt.Sprintf("%s (%d): %v", name, uint32(e), e)
	}
	return fmt.Sprintf("%d: %v", uint32(e), e)
}

// plural returns "1 argument" or "n arguments".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// flushCStdio flushes the C library's stdio output streams (fflush(NULL)), if it can find
// fflush among the program's loaded libraries.
func flushCStdio() {
	self, err := jitffi.Open("")
	if err != nil {
		return
	}
	defer self.Close()
	fflush, err := jitffi.Bind1[unsafe.Pointer, int32](self, "fflush")
	if err != nil {
		return
	}
	fflush.Call(nil)
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"syscall"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

// cmdCall runs "jitffi call".
func cmdCall(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("call")
	fast := fs.Bool("fast", false, "use the Fast call mode")
	withErrno := fs.Bool("errno", false, "print errno after the call")
	pos, err := parseFlags(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, callUsage)
		return exitOK
	}
	if err != nil {
		return usageError(stderr, "call", "%v", err)
	}
	if len(pos) < 3 {
		return usageError(stderr, "call", "want a library, a symbol and a signature, got %d arguments", len(pos))
	}
	libName, symbol, text, values := pos[0], pos[1], pos[2], pos[3:]

	// Everything that can be checked without loading the library is checked first.
	sig, err := abi.ParseSignatureModel(text, dataModel(abi.Host))
	if err != nil {
		return failure(stderr, "call", err)
	}
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
	var errno syscall.Errno
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

	if sig.Result.Kind != abi.Void {
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

// errnoText describes an error code as "ERANGE (34): numerical result out of range", or
// "0" for no error.
func errnoText(e syscall.Errno) string {
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

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/jit"
	"github.com/jitffi/jitffi/loader"
)

// placeholderErrnoFunc stands for the address of the error-code function in an errno
// stub explained for another ABI than the host's, where the real address is unknown.
const placeholderErrnoFunc uint64 = 0x1122334455667788

// defaultABI is the convention explain uses without --abi: the host's, or System V on a
// host whose convention jitffi does not know (explain works on every host).
func defaultABI() abi.ABI {
	if abi.Host == 0 {
		return abi.SysV
	}
	return abi.Host
}

// cmdExplain runs "jitffi explain".
func cmdExplain(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("explain")
	abiName := fs.String("abi", defaultABI().String(), "calling convention")
	withErrno := fs.Bool("errno", false, "also show the errno-capturing stub")
	callback := fs.Bool("callback", false, "explain the upcall stub of a callback (C calls Go) instead of the call stub")
	decls := addDeclFlags(fs)
	pos, err := parseFlags(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, explainUsage)
		return exitOK
	}
	if err != nil {
		return usageError(stderr, "explain", "%v", err)
	}
	if len(pos) != 1 {
		return usageError(stderr, "explain", "want one signature, got %d arguments", len(pos))
	}
	a, err := abi.ParseABI(*abiName)
	if err != nil {
		return failure(stderr, "explain", err)
	}
	env, err := decls.env()
	if err != nil {
		return failure(stderr, "explain", err)
	}
	proto, err := abi.Parser{Model: a.DataModel(), Env: env}.ParsePrototype(pos[0])
	if err != nil {
		return failure(stderr, "explain", decls.parseError(err))
	}
	sig := proto.Signature
	if proto.Name != "" {
		fmt.Fprintf(stdout, "function %s", proto.Name)
		if proto.Symbol != proto.Name {
			fmt.Fprintf(stdout, " (symbol %s)", proto.Symbol)
		}
		fmt.Fprintf(stdout, ": %v\n", sig)
	}
	plan, err := abi.Classify(sig, a)
	if errors.Is(err, abi.ErrUnsupportedABI) {
		fmt.Fprintf(stdout, "signature (%v): %v\n", a.DataModel(), sig)
		fmt.Fprintf(stdout, "plan: not available: the %v classifier is not built yet, so there is no plan or stub to show\n", a)
		return exitUnexplained
	}
	if err != nil {
		return failure(stderr, "explain", err)
	}

	fmt.Fprintf(stdout, "plan (%v, data model %v):\n", a, a.DataModel())
	writeIndented(stdout, plan.String())
	if *callback {
		return explainCallback(stdout, sig, plan)
	}
	fmt.Fprintf(stdout, "frame: %s\n", frameText(jit.LayoutOf(sig)))
	writeStub(stdout, "stub", plan, jit.Options{})
	if *withErrno {
		opts, note := errnoOptions(a)
		writeStub(stdout, "errno stub, "+note, plan, opts)
	}
	// A plan exists, but jitffi's own limits (parameters, system stack) may still keep
	// a bind from using it: say so, and why, after what it would have been.
	if err := jitffi.CheckSignature(sig, jitffi.WithABI(a)); err != nil {
		fmt.Fprintf(stdout, "bind: refused: %s\n", strings.TrimPrefix(err.Error(), "jitffi: "))
		return exitUnexplained
	}
	return exitOK
}

// placeholderDoor stands for the callback door's address in an explained upcall stub.
const placeholderDoor uint64 = 0x5566778899aabbcc

// explainCallback prints the upcall stub of a callback of sig: C calls it, through a
// trampoline, with the plan's convention, and it calls the callback door with an upcall
// frame.
func explainCallback(w io.Writer, sig *abi.Signature, plan *abi.Plan) int {
	fmt.Fprintf(w, "upcall frame: %s\n", strings.Replace(frameText(jit.LayoutOf(sig)), "header", "header (stub, context)", 1))
	opts := jit.Options{Upcall: true, Door: placeholderDoor}
	if host := defaultABI(); host != plan.ABI && (host == abi.SysV || host == abi.Win64) == (plan.ABI == abi.SysV || plan.ABI == abi.Win64) {
		opts.Entry = host
	}
	host := opts.Entry
	if host == 0 {
		host = plan.ABI
	}
	writeStub(w, fmt.Sprintf("upcall stub, entered through a trampoline (data slot in %s), calling the door %s-style at placeholder address %#x",
		map[bool]string{true: "r11", false: "x17"}[plan.ABI == abi.SysV || plan.ABI == abi.Win64], host, placeholderDoor), plan, opts)
	if err := jitffi.CheckCallbackSignature(sig, jitffi.WithABI(plan.ABI)); err != nil {
		fmt.Fprintf(w, "callback: refused: %s\n", strings.TrimPrefix(err.Error(), "jitffi: "))
		return exitUnexplained
	}
	return exitOK
}

// writeStub prints the disassembly of plan's stub compiled with opts under a heading, or
// a line saying why there is none. Any missing part of the toolchain is reported on
// stdout, in place of what it would have shown, since the plan has been explained.
func writeStub(w io.Writer, title string, plan *abi.Plan, opts jit.Options) {
	code, err := jit.Assemble(plan, opts)
	if err != nil {
		fmt.Fprintf(w, "%s: not available: %v\n", title, err)
		return
	}
	text, err := jit.Disassemble(code, plan.ABI)
	if err != nil {
		fmt.Fprintf(w, "%s (%d bytes): disassembly not available: %v\n", title, len(code), err)
		fmt.Fprintf(w, "  % x\n", code)
		return
	}
	fmt.Fprintf(w, "%s (%d bytes):\n", title, len(code))
	writeIndented(w, text)
}

// errnoOptions returns the stub options that capture the C error code under ABI a, and a
// note saying where the code is read from.
func errnoOptions(a abi.ABI) (jit.Options, string) {
	if a == abi.Win64 {
		return jit.Options{Errno: jit.ErrnoValue, ErrnoFunc: placeholderErrnoFunc},
			fmt.Sprintf("GetLastError at placeholder address %#x", placeholderErrnoFunc)
	}
	if fn := loader.ErrnoLocation(); a == abi.Host && fn != 0 {
		return jit.Options{Errno: jit.ErrnoLocation, ErrnoFunc: uint64(fn)},
			fmt.Sprintf("errno location function at %#x", fn)
	}
	return jit.Options{Errno: jit.ErrnoLocation, ErrnoFunc: placeholderErrnoFunc},
		fmt.Sprintf("errno location function at placeholder address %#x", placeholderErrnoFunc)
}

// frameText describes a call frame's layout: where the stub finds each argument and
// stores the result, as offsets from the frame pointer it is handed.
func frameText(l jit.Layout) string {
	var b strings.Builder
	fmt.Fprintf(&b, "header 0..%d", jit.FrameHeaderSize)
	for i, off := range l.Args {
		fmt.Fprintf(&b, ", arg %d at %d", i, off)
	}
	fmt.Fprintf(&b, ", result at %d, size %d", l.Result, l.Size)
	return b.String()
}

// writeIndented writes text with every line indented by two spaces.
func writeIndented(w io.Writer, text string) {
	for line := range strings.Lines(text) {
		fmt.Fprintf(w, "  %s", line)
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		fmt.Fprintln(w)
	}
}

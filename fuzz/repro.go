package fuzz

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/jitffi/jitffi/internal/ctest"
)

// WriteRepro writes a standalone reproduction of result r into dir. For a downcall: the
// C callee (c/repro.c), a C caller that proves the fixture right by checking the same
// values with the compiler's own calls (c/caller.c), a Go program that makes the call
// through jitffi and compares byte for byte without the fuzzer (main.go, go.mod), run.sh
// to build and run both, and README.txt with the case, the plan and the finding. For an
// upcall (see writeUpcallRepro): the C caller of the function pointer (c/repro.c), the
// compiler's own callee and a program handing it to the caller (c/callee.c, c/check.c),
// and a Go program that hands the caller a jitffi callback instead.
func WriteRepro(dir string, t *Target, r Result) error {
	// The C files live in c/, as the Go tool refuses C files next to a package that
	// does not use cgo.
	if err := os.MkdirAll(filepath.Join(dir, "c"), 0o755); err != nil {
		return err
	}
	c := r.Case.ctestCase("repro")
	opt := ctest.GenOptions{MSABI: t.MSABI, Seed: r.Case.ID.ArgSeed()}
	cc := "gcc"
	if len(t.Reference.Cmd) > 0 {
		cc = strings.Join(t.Reference.Cmd, " ")
	}
	flags := strings.Join(append(append([]string{}, ctest.DefaultFlags...), t.Reference.Flags...), " ")
	var files map[string]string
	var err error
	if r.Dir == Up {
		files, err = upcallReproFiles(t, r, c, opt, cc, flags)
	} else {
		files, err = downcallReproFiles(t, r, c, opt, cc, flags)
	}
	if err != nil {
		return err
	}
	mod, err := reproGoMod()
	if err != nil {
		return err
	}
	files["go.mod"] = mod
	files["README.txt"] = fmt.Sprintf("jitffi fuzz case %s, %s (%s)\n\nsignature: %v\n\nplan:\n%s\n%s\nReproduce: sh run.sh\n",
		r.Case.ID, r.Dir.Label(), r.Verdict, r.Case.Sig, indent(t.PlanText(r.Case.Sig)), findings(t, r))
	if sum, err := os.ReadFile(filepath.Join(moduleDir(), "go.sum")); err == nil {
		files["go.sum"] = string(sum)
	}
	for name, body := range files {
		mode := os.FileMode(0o644)
		if strings.HasSuffix(name, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), mode); err != nil {
			return err
		}
	}
	return nil
}

// downcallReproFiles returns the files of a downcall's reproduction but go.mod and
// README.txt.
func downcallReproFiles(t *Target, r Result, c ctest.Case, opt ctest.GenOptions, cc, flags string) (map[string]string, error) {
	callee, err := ctest.Generate([]ctest.Case{c}, opt)
	if err != nil {
		return nil, err
	}
	caller, err := ctest.GenerateCallers([]ctest.Case{c}, opt)
	if err != nil {
		return nil, err
	}
	return map[string]string{
		"c/repro.c":  callee,
		"c/caller.c": caller,
		"main.go":    reproMain(t, r),
		"run.sh": fmt.Sprintf(`#!/bin/sh
# Builds the callee with the reference compiler (CC=clang sh run.sh for the second
# opinion), checks it with C's own caller, then makes the same call through jitffi.
set -e
cd "$(dirname "$0")"
CC="${CC:-%[1]s}"
$CC %[2]s -shared -fPIC -o librepro.so c/repro.c
$CC %[2]s -o caller c/caller.c librepro.so -Wl,-rpath,"$PWD"
echo "C caller (the compiler's own call):"; ./caller
echo "jitffi:"; go run .
`, cc, flags),
	}, nil
}

func findings(t *Target, r Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %v\n", t.Reference.Name, orOK(r.Ref))
	if r.SecondRan {
		fmt.Fprintf(&b, "%s: %v\n", t.Second.Name, orOK(r.Second))
	}
	return b.String()
}

func orOK(err error) any {
	if err == nil {
		return "ok"
	}
	return err
}

// moduleDir returns the directory of the jitffi module, which the reproduction's go.mod
// points at with a replace directive.
func moduleDir() string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/jitffi/jitffi").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// reproGoMod returns a go.mod for the reproduction: jitffi from this checkout, and
// jitffi's own requirements, so that go run needs no network.
func reproGoMod() (string, error) {
	dir := moduleDir()
	if dir == "" {
		return "", fmt.Errorf("fuzz: cannot find the jitffi module (run from inside the checkout)")
	}
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "", err
	}
	var req []string
	in := false
	for _, line := range strings.Split(string(mod), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "require ("):
			in = true
		case in && line == ")":
			in = false
		case in && line != "":
			req = append(req, "\t"+strings.TrimSuffix(line, " // indirect")+" // indirect")
		case strings.HasPrefix(line, "require ") && !strings.HasSuffix(line, "("):
			req = append(req, "\t"+strings.TrimPrefix(line, "require ")+" // indirect")
		}
	}
	return fmt.Sprintf(`module jitffirepro

go 1.24.0

require (
	github.com/jitffi/jitffi v0.0.0
%s
)

replace github.com/jitffi/jitffi => %s
`, strings.Join(req, "\n"), dir), nil
}

// reproMain returns the Go program of a reproduction: the expected bytes are spelled
// out, so it depends on nothing but jitffi's public API.
func reproMain(t *Target, r Result) string {
	sig := r.Case.Sig
	args := ctest.CallArgs(sig, r.Case.ID.ArgSeed())
	var argLits []string
	for _, a := range args {
		argLits = append(argLits, "\t{"+goBytes(a)+"},")
	}
	mask := ctest.ResultMask(sig)
	var maskLit []string
	for _, m := range mask {
		if m {
			maskLit = append(maskLit, "1")
		} else {
			maskLit = append(maskLit, "0")
		}
	}
	opts := ""
	if t.BindSource != "" {
		opts = ", " + t.BindSource
	}
	return fmt.Sprintf(`// Command repro makes one call that jitffi's fuzzer flagged (case %[1]s) and compares
// what the C callee recorded and returned with what it must, byte for byte.
package main

import (
	"fmt"
	"os"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

const sigText = %[2]q

// Arguments as C lays them out; 0xEE marks padding.
var args = [][]byte{
%[3]s
}

// What the callee must record (every scalar of every argument, in order) and return.
var (
	wantRecord = []byte{%[4]s}
	wantResult = []byte{%[5]s}
	resultMask = []byte{%[6]s} // 1 where a result byte belongs to a member
)

func main() {
	sig, err := abi.ParseSignature(sigText)
	check(err)
	lib, err := jitffi.Open("./librepro.so")
	check(err)
	d, err := jitffi.BindDynamic(lib, "repro", sig%[7]s)
	check(err)
	fmt.Print(d.Plan())
	fr := d.NewFrame()
	for i, a := range args {
		s := fr.Arg(i)
		if len(s) > 0 {
			// Garbage up to the end of the 8-byte slot, as the fuzzer sends it.
			s = unsafe.Slice(&s[0], (len(s)+7)&^7)
			for j := range s {
				s[j] = 0xEE
			}
		}
		copy(s, a)
	}
	recAddr, err := lib.Lookup("repro_rec")
	check(err)
	d.Call(fr)
	rec := unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&recAddr))), len(wantRecord))
	bad := false
	for i := range wantRecord {
		if rec[i] != wantRecord[i] {
			fmt.Printf("record byte %%d: got 0x%%02x want 0x%%02x\n", i, rec[i], wantRecord[i])
			bad = true
		}
	}
	res := fr.Result()
	for i := range wantResult {
		if resultMask[i] == 1 && res[i] != wantResult[i] {
			fmt.Printf("result byte %%d: got 0x%%02x want 0x%%02x\n", i, res[i], wantResult[i])
			bad = true
		}
	}
	if bad {
		os.Exit(1)
	}
	fmt.Println("ok: jitffi agrees with the compiler")
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
`, r.Case.ID, sig.String(), strings.Join(argLits, "\n"), goBytes(ctest.ExpectedRecord(sig, args)),
		goBytes(ctest.ExpectedResult(sig, r.Case.ID.Salt())), strings.Join(maskLit, ", "), opts)
}

func goBytes(b []byte) string {
	s := make([]string, len(b))
	for i, x := range b {
		s[i] = fmt.Sprintf("0x%02x", x)
	}
	return strings.Join(s, ", ")
}

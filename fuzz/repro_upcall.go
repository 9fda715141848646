package fuzz

import (
	"fmt"
	"strings"

	"github.com/jitffi/jitffi/internal/ctest"
)

// upcallReproFiles returns the files of an upcall's reproduction but go.mod and
// README.txt: the C caller jitffi's callback is handed to (c/repro.c, from
// ctest.GenerateUpcallers), the compiler's own callee of the same signature (c/callee.c)
// and a program that hands that callee to the caller and checks both directions in C
// (c/check.c, from ctest.GenerateUpcallChecks), proving the fixture right; main.go, which
// hands the caller a jitffi callback instead and compares byte for byte without the
// fuzzer; and run.sh to build and run them.
func upcallReproFiles(t *Target, r Result, c ctest.Case, opt ctest.GenOptions, cc, flags string) (map[string]string, error) {
	caller, err := ctest.GenerateUpcallers([]ctest.Case{c}, opt)
	if err != nil {
		return nil, err
	}
	callee, err := ctest.Generate([]ctest.Case{c}, opt)
	if err != nil {
		return nil, err
	}
	check, err := ctest.GenerateUpcallChecks([]ctest.Case{c}, opt)
	if err != nil {
		return nil, err
	}
	return map[string]string{
		"c/repro.c":  caller,
		"c/callee.c": callee,
		"c/check.c":  check,
		"main.go":    upcallReproMain(t, r),
		"run.sh": fmt.Sprintf(`#!/bin/sh
# Builds the C caller with the reference compiler (CC=clang sh run.sh for the second
# opinion), checks it with the compiler's own callee, then hands it a jitffi callback.
set -e
cd "$(dirname "$0")"
CC="${CC:-%[1]s}"
$CC %[2]s -shared -fPIC -o librepro.so c/repro.c
$CC %[2]s -shared -fPIC -o libcallee.so c/callee.c
$CC %[2]s -o check c/check.c librepro.so libcallee.so -Wl,-rpath,"$PWD"
echo "C caller and C callee (the compiler's own upcall):"; ./check
echo "jitffi callback:"; go run .
`, cc, flags),
	}, nil
}

// upcallReproMain returns the Go program of an upcall's reproduction: the bytes C passes
// and the callback returns are spelled out, so it depends on nothing but jitffi's public
// API.
func upcallReproMain(t *Target, r Result) string {
	sig := r.Case.Sig
	args := ctest.CallArgs(sig, r.Case.ID.ArgSeed())
	var leaves []string
	for _, s := range ctest.RecordLayout(sig) {
		var ls []string
		for _, l := range s.Leaves {
			ls = append(ls, fmt.Sprintf("{%d, %d}", l.Offset, l.Size))
		}
		leaves = append(leaves, "\t{"+strings.Join(ls, ", ")+"},")
	}
	var mask []string
	for _, m := range ctest.ResultMask(sig) {
		mask = append(mask, map[bool]string{true: "1", false: "0"}[m])
	}
	opts := ""
	if t.BindSource != "" {
		opts = ", " + t.BindSource
	}
	return fmt.Sprintf(`// Command repro makes one upcall that jitffi's fuzzer flagged (case %[1]s): a C caller
// calls a jitffi callback, and the program compares what the callback received with what
// C passed, and what C got back with what the callback returned, byte for byte.
package main

import (
	"fmt"
	"os"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

const sigText = %[2]q

var (
	// The leaves of every argument, in order, as the C caller passes them and records
	// them in repro_passed.
	passed = []byte{%[3]s}
	// Where each argument's leaves are: {offset, size} in the argument, in record order.
	leaves = [][][2]int{
%[4]s
	}
	// What the callback returns: 0xEE in the padding, which C must not depend on.
	result     = []byte{%[5]s}
	resultMask = []byte{%[6]s} // 1 where a result byte belongs to a member
)

func main() {
	sig, err := abi.ParseSignature(sigText)
	check(err)
	lib, err := jitffi.Open("./librepro.so")
	check(err)
	// The C caller takes the function pointer in the host's own convention.
	up, err := jitffi.Bind1[*jitffi.Callback, jitffi.Void](lib, "repro_up")
	check(err)
	calls := 0
	var received [][]byte
	cb, err := jitffi.NewCallbackDynamic(sig, func(f *jitffi.Frame) {
		calls++
		received = make([][]byte, len(sig.Params))
		for i := range received {
			received[i] = append([]byte(nil), f.Arg(i)...)
		}
		copy(f.Result(), result)
	}%[7]s)
	check(err)
	defer cb.Free()
	fmt.Println(cb)
	up.Call(cb)
	if calls != 1 {
		fmt.Printf("the callback ran %%d times for one C call\n", calls)
		os.Exit(1)
	}
	bad := false
	passedAddr, err := lib.Lookup("repro_passed")
	check(err)
	cPassed := unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&passedAddr))), max(1, len(passed)))
	for i := range passed {
		if cPassed[i] != passed[i] {
			fmt.Printf("the C caller passed byte %%d of its record as 0x%%02x, not 0x%%02x: the fixture is wrong\n", i, cPassed[i], passed[i])
			os.Exit(2)
		}
	}
	at := 0
	for i, ls := range leaves {
		for _, l := range ls {
			for k := 0; k < l[1]; k++ {
				if got, want := received[i][l[0]+k], passed[at+k]; got != want {
					fmt.Printf("arg %%d byte %%d: the callback received 0x%%02x, C passed 0x%%02x\n", i, l[0]+k, got, want)
					bad = true
				}
			}
			at += l[1]
		}
	}
	gotAddr, err := lib.Lookup("repro_got")
	check(err)
	got := unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&gotAddr))), max(1, len(result)))
	for i := range result {
		if resultMask[i] == 1 && got[i] != result[i] {
			fmt.Printf("result byte %%d: C got 0x%%02x, the callback returned 0x%%02x\n", i, got[i], result[i])
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
`, r.Case.ID, sig.String(), goBytes(ctest.ExpectedRecord(sig, args)), strings.Join(leaves, "\n"),
		goBytes(ctest.ResultBytes(sig, r.Case.ID.Salt())), strings.Join(mask, ", "), opts)
}

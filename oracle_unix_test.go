//go:build !windows && (cgo || (linux && (amd64 || arm64)))

package jitffi_test

import (
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
	"github.com/jitffi/jitffi/internal/fixtures"
)

// hostIntArgRegs is how many integer arguments System V passes in registers.
const hostIntArgRegs = 6

// narrowArgsExtended says whether C callers extend narrow integer arguments to 32 bits
// (abi/RULES.md, SysV rule 10: gcc and clang do, and clang callees rely on it).
const narrowArgsExtended = true

// fixtureLib compiles one of package fixtures' libraries with the host C compiler and opens
// it.
func fixtureLib(t *testing.T, name string, flags ...string) *jitffi.Library {
	t.Helper()
	f, err := fixtures.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	src, err := f.Source()
	if err != nil {
		t.Fatal(err)
	}
	path, err := ctest.Compile(t.TempDir(), src, append(f.Flags, flags...)...)
	if err != nil {
		t.Fatalf("compiling the C fixture %s with %v: %v", name, ctest.Compiler(), err)
	}
	return openLib(t, path)
}

// compileCases builds one gcc fixture holding a recording callee per case.
func compileCases(t *testing.T, ns []ctest.NamedSig, flags ...string) ([]ctest.Case, *jitffi.Library) {
	t.Helper()
	cases, err := ctest.ParseCases(ns)
	if err != nil {
		t.Fatal(err)
	}
	src, err := ctest.Generate(cases, ctest.GenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path, err := ctest.Compile(t.TempDir(), src, flags...)
	if err != nil {
		t.Fatalf("compiling the C fixture with %v: %v", ctest.Compiler(), err)
	}
	return cases, openLib(t, path)
}

// TestSysVAgainstGCC calls every System V case (each SysV rule of abi/RULES.md, each amd64
// peer bug, results of every size 1-32, spills, variadics) through the JIT stubs, in both call
// modes, against gcc-compiled callees that record every byte they receive.
func TestSysVAgainstGCC(t *testing.T) {
	for _, opt := range []struct {
		name  string
		flags []string
	}{{"O2", nil}, {"O0", []string{"-O0"}}} {
		t.Run(opt.name, func(t *testing.T) {
			cases, lib := compileCases(t, ctest.SysVCases, opt.flags...)
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					callCase(t, lib, c, 1)
					callCase(t, lib, c, 0x5eed, jitffi.Fast())
				})
			}
		})
	}
}

// TestUpcallsAgainstGCC is the upcall oracle on the host's own convention (System V on
// amd64, AAPCS64 on arm64): gcc-compiled C callers, at -O2 and -O0, call a dynamic
// callback with every fixed-signature System V case (each SysV rule of abi/RULES.md, each
// amd64 peer bug, results of every size 1-32, spills), and both directions of bytes are
// compared (see upcallCase).
func TestUpcallsAgainstGCC(t *testing.T) {
	for _, opt := range []struct {
		name  string
		seed  uint64
		flags []string
	}{{"O2", 1, nil}, {"O0", 0x5eed, []string{"-O0"}}} {
		t.Run(opt.name, func(t *testing.T) {
			cases := upcallCases(t, ctest.SysVCases)
			lib := compileUpcallers(t, cases, ctest.GenOptions{Seed: opt.seed}, opt.flags...)
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) { upcallCase(t, lib, c, opt.seed, abi.Host) })
			}
		})
	}
}

// compileUpcallers builds one gcc fixture holding a C caller per case.
func compileUpcallers(t *testing.T, cases []ctest.Case, opt ctest.GenOptions, flags ...string) *jitffi.Library {
	t.Helper()
	src, err := ctest.GenerateUpcallers(cases, opt)
	if err != nil {
		t.Fatal(err)
	}
	path, err := ctest.Compile(t.TempDir(), src, flags...)
	if err != nil {
		t.Fatalf("compiling the C callers with %v: %v", ctest.Compiler(), err)
	}
	return openLib(t, path)
}

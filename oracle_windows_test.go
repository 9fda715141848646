package jitffi_test

import (
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
	"github.com/jitffi/jitffi/internal/fixtures"
)

// hostIntArgRegs is how many arguments Win64 passes in registers.
const hostIntArgRegs = 4

// narrowArgsExtended says whether C callers extend narrow integer arguments: under Win64
// the bits above a narrow argument are unspecified (abi/RULES.md, Win64 rule 6) and callees
// ignore them.
const narrowArgsExtended = false

// fixtureLib opens one of package fixtures' libraries, built beforehand by mkfixtures with
// mingw-w64, since a Windows test binary under wine cannot run a compiler. Without
// JITFFI_FIXTURES the test is skipped with instructions.
func fixtureLib(t *testing.T, name string) *jitffi.Library {
	t.Helper()
	return openLib(t, fixtures.Prebuilt(t, name))
}

// TestWin64AgainstMinGW calls every case of fixtures.Cases through the JIT stubs under
// the Win64 convention, in both call modes, against callees that mingw-w64's gcc compiled
// (at -O2 and -O0) and that record every byte they receive.
func TestWin64AgainstMinGW(t *testing.T) {
	cases, err := ctest.ParseCases(fixtures.Cases)
	if err != nil {
		t.Fatal(err)
	}
	for _, opt := range []string{"O2", "O0"} {
		t.Run(opt, func(t *testing.T) {
			lib := fixtureLib(t, "cases-"+opt)
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					callCase(t, lib, c, 1)
					callCase(t, lib, c, 0x5eed, jitffi.Fast())
				})
			}
		})
	}
}

// TestWin64UpcallsAgainstMinGW is the upcall oracle as real Windows code: C callers that
// mingw-w64's gcc compiled (at -O2 and -O0) call a dynamic callback with every
// fixed-signature case of fixtures.Cases, and both directions of bytes are compared (see
// upcallCase).
func TestWin64UpcallsAgainstMinGW(t *testing.T) {
	cases, err := fixtures.UpcallCases()
	if err != nil {
		t.Fatal(err)
	}
	for _, opt := range []string{"O2", "O0"} {
		t.Run(opt, func(t *testing.T) {
			lib := fixtureLib(t, "upcalls-"+opt)
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) { upcallCase(t, lib, c, fixtures.UpcallSeed, abi.Win64) })
			}
		})
	}
}

// TestSysVOnWindowsAgainstMinGW runs the System V cases on Windows, through stubs made
// WithABI(abi.SysV), against __attribute__((sysv_abi)) code mingw-w64's gcc compiled (at
// -O2 and -O0): each callee called in both call modes (the stubs are entered Win64-style
// and call System V-style), and each caller calling a callback (its stub is called System
// V-style and calls the door Win64-style). It is the mirror of the ms_abi tests on Linux.
func TestSysVOnWindowsAgainstMinGW(t *testing.T) {
	cases, err := fixtures.SysVCases()
	if err != nil {
		t.Fatal(err)
	}
	sysv := jitffi.WithABI(abi.SysV)
	for _, opt := range []string{"O2", "O0"} {
		t.Run(opt, func(t *testing.T) {
			callees := fixtureLib(t, "sysv-cases-"+opt)
			callers := fixtureLib(t, "sysv-upcalls-"+opt)
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					callCase(t, callees, c, 1, sysv)
					callCase(t, callees, c, 0x5eed, sysv, jitffi.Fast())
					upcallCase(t, callers, c, fixtures.UpcallSeed, abi.SysV)
				})
			}
		})
	}
}

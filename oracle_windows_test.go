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
// the bits above a narrow argument are unspecified (rule 6) and callees ignore them.
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

package ctest_test

import (
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// TestAAPCS64CasesWellFormed checks that every AAPCS64 case has a unique name, a rule, and
// a signature that reads back from its own text.
func TestAAPCS64CasesWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range ctest.AAPCS64Cases {
		if seen[n.Name] || !strings.HasPrefix(n.Name, "a64_") {
			t.Errorf("case name %s is a duplicate or lacks the a64_ prefix", n.Name)
		}
		seen[n.Name] = true
		if strings.TrimSpace(n.Rule) == "" {
			t.Errorf("%s: no rule", n.Name)
		}
		sig, err := abi.ParseSignature(n.Text)
		if err != nil {
			t.Errorf("%s: %v", n.Name, err)
			continue
		}
		back, err := abi.ParseSignature(sig.String())
		if err != nil || !abi.EqualSignatures(sig, back) {
			t.Errorf("%s: %q does not read back: %v", n.Name, sig.String(), err)
		}
	}
}

// TestAAPCS64RoundTrip runs the AAPCS64 cases through the C round trip of TestRoundTrip:
// C callers on the host agree with the callees and with the Go mirrors, so that on arm64
// a failing stub call can only be the stub's or the plan's fault.
func TestAAPCS64RoundTrip(t *testing.T) {
	needCC(t)
	cases, err := ctest.ParseCases(ctest.AAPCS64Cases)
	if err != nil {
		t.Fatal(err)
	}
	for _, flags := range [][]string{{"-O2"}, {"-O0"}} {
		t.Run(strings.TrimPrefix(flags[0], "-"), func(t *testing.T) {
			t.Parallel()
			roundTrip(t, cases, ctest.GenOptions{Seed: 0x64}, flags)
		})
	}
}

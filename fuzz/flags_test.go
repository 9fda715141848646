package fuzz

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestAppleAtEveryOptimizationLevel checks Apple cases whose fixtures clang builds with
// -O1 and -O2: the harness found no call of the callee in clang's output (inlined,
// dropped, or made a tail call) and reported each such case as a mismatch of jitffi's.
func TestAppleAtEveryOptimizationLevel(t *testing.T) {
	r := testRunner(t, "apple-arm64")
	for _, flag := range []string{"-O1", "-O2"} {
		r.Flags = []string{flag}
		if err := r.CheckFlags(context.Background()); err != nil {
			t.Errorf("%s: %v", flag, err)
		}
		var cases []Case
		for i := range 300 {
			cases = append(cases, NewCase(r.Target, 3, uint64(i)))
		}
		res, err := r.RunBatch(context.Background(), cases)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range res {
			if x.Verdict == Mismatch || x.Verdict == Unjudged {
				var b bytesBuffer
				r.Target.Report(&b, x)
				t.Errorf("%s: %s", flag, b.String())
			}
		}
	}
}

// TestFlagsRefusedUpFront checks that compiler flags the harness cannot work with are
// refused before a run, for the ABI that cannot use them, and that a case the harness
// cannot judge is counted apart, never as a mismatch.
func TestFlagsRefusedUpFront(t *testing.T) {
	r := testRunner(t, "sysv")
	for _, flags := range [][]string{{"-fvisibility=hidden"}, {"-fno-such-flag-at-all"}} {
		r.Flags = flags
		err := r.CheckFlags(context.Background())
		if err == nil || !strings.Contains(err.Error(), "cannot be used for sysv") {
			t.Errorf("-cflags %v: %v, want a refusal", flags, err)
		}
	}
	r.Flags = []string{"-fvisibility=hidden"}
	cases := []Case{NewCase(r.Target, 1, 0), NewCase(r.Target, 1, 1)}
	res, err := r.RunBatch(context.Background(), cases)
	if err != nil {
		t.Fatal(err)
	}
	var sum Summary
	sum.Add(res)
	// Both directions: the callees and the upcalls' C callers are hidden alike.
	want := 2
	for _, c := range cases {
		if !c.Sig.IsVariadic() {
			want++
		}
	}
	if len(sum.Unjudged) != want || len(sum.Mismatches) != 0 || sum.Checked != 0 || !strings.Contains(sum.String(), fmt.Sprintf("not judged %d", want)) {
		t.Errorf("cases without their symbols: %d not judged (want %d), %d mismatches, %d checked; summary %q", len(sum.Unjudged), want, len(sum.Mismatches), sum.Checked, sum.String())
	}
	r.Flags = []string{"-O1"}
	if err := r.CheckFlags(context.Background()); err != nil {
		t.Errorf("-cflags -O1: %v", err)
	}
}

// TestJudge checks the verdicts: the reference decides, a harness failure of either
// compiler's check is not judged, and never hides a mismatch against the reference.
func TestJudge(t *testing.T) {
	harness, value := &Problem{Harness, "no symbol"}, &Problem{"value", "differs"}
	for _, c := range []struct {
		ref, second error
		want        Verdict
	}{
		{nil, nil, Pass},
		{value, nil, Mismatch},
		{nil, value, SetAside},
		{harness, nil, Unjudged},
		{harness, value, Unjudged},
		{value, harness, Mismatch},
		{nil, harness, Unjudged},
	} {
		if got := judge(Case{}, []error{c.ref, c.second}).Verdict; got != c.want {
			t.Errorf("reference %v, second %v: %v, want %v", c.ref, c.second, got, c.want)
		}
	}
}

package fuzz

import (
	"context"
	"os"
	"testing"
)

// TestMain serves as a fuzz worker when the parent test re-executes this binary.
func TestMain(m *testing.M) {
	if os.Getenv(WorkerEnv) != "" {
		if err := ServeWorker(os.Stdin, os.Stdout); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testRunner returns a Runner for target name, skipping the test if it cannot run here.
func testRunner(t *testing.T, name string) *Runner {
	t.Helper()
	tg, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.Available(); err != nil {
		// Not a failure: the suite also runs as arm64 under qemu and as Windows binaries
		// under wine, where these targets cannot run natively. (Without cgo they run: the
		// CGO_ENABLED=0 build calls C as the cgo build does.)
		t.Skipf("%s: %v", name, err)
	}
	w, err := SelfWorker()
	if err != nil {
		t.Fatal(err)
	}
	return &Runner{Target: tg, Dir: t.TempDir(), Directions: Both, Worker: w}
}

// TestSmoke checks a couple of hundred generated signatures per natively runnable ABI
// against gcc (and clang when installed), in both directions, as part of the ordinary
// test run. The command (jitffi-fuzz, .ci/steps/fuzz-smoke.sh) covers every ABI and many
// more signatures.
func TestSmoke(t *testing.T) {
	for _, tc := range []struct {
		target string
		n      int
	}{{"sysv", 200}, {"win64", 100}} {
		t.Run(tc.target, func(t *testing.T) {
			r := testRunner(t, tc.target)
			sums := map[Direction]*Summary{Down: {Dir: Down}, Up: {Dir: Up}}
			err := r.Run(context.Background(), 1, tc.n, tc.n, 1, func(res []Result) {
				for _, x := range res {
					sums[x.Dir].Add([]Result{x})
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range []Direction{Down, Up} {
				sum := sums[d]
				for _, m := range sum.Mismatches {
					var b bytesBuffer
					r.Target.Report(&b, m)
					t.Errorf("%s", b.String())
				}
				for _, u := range sum.Unjudged {
					t.Errorf("%s %v not judged: %v %v", u.Case.ID, d, u.Ref, u.Second)
				}
				if sum.Checked+sum.Skipped+len(sum.Unjudged) != tc.n || d == Down && sum.Skipped != 0 || sum.Checked < tc.n/2 {
					t.Errorf("%v: %d checked, %d skipped, %d not judged of %d", d, sum.Checked, sum.Skipped, len(sum.Unjudged), tc.n)
				}
				t.Logf("%v: %d checked, %d mismatches, %d set aside, %d skipped", d, sum.Checked, len(sum.Mismatches), len(sum.SetAside), sum.Skipped)
			}
		})
	}
}

type bytesBuffer struct{ b []byte }

func (b *bytesBuffer) Write(p []byte) (int, error) { b.b = append(b.b, p...); return len(p), nil }
func (b *bytesBuffer) String() string              { return string(b.b) }

// TestRegressions checks every case in testdata/regressions.txt under its target, in both
// directions, when the target can run here.
func TestRegressions(t *testing.T) {
	regs, err := ReadRegressions("testdata/regressions.txt")
	if err != nil {
		t.Fatal(err)
	}
	byTarget := map[string][]Case{}
	for _, r := range regs {
		byTarget[r.Case.ID.Target] = append(byTarget[r.Case.ID.Target], r.Case)
	}
	for name, cases := range byTarget {
		t.Run(name, func(t *testing.T) {
			r := testRunner(t, name)
			res, err := r.RunBatch(context.Background(), cases)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range res {
				if x.Verdict == Mismatch || x.Verdict == Unjudged {
					var b bytesBuffer
					r.Target.Report(&b, x)
					t.Errorf("%s", b.String())
				}
			}
		})
	}
}

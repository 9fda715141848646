package fuzz

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// misconv is a deliberately wrong target for the tests: System V fixtures, called and
// calling back through Win64 stubs. Almost every case with an argument must fail against
// it, in both directions, which shows that the checks can fail.
func init() {
	Register(&Target{
		Name:        "misconv",
		ABI:         abi.SysV,
		Mode:        Native,
		Profile:     ProfileOf(abi.SysV),
		Reference:   Compiler{Name: "gcc"},
		BindOptions: []jitffi.Option{jitffi.WithABI(abi.Win64)},
		BindSource:  "jitffi.WithABI(abi.Win64)",
		Available: func() error {
			if runtime.GOARCH != "amd64" || runtime.GOOS != "linux" {
				return errors.New("the misconvention target runs on linux/amd64 only")
			}
			return nativeAvailable()
		},
	})
}

func TestParseDirection(t *testing.T) {
	for _, d := range []Direction{Down, Up, Both} {
		got, err := ParseDirection(d.String())
		if err != nil || got != d {
			t.Errorf("ParseDirection(%q) = %v, %v", d.String(), got, err)
		}
	}
	if _, err := ParseDirection("sideways"); err == nil {
		t.Error("ParseDirection(sideways) succeeded")
	}
	if got := (&Runner{}).directions(); got != Down {
		t.Errorf("a Runner without Directions checks %v, want down", got)
	}
}

// TestUpcallVerdicts checks a batch in both directions: a result per case and direction,
// the downcall first; a variadic case's upcall skipped and counted apart, not as a pass;
// everything else passing against gcc.
func TestUpcallVerdicts(t *testing.T) {
	r := testRunner(t, "sysv")
	r.Directions, r.NoSecond = Both, true
	var cases []Case
	for i := uint64(0); len(cases) < 6; i++ {
		c := NewCase(r.Target, 5, i)
		if c.Sig.IsVariadic() == (len(cases)%2 == 0) {
			cases = append(cases, c)
		}
	}
	res, err := r.RunBatch(context.Background(), cases)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2*len(cases) {
		t.Fatalf("%d results for %d cases in both directions", len(res), len(cases))
	}
	for i, c := range cases {
		down, up := res[2*i], res[2*i+1]
		if down.Case.ID != c.ID || down.Dir != Down || up.Case.ID != c.ID || up.Dir != Up {
			t.Fatalf("results %d, %d are %s %v and %s %v, want %s down and up", 2*i, 2*i+1, down.Case.ID, down.Dir, up.Case.ID, up.Dir, c.ID)
		}
		if down.Verdict != Pass {
			t.Errorf("%s down: %v %v", c.ID, down.Verdict, down.Ref)
		}
		want := Pass
		if c.Sig.IsVariadic() {
			want = Skipped
		}
		if up.Verdict != want {
			t.Errorf("%s up (%v): %v %v, want %v", c.ID, c.Sig, up.Verdict, up.Ref, want)
		}
	}
	var sum Summary
	sum.Dir = Up
	for _, x := range res {
		if x.Dir == Up {
			sum.Add([]Result{x})
		}
	}
	if sum.Checked != 3 || sum.Skipped != 3 || !strings.Contains(sum.String(), "skipped 3") {
		t.Errorf("upcall summary: %d checked, %d skipped: %s", sum.Checked, sum.Skipped, sum.String())
	}
	if got := sum.Shortfall(4); !strings.Contains(got, "3 cases checked") {
		t.Errorf("Shortfall(4) = %q", got)
	}
	if got := sum.Shortfall(3); got != "" {
		t.Errorf("Shortfall(3) = %q, want none", got)
	}
}

// TestUpcallCatchesWrongConvention runs the misconv target's upcalls, callbacks with
// Win64 stubs handed to System V C callers: the cases with arguments or results must be
// mismatches naming the first wrong byte, and the minimizer must shrink one to a small
// signature and write a reproduction whose C half passes and whose jitffi half fails.
func TestUpcallCatchesWrongConvention(t *testing.T) {
	r := testRunner(t, "misconv")
	r.Directions = Up
	var cases []Case
	for i := range uint64(12) {
		cases = append(cases, NewCase(r.Target, 9, i))
	}
	res, err := r.RunBatch(context.Background(), cases)
	if err != nil {
		t.Fatal(err)
	}
	var sum Summary
	sum.Add(res)
	if len(sum.Mismatches) < sum.Checked/2 || sum.Checked == 0 {
		t.Fatalf("%d mismatches among %d upcalls under the wrong convention", len(sum.Mismatches), sum.Checked)
	}
	m := sum.Mismatches[0]
	var b bytesBuffer
	r.Target.Report(&b, m)
	if !strings.Contains(b.String(), "(upcall)") {
		t.Errorf("report without the direction:\n%s", b.String())
	}
	t.Logf("%d of %d mismatches; the first:\n%s", len(sum.Mismatches), sum.Checked, b.String())

	var log bytesBuffer
	min, err := r.Minimize(context.Background(), m.Case, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if min.Verdict != Mismatch || min.Dir != Up || weight(min.Case.Sig) >= weight(m.Case.Sig) && weight(m.Case.Sig) > 4 {
		t.Fatalf("minimized to %v (%v), weight %d from %d\n%s", min.Case.Sig, min.Verdict, weight(min.Case.Sig), weight(m.Case.Sig), log.String())
	}
	t.Logf("minimized %v to %v", m.Case.Sig, min.Case.Sig)

	dir := t.TempDir()
	if err := WriteRepro(dir, r.Target, min); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("sh", filepath.Join(dir, "run.sh")).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("run.sh: %v, want exit status 1 from the jitffi half\n%s", err, out)
	}
	t.Logf("run.sh:\n%s", out)
	c, jit, ok := strings.Cut(string(out), "jitffi callback:")
	if !ok || !strings.Contains(c, "repro 0") {
		t.Fatalf("the C half did not pass:\n%s", out)
	}
	if !strings.Contains(jit, "the callback received") && !strings.Contains(jit, "C got") {
		t.Fatalf("the jitffi half names no wrong byte:\n%s", out)
	}
}

// TestAppleResultExtension checks the one part of the Apple plan check that only upcalls
// need: a narrow integer result's extension, which Apple's callers rely on and a
// callback's stub must provide. clang's marks must match the plan's, and a missing mark
// must be reported.
func TestAppleResultExtension(t *testing.T) {
	r := testRunner(t, "apple-arm64")
	var cs []ctest.Case
	for i, text := range []string{"int8_t (int32_t)", "uint16_t (void)", "bool (int64_t)", "int32_t (int8_t)"} {
		sig, err := abi.ParseSignature(text)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, Case{ID: ID{Target: r.Target.Name, Index: uint64(i)}, Sig: sig}.ctestCase(fmt.Sprintf("fz%d", i)))
	}
	ir, mir, err := r.lowerApple(context.Background(), appleSource(cs))
	if err != nil {
		t.Fatal(err)
	}
	defs, rets, funcs := irDefines(ir), irResultExt(ir), readMIR(mir)
	for _, c := range cs {
		if err := r.compareApple(c, defs, rets, funcs); err != nil {
			t.Errorf("%v: %v", c.Sig, err)
		}
		if c.Sig.Result.Size() >= 4 {
			continue
		}
		wrong := maps.Clone(rets)
		wrong[c.Name] = ""
		if err := r.compareApple(c, defs, wrong, funcs); err == nil || !strings.Contains(err.Error(), "result") {
			t.Errorf("%v without clang's extension mark: %v, want a result mismatch", c.Sig, err)
		}
	}
}

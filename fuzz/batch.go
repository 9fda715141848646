package fuzz

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// A Verdict is the outcome of one case.
type Verdict uint8

const (
	// Pass: jitffi agrees with the reference compiler (and with the second, if any).
	Pass Verdict = iota
	// Mismatch: jitffi disagrees with the reference compiler, gcc: a bug to fix.
	Mismatch
	// SetAside: jitffi agrees with gcc but not with clang, so the compilers disagree; or
	// jitffi fails against gcc's fixture and so does gcc's own call of it.
	SetAside
	// Unjudged: the fuzzer could not check the case (a fixture without the symbols the
	// check reads, a compiler's output without the function or call it looks for): a
	// failure of the fuzzer's own, which says nothing about jitffi.
	Unjudged
)

var verdictNames = [...]string{"pass", "MISMATCH", "set aside", "not judged"}

func (v Verdict) String() string { return verdictNames[v] }

// A Result is the outcome of one case with the evidence for it.
type Result struct {
	Case    Case
	Verdict Verdict
	// Ref is what went wrong against the reference compiler's fixture, Second against the
	// second compiler's; nil when the check passed or did not run.
	Ref, Second error
	// SecondRan is set when the case was also checked against the second compiler.
	SecondRan bool
	// SelfFail, for a case set aside although it failed against the reference, says how
	// the reference compiler's own call of the fixture failed too.
	SelfFail string
}

// A Runner checks batches of cases of one target.
type Runner struct {
	Target *Target
	// Dir receives the generated C and the built libraries.
	Dir string
	// Worker starts a worker process (see ServeWorker).
	Worker *WorkerCmd
	// Flags are added to every compiler command line, after ctest.DefaultFlags (-O2).
	Flags []string
	// NoSecond skips the second compiler even when it is installed.
	NoSecond bool
	// Stall is how long a worker may run one case before it counts as hung (default 30 s).
	Stall time.Duration
}

// build is the fixtures of one batch built by one compiler: a library per group of cases
// that compiled together, and the compile error of each case that did not.
type build struct {
	libs   []string
	libOf  []int // per case: index into libs, or -1
	failed map[int]error
}

// RunBatch checks cases, as many as fit one C file comfortably (a few hundred).
func (r *Runner) RunBatch(ctx context.Context, cases []Case) ([]Result, error) {
	t := r.Target
	if t.Mode == ClassifyOnly {
		return r.runClassify(ctx, cases)
	}
	cs := make([]ctest.Case, len(cases))
	for i, c := range cases {
		cs[i] = c.ctestCase(fmt.Sprintf("fz%d", i))
	}
	comps := []Compiler{t.Reference}
	if t.Second != nil && !r.NoSecond {
		comps = append(comps, *t.Second)
	}
	builds := make([]*build, len(comps))
	errs := make([]error, len(comps))
	var wg sync.WaitGroup
	for k, comp := range comps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			builds[k], errs[k] = r.compile(comp, cs)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}

	j := job{Target: t.Name}
	for _, c := range cs {
		j.Cases = append(j.Cases, jobCase{Name: c.Name, Text: c.Sig.String(), Salt: c.Salt})
	}
	for i := range j.Cases {
		j.Cases[i].ArgSeed = cases[i].ID.ArgSeed()
	}
	libBase := make([]int, len(builds))
	for k, b := range builds {
		libBase[k] = len(j.Libs)
		j.Libs = append(j.Libs, b.libs...)
	}
	type slot struct{ c, k int }
	var slots []slot
	for i := range cs {
		for k, b := range builds {
			if b.libOf[i] >= 0 {
				j.Items = append(j.Items, item{Case: i, Lib: libBase[k] + b.libOf[i]})
				slots = append(slots, slot{i, k})
			}
		}
	}
	stall := r.Stall
	if stall == 0 {
		stall = 30 * time.Second
	}
	got, err := runJob(ctx, r.Worker, j, stall)
	if err != nil {
		return nil, err
	}
	per := make([][]error, len(cs))
	for i := range per {
		per[i] = make([]error, len(builds))
		for k, b := range builds {
			per[i][k] = b.failed[i]
		}
	}
	for n, s := range slots {
		per[s.c][s.k] = got[n]
	}
	res := make([]Result, len(cases))
	for i, c := range cases {
		res[i] = judge(c, per[i])
		if res[i].Verdict != Mismatch || builds[0].libOf[i] < 0 {
			continue
		}
		self, err := r.selfCheck(ctx, comps[0], cs[i], c.ID.ArgSeed(), builds[0].libs[builds[0].libOf[i]])
		if err != nil {
			// The check of the check failed to run; the mismatch stands.
			self = ""
		}
		if self != "" {
			res[i].Verdict, res[i].SelfFail = SetAside, self
		}
	}
	return res, nil
}

// judge turns one case's problems per compiler into a verdict. gcc is the reference:
// failing against it is a mismatch whatever clang says; passing against gcc and failing
// against clang means the compilers disagree.
func judge(c Case, byCompiler []error) Result {
	r := Result{Case: c, Ref: byCompiler[0]}
	if len(byCompiler) > 1 {
		r.SecondRan, r.Second = true, byCompiler[1]
	}
	switch {
	case isHarness(r.Ref):
		r.Verdict = Unjudged
	case r.Ref != nil:
		r.Verdict = Mismatch
	case isHarness(r.Second):
		r.Verdict = Unjudged
	case r.Second != nil:
		r.Verdict = SetAside
	}
	return r
}

// compile builds the fixture of cs with comp. If the compiler rejects the file because a
// type's layout in package abi differs from the compiler's (ctest's _Static_asserts), it
// splits the cases in halves until it has found the cases at fault, which get a "compile"
// problem; any other compile error is the fuzzer's own and ends the run.
func (r *Runner) compile(comp Compiler, cs []ctest.Case) (*build, error) {
	b := &build{libOf: make([]int, len(cs)), failed: map[int]error{}}
	idx := make([]int, len(cs))
	for i := range idx {
		idx[i] = i
	}
	err := r.compileGroup(comp, cs, idx, b)
	return b, err
}

func (r *Runner) compileGroup(comp Compiler, cs []ctest.Case, idx []int, b *build) error {
	group := make([]ctest.Case, len(idx))
	for n, i := range idx {
		group[n] = cs[i]
	}
	src, err := ctest.Generate(group, ctest.GenOptions{MSABI: r.Target.MSABI})
	if err != nil {
		return err
	}
	flags := append(append([]string(nil), comp.Flags...), r.Flags...)
	lib, err := ctest.CompileWith(comp.Cmd, r.Dir, src, flags...)
	if err == nil {
		for _, i := range idx {
			b.libOf[i] = len(b.libs)
		}
		b.libs = append(b.libs, lib)
		return nil
	}
	if !isLayoutError(err) {
		return fmt.Errorf("fuzz: %s: %w", comp.Name, err)
	}
	if len(idx) == 1 {
		b.libOf[idx[0]] = -1
		b.failed[idx[0]] = &Problem{"compile", fmt.Sprintf("%s rejects package abi's layout: %s", comp.Name, firstError(err.Error()))}
		return nil
	}
	h := len(idx) / 2
	if err := r.compileGroup(comp, cs, idx[:h], b); err != nil {
		return err
	}
	return r.compileGroup(comp, cs, idx[h:], b)
}

func isLayoutError(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "static assertion") || strings.Contains(s, "static_assert")
}

// firstError returns the first line of compiler output that reports an error.
func firstError(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, "error:") {
			return strings.TrimSpace(line)
		}
	}
	return tail(s, 1)
}

// PlanText returns the plan jitffi follows for sig under the target, for reports.
func (t *Target) PlanText(sig *abi.Signature) string {
	p, err := abi.Classify(sig, t.ABI)
	if err != nil {
		return "classify: " + err.Error()
	}
	return p.String()
}

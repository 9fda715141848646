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

// A Verdict is the outcome of one case in one direction.
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
	// Skipped: there is nothing to check in this direction: a variadic signature has no
	// upcall, as a callback cannot be variadic. Counted apart, never as a pass.
	Skipped
)

var verdictNames = [...]string{"pass", "MISMATCH", "set aside", "not judged", "skipped"}

func (v Verdict) String() string { return verdictNames[v] }

// A Result is the outcome of one case in one direction with the evidence for it.
type Result struct {
	Case Case
	// Dir is the direction checked, Down or Up; Both for a classify-only target, whose
	// plan check speaks for both.
	Dir     Direction
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
	// Directions are the directions each case is checked in; zero means Down.
	Directions Direction
	// Worker starts a worker process (see ServeWorker).
	Worker *WorkerCmd
	// Flags are added to every compiler command line, after ctest.DefaultFlags (-O2).
	Flags []string
	// NoSecond skips the second compiler even when it is installed.
	NoSecond bool
	// Stall is how long a worker may run one case before it counts as hung (default 30 s).
	Stall time.Duration
}

// directions returns r.Directions, Down when unset.
func (r *Runner) directions() Direction {
	if r.Directions == 0 {
		return Down
	}
	return r.Directions & Both
}

// build is the fixtures of one batch built by one compiler for one direction: a library
// per group of cases that compiled together, and the compile error of each case that did
// not. A case the direction has no fixture for (a variadic case's upcall) has neither.
type build struct {
	dir    Direction
	comp   int // index into the batch's compilers
	libs   []string
	libOf  []int // per case: index into libs, or -1
	failed map[int]error
}

// RunBatch checks cases, as many as fit one C file comfortably (a few hundred), in each
// of the runner's directions. It returns a result per case and direction, a case's
// downcall before its upcall.
func (r *Runner) RunBatch(ctx context.Context, cases []Case) ([]Result, error) {
	t := r.Target
	if t.Mode == ClassifyOnly {
		return r.runClassify(ctx, cases)
	}
	cs := make([]ctest.Case, len(cases))
	seeds := map[string]uint64{}
	for i, c := range cases {
		cs[i] = c.ctestCase(fmt.Sprintf("fz%d", i))
		seeds[cs[i].Name] = c.ID.ArgSeed()
	}
	comps := []Compiler{t.Reference}
	if t.Second != nil && !r.NoSecond {
		comps = append(comps, *t.Second)
	}
	dirs := r.directions().each()
	var builds []*build
	for _, d := range dirs {
		for k := range comps {
			builds = append(builds, &build{dir: d, comp: k})
		}
	}
	errs := make([]error, len(builds))
	var wg sync.WaitGroup
	for n, b := range builds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[n] = r.compile(comps[b.comp], b, cs, seeds)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}

	j := job{Target: t.Name}
	for i, c := range cs {
		j.Cases = append(j.Cases, jobCase{Name: c.Name, Text: c.Sig.String(), Salt: c.Salt, ArgSeed: cases[i].ID.ArgSeed()})
	}
	libBase := make([]int, len(builds))
	for n, b := range builds {
		libBase[n] = len(j.Libs)
		j.Libs = append(j.Libs, b.libs...)
	}
	// per[i][n] is case i's problem against build n: its compile error, or the worker's
	// finding, or nil.
	per := make([][]error, len(cs))
	for i := range per {
		per[i] = make([]error, len(builds))
		for n, b := range builds {
			per[i][n] = b.failed[i]
		}
	}
	type slot struct{ c, n int }
	var slots []slot
	for i := range cs {
		for n, b := range builds {
			if b.libOf[i] >= 0 {
				j.Items = append(j.Items, item{Case: i, Lib: libBase[n] + b.libOf[i], Up: b.dir == Up})
				slots = append(slots, slot{i, n})
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
	for n, s := range slots {
		per[s.c][s.n] = got[n]
	}
	var res []Result
	for i, c := range cases {
		for _, d := range dirs {
			if d == Up && c.Sig.IsVariadic() {
				res = append(res, Result{Case: c, Dir: Up, Verdict: Skipped})
				continue
			}
			var byCompiler []error
			var ref *build
			for n, b := range builds {
				if b.dir == d {
					byCompiler = append(byCompiler, per[i][n])
					if b.comp == 0 {
						ref = b
					}
				}
			}
			x := judge(c, byCompiler)
			x.Dir = d
			if x.Verdict == Mismatch && ref.libOf[i] >= 0 {
				self, err := r.selfCheck(ctx, comps[0], d, cs[i], c.ID.ArgSeed(), ref.libs[ref.libOf[i]])
				if err != nil {
					// The check of the check failed to run; the mismatch stands.
					self = ""
				}
				if self != "" {
					x.Verdict, x.SelfFail = SetAside, self
				}
			}
			res = append(res, x)
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

// compile builds b, the fixtures of cs for b's direction with comp: the recording callees
// for downcalls, the C callers of the non-variadic cases for upcalls, whose arguments are
// CallArgs of the case's seed in seeds. If the compiler rejects the file because a type's
// layout in package abi differs from the compiler's (ctest's _Static_asserts), it splits
// the cases in halves until it has found the cases at fault, which get a "compile"
// problem; any other compile error is the fuzzer's own and ends the run.
func (r *Runner) compile(comp Compiler, b *build, cs []ctest.Case, seeds map[string]uint64) error {
	b.libOf, b.failed = make([]int, len(cs)), map[int]error{}
	var idx []int
	for i, c := range cs {
		b.libOf[i] = -1
		if b.dir == Down || !c.Sig.IsVariadic() {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil
	}
	return r.compileGroup(comp, b, cs, seeds, idx)
}

func (r *Runner) compileGroup(comp Compiler, b *build, cs []ctest.Case, seeds map[string]uint64, idx []int) error {
	group := make([]ctest.Case, len(idx))
	for n, i := range idx {
		group[n] = cs[i]
	}
	opt := ctest.GenOptions{MSABI: r.Target.MSABI, Seeds: seeds}
	generate := ctest.Generate
	if b.dir == Up {
		generate = ctest.GenerateUpcallers
	}
	src, err := generate(group, opt)
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
		b.failed[idx[0]] = &Problem{"compile", fmt.Sprintf("%s rejects package abi's layout: %s", comp.Name, firstError(err.Error()))}
		return nil
	}
	h := len(idx) / 2
	if err := r.compileGroup(comp, b, cs, seeds, idx[:h]); err != nil {
		return err
	}
	return r.compileGroup(comp, b, cs, seeds, idx[h:])
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

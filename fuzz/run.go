package fuzz

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"
)

// A Summary counts the outcomes of a run of one target in one direction.
type Summary struct {
	Target string
	// Dir is the direction counted: Down, Up, or Both for a classify-only target.
	Dir        Direction
	Seeds      []uint64
	Checked    int
	Mismatches []Result
	SetAside   []Result
	// Unjudged are the cases the fuzzer could not check (see Unjudged); they count
	// neither for nor against jitffi.
	Unjudged []Result
	// Skipped counts the cases with nothing to check in this direction (variadic
	// signatures have no upcall); they are not passes.
	Skipped int
	Elapsed time.Duration
}

// Add counts res.
func (s *Summary) Add(res []Result) {
	for _, r := range res {
		switch r.Verdict {
		case Unjudged:
			s.Unjudged = append(s.Unjudged, r)
			continue
		case Skipped:
			s.Skipped++
			continue
		}
		s.Checked++
		switch r.Verdict {
		case Mismatch:
			s.Mismatches = append(s.Mismatches, r)
		case SetAside:
			s.SetAside = append(s.SetAside, r)
		}
	}
}

// String returns the one-line summary the command prints per target and direction.
func (s *Summary) String() string {
	seeds := make([]string, len(s.Seeds))
	for i, x := range s.Seeds {
		seeds[i] = fmt.Sprint(x)
	}
	seed := strings.Join(seeds, ",")
	if len(s.Seeds) > 3 {
		seed = fmt.Sprintf("%d..%d", s.Seeds[0], s.Seeds[len(s.Seeds)-1])
	}
	rate := 0.0
	if s.Elapsed > 0 {
		rate = float64(s.Checked) / s.Elapsed.Seconds()
	}
	extra := ""
	if s.Skipped > 0 {
		extra += fmt.Sprintf("  skipped %d (variadic: no upcall)", s.Skipped)
	}
	if len(s.Unjudged) > 0 {
		extra += fmt.Sprintf("  not judged %d (the fuzzer's failures, not jitffi's)", len(s.Unjudged))
	}
	dir := ""
	switch s.Dir {
	case Down, Up:
		dir = s.Dir.String()
	case Both:
		dir = "plan"
	}
	return fmt.Sprintf("%-11s %-4s  checked %6d  mismatches %3d  set aside %3d  seed %s  (%.1fs, %.0f/s)%s",
		s.Target, dir, s.Checked, len(s.Mismatches), len(s.SetAside), seed, s.Elapsed.Seconds(), rate, extra)
}

// Shortfall returns why s falls short of a run that had to check at least n cases, or ""
// if it does not.
func (s *Summary) Shortfall(n int) string {
	if s.Checked >= n {
		return ""
	}
	return fmt.Sprintf("%s %s: %d cases checked, fewer than the %d required", s.Target, s.Dir.Label(), s.Checked, n)
}

// Run checks cases 0..n-1 of seed in batches of batch cases, running up to parallel
// batches at once (0 means GOMAXPROCS), and calls report with every batch's results as
// they come. It returns the first error of the fuzzer's own machinery, if any.
func (r *Runner) Run(ctx context.Context, seed uint64, n, batch, parallel int, report func([]Result)) error {
	if batch <= 0 {
		batch = 500
	}
	if parallel <= 0 {
		parallel = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		sem      = make(chan struct{}, parallel)
	)
	for start := 0; start < n; start += batch {
		cases := make([]Case, 0, batch)
		for i := start; i < min(n, start+batch); i++ {
			cases = append(cases, NewCase(r.Target, seed, uint64(i)))
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			res, err := r.RunBatch(ctx, cases)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
					cancel()
				}
				return
			}
			report(res)
		}()
	}
	wg.Wait()
	return firstErr
}

// Report writes a failure the way the command prints it: the case ID and direction, the
// signature, jitffi's plan and the first difference per compiler.
func (t *Target) Report(w io.Writer, r Result) {
	fmt.Fprintf(w, "--- %s %s (%s)\n", r.Verdict, r.Case.ID, r.Dir.Label())
	fmt.Fprintf(w, "sig: %v\n", r.Case.Sig)
	if r.Verdict == Skipped {
		fmt.Fprintf(w, "%s\n", noUpcallVariadic)
		return
	}
	plan := "plan"
	if r.Dir == Up {
		plan = "plan (the upcall stub's, which takes the arguments as a callee)"
	}
	fmt.Fprintf(w, "%s:\n%s", plan, indent(t.PlanText(r.Case.Sig)))
	name := t.Reference.Name
	if r.Ref != nil {
		fmt.Fprintf(w, "%s: %v\n", name, r.Ref)
	} else {
		fmt.Fprintf(w, "%s: ok\n", name)
	}
	if r.SelfFail != "" {
		fmt.Fprintf(w, "%s\n", r.SelfFail)
	}
	if r.SecondRan {
		if r.Second != nil {
			fmt.Fprintf(w, "%s: %v\n", t.Second.Name, r.Second)
		} else {
			fmt.Fprintf(w, "%s: ok\n", t.Second.Name)
		}
	}
}

func indent(s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if line != "" {
			b.WriteString("  " + line)
		}
	}
	if !strings.HasSuffix(b.String(), "\n") {
		b.WriteString("\n")
	}
	return b.String()
}

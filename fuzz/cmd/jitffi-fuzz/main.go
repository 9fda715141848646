// Command jitffi-fuzz is jitffi's differential fuzzer: it checks generated C signatures
// under each calling convention against the C compiler (see package fuzz).
//
//	jitffi-fuzz -n 2000 -seed 7 -abi sysv,win64   N cases per ABI, a summary per ABI and direction
//	jitffi-fuzz -dir up                           upcalls only (C calling Go callbacks); default both
//	jitffi-fuzz -duration 2h                      batches with new seeds until time is up
//	jitffi-fuzz -case sysv-7-123                  check one case and show everything
//	jitffi-fuzz -sig 'double (float, ...)' -abi sysv   check one signature text
//	jitffi-fuzz -minimize sysv-7-123 -out dir     shrink a failing case, write a reproduction
//
// It exits with status 1 when it found a mismatch, and with status 3 when -min was given
// and an ABI could not run or checked fewer cases than that in a direction.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/fuzz"
)

var (
	n        = flag.Int("n", 2000, "signatures per ABI (per round with -duration)")
	seed     = flag.Uint64("seed", 0, "seed of the first round (0: from the clock, printed)")
	abis     = flag.String("abi", "all", "comma-separated ABIs to check, or all available: "+strings.Join(fuzz.Names(), ","))
	dirFlag  = flag.String("dir", "both", "directions to check: down (Go calls C), up (C calls Go callbacks) or both")
	minCases = flag.Int("min", 0, "fail (status 3) unless every selected ABI runs and checks at least this many cases in each direction")
	batch    = flag.Int("batch", 500, "signatures per generated C file")
	jobs     = flag.Int("j", 0, "batches checked at once (0: GOMAXPROCS)")
	duration = flag.Duration("duration", 0, "long mode: run rounds with new seeds until this much time has passed")
	caseID   = flag.String("case", "", "check only this case ID and print its plan and C")
	sigText  = flag.String("sig", "", "check only this signature text, under each -abi")
	minimize = flag.String("minimize", "", "shrink the failing case with this ID and write a reproduction")
	out      = flag.String("out", "", "directory for -minimize's reproduction (default ./repro-<ID>)")
	cflags   = flag.String("cflags", "", "extra C compiler flags, e.g. -O0")
	noClang  = flag.Bool("noclang", false, "do not use clang as the second compiler")
	verbose  = flag.Bool("v", false, "print every set-aside case in full")
	workDir  = flag.String("work", "", "directory for generated C and libraries (default a temporary one, removed)")
	maxShow  = flag.Int("show", 10, "mismatches printed in full per ABI; the rest by ID")
)

func main() {
	if os.Getenv(fuzz.WorkerEnv) != "" {
		if err := fuzz.ServeWorker(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		return
	}
	flag.Parse()
	directions() // a bad -dir ends the program before anything runs
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	code, err := run(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "jitffi-fuzz:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func run(ctx context.Context) (int, error) {
	dir := *workDir
	if dir == "" {
		d, err := os.MkdirTemp("", "jitffi-fuzz-")
		if err != nil {
			return 0, err
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	switch {
	case *minimize != "":
		return doMinimize(ctx, dir)
	case *caseID != "":
		c, t, err := fuzz.CaseOf(*caseID)
		if err != nil {
			return 0, err
		}
		return checkOne(ctx, dir, t, c)
	case *sigText != "":
		code := 0
		for _, t := range selected() {
			sig, err := abi.ParseSignature(*sigText)
			if err != nil {
				return 0, err
			}
			c := fuzz.Case{ID: fuzz.ID{Target: t.Name}, Sig: sig}
			k, err := checkOne(ctx, dir, t, c)
			if err != nil {
				return 0, err
			}
			code = max(code, k)
		}
		return code, nil
	}
	return fuzzRounds(ctx, dir)
}

// selected returns the targets -abi names; with "all", the registered ones.
func selected() []*fuzz.Target {
	names := fuzz.Names()
	if *abis != "all" {
		names = strings.Split(*abis, ",")
	}
	var ts []*fuzz.Target
	for _, name := range names {
		t, err := fuzz.Lookup(strings.TrimSpace(name))
		if err != nil {
			fmt.Fprintln(os.Stderr, "jitffi-fuzz:", err)
			os.Exit(2)
		}
		ts = append(ts, t)
	}
	return ts
}

// directions returns the -dir flag's directions.
func directions() fuzz.Direction {
	d, err := fuzz.ParseDirection(*dirFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "jitffi-fuzz:", err)
		os.Exit(2)
	}
	return d
}

// runner returns the Runner of target t, or an error if it cannot run here, or cannot
// with the -cflags given.
func runner(ctx context.Context, dir string, t *fuzz.Target) (*fuzz.Runner, error) {
	var w *fuzz.WorkerCmd
	var err error
	if t.Worker != nil {
		w, err = t.Worker(dir)
	} else {
		w, err = fuzz.SelfWorker()
	}
	if err != nil {
		return nil, err
	}
	r := &fuzz.Runner{Target: t, Dir: dir, Directions: directions(), Worker: w, Flags: strings.Fields(*cflags), NoSecond: *noClang}
	if err := r.CheckFlags(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// fuzzRounds runs -n cases per available ABI, once or, with -duration, in rounds of new
// seeds until the time is up, and prints a summary per ABI and direction.
func fuzzRounds(ctx context.Context, dir string) (int, error) {
	s := *seed
	if s == 0 {
		s = uint64(time.Now().UnixNano()) % 1_000_000_000
	}
	fmt.Printf("seed %d (-seed %d repeats this run)\n", s, s)
	var deadline time.Time
	if *duration > 0 {
		deadline = time.Now().Add(*duration)
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	type state struct {
		t     *fuzz.Target
		r     *fuzz.Runner
		sums  map[fuzz.Direction]*fuzz.Summary
		dirs  []fuzz.Direction // the keys of sums, in order
		shown int
	}
	var states []*state
	var missing []string // ABIs that cannot run, for -min
	dirs := directions()
	for _, t := range selected() {
		if err := t.Available(); err != nil {
			fmt.Printf("%-11s unavailable: %v\n", t.Name, err)
			missing = append(missing, t.Name)
			continue
		}
		r, err := runner(ctx, dir, t)
		if err != nil {
			fmt.Printf("%-11s unavailable: %v\n", t.Name, err)
			missing = append(missing, t.Name)
			continue
		}
		second := "no second compiler"
		if t.Second != nil && !*noClang {
			second = "second opinion " + t.Second.Name
		}
		st := &state{t: t, r: r, sums: map[fuzz.Direction]*fuzz.Summary{}}
		how := "directions " + dirs.String()
		if t.Mode == fuzz.ClassifyOnly {
			// The plan check speaks for both stubs: nothing runs, and the upcall stub reads
			// the same plan as the downcall stub.
			st.dirs, how = []fuzz.Direction{fuzz.Both}, "plan only (both stubs read it)"
		} else {
			for _, d := range []fuzz.Direction{fuzz.Down, fuzz.Up} {
				if dirs&d != 0 {
					st.dirs = append(st.dirs, d)
				}
			}
		}
		for _, d := range st.dirs {
			st.sums[d] = &fuzz.Summary{Target: t.Name, Dir: d}
		}
		fmt.Printf("%-11s reference %s, %s, %s\n", t.Name, t.Reference.Name, second, how)
		states = append(states, st)
	}
	if len(states) == 0 {
		return 0, fmt.Errorf("no ABI can be checked here")
	}
	for round := 0; ; round++ {
		rs := s + uint64(round)
		for _, st := range states {
			start := time.Now()
			err := st.r.Run(ctx, rs, *n, *batch, *jobs, func(res []fuzz.Result) {
				for _, x := range res {
					st.sums[x.Dir].Add([]fuzz.Result{x})
					again := fmt.Sprintf("-case %s -dir %s", x.Case.ID, x.Dir)
					if x.Dir == fuzz.Both {
						again = "-case " + x.Case.ID.String()
					}
					switch {
					case x.Verdict == fuzz.Mismatch && st.shown < *maxShow:
						st.shown++
						st.t.Report(os.Stdout, x)
					case x.Verdict == fuzz.Mismatch:
						fmt.Printf("--- MISMATCH %s (details: %s)\n", x.Case.ID, again)
					case x.Verdict == fuzz.Unjudged && *verbose:
						st.t.Report(os.Stdout, x)
					case x.Verdict == fuzz.Unjudged:
						why := x.Ref
						if why == nil {
							why = x.Second
						}
						fmt.Printf("--- not judged %s (%s): %v\n", x.Case.ID, x.Dir.Label(), why)
					case x.Verdict == fuzz.SetAside && *verbose:
						st.t.Report(os.Stdout, x)
					case x.Verdict == fuzz.SetAside && x.SelfFail != "":
						fmt.Printf("--- set aside %s (%s): %s\n", x.Case.ID, x.Dir.Label(), x.SelfFail)
					case x.Verdict == fuzz.SetAside:
						fmt.Printf("--- set aside %s (%s): %s ok, %s: %v\n", x.Case.ID, x.Dir.Label(), st.t.Reference.Name, st.t.Second.Name, x.Second)
					}
				}
			})
			took := time.Since(start)
			for _, sum := range st.sums {
				sum.Elapsed += took
			}
			if err != nil && ctx.Err() == nil {
				return 0, err
			}
			if ctx.Err() == nil {
				for _, sum := range st.sums {
					sum.Seeds = append(sum.Seeds, rs)
				}
			}
		}
		if *duration == 0 || ctx.Err() != nil || time.Now().After(deadline) {
			break
		}
		if round%10 == 9 {
			for _, st := range states {
				for _, d := range st.dirs {
					fmt.Printf("... %s\n", st.sums[d])
				}
			}
		}
	}
	fmt.Println()
	code := 0
	var short []string
	for _, name := range missing {
		short = append(short, name+": unavailable")
	}
	for _, st := range states {
		for _, d := range st.dirs {
			sum := st.sums[d]
			fmt.Println(sum)
			if len(sum.Mismatches) > 0 {
				code = 1
				m := sum.Mismatches[0]
				fmt.Printf("            reproduce: go run ./fuzz/cmd/jitffi-fuzz -case %s -dir %s; shrink: -minimize %s -dir %s\n",
					m.Case.ID, m.Dir, m.Case.ID, m.Dir)
			}
			if why := sum.Shortfall(*minCases); why != "" {
				short = append(short, why)
			}
		}
	}
	if *minCases > 0 && len(short) > 0 {
		fmt.Printf("\n-min %d not met:\n  %s\n", *minCases, strings.Join(short, "\n  "))
		if code == 0 {
			code = 3
		}
	}
	return code, nil
}

// checkOne checks a single case against every compiler, in every -dir direction, and
// prints all there is to know.
func checkOne(ctx context.Context, dir string, t *fuzz.Target, c fuzz.Case) (int, error) {
	if err := t.Available(); err != nil {
		return 0, fmt.Errorf("%s unavailable: %v", t.Name, err)
	}
	r, err := runner(ctx, dir, t)
	if err != nil {
		return 0, err
	}
	res, err := r.RunBatch(ctx, []fuzz.Case{c})
	if err != nil {
		return 0, err
	}
	code := 0
	for _, x := range res {
		t.Report(os.Stdout, x)
		if x.Verdict == fuzz.Mismatch {
			code = 1
		}
	}
	return code, nil
}

func doMinimize(ctx context.Context, dir string) (int, error) {
	c, t, err := fuzz.CaseOf(*minimize)
	if err != nil {
		return 0, err
	}
	if *sigText != "" {
		// Minimize a given signature (a regression line) under the ID's target.
		if c.Sig, err = abi.ParseSignature(*sigText); err != nil {
			return 0, err
		}
	}
	if err := t.Available(); err != nil {
		return 0, fmt.Errorf("%s unavailable: %v", t.Name, err)
	}
	r, err := runner(ctx, dir, t)
	if err != nil {
		return 0, err
	}
	res, err := r.Minimize(ctx, c, os.Stdout)
	if err != nil {
		return 0, err
	}
	fmt.Println()
	t.Report(os.Stdout, res)
	o := *out
	if o == "" {
		o = "repro-" + c.ID.String()
	}
	if err := fuzz.WriteRepro(o, t, res); err != nil {
		return 0, err
	}
	fmt.Printf("\nreproduction in %s (sh %s/run.sh)\n", o, o)
	fmt.Printf("regression line for fuzz/testdata/regressions.txt (checked in both directions):\n%s | %v | <what it breaks, %s>\n", c.ID, res.Case.Sig, res.Dir.Label())
	return 0, nil
}

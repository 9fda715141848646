package fuzz

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// Cases run in a worker process, so that a stub that crashes (a wrong stack offset, a bad
// pointer handed to C) costs one case, not the run: the parent sees which case the worker
// had started when it died, records a crash for it and starts a new worker for the rest.
// The worker is this program itself re-executed with WorkerEnv set (or, for an emulated
// target, a cross-built copy under qemu), speaking JSON lines over stdin and stdout.

// WorkerEnv is the environment variable that makes a program built with this package
// serve one job as a worker (see ServeWorker).
const WorkerEnv = "JITFFI_FUZZ_WORKER"

// A WorkerCmd is how to start a worker process: a command line and extra environment.
type WorkerCmd struct {
	Path string
	Args []string
	Env  []string
}

// SelfWorker returns a WorkerCmd that re-executes the running program with extra
// arguments (a test binary needs -test.run to reach its TestMain).
func SelfWorker(args ...string) (*WorkerCmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return &WorkerCmd{Path: exe, Args: args}, nil
}

// A job is one worker's work: libraries (one per compiler) and the items to check.
type job struct {
	Target string
	Libs   []string
	Cases  []jobCase
	Items  []item
}

type jobCase struct {
	Name    string
	Text    string
	Salt    byte
	ArgSeed uint64
}

// An item is one case checked against one library: a downcall of its callee, or with Up
// an upcall from its C caller.
type item struct {
	Case, Lib int
	Up        bool `json:",omitempty"`
}

// A reply is one line of worker output: Start announces an item before it is run, so the
// last announced and unanswered item is the one that crashed.
type reply struct {
	Start *int   `json:",omitempty"`
	Done  *int   `json:",omitempty"`
	Kind  string `json:",omitempty"`
	Msg   string `json:",omitempty"`
}

// ServeWorker reads one job from r, runs it and writes replies to w, one JSON object per
// line, unbuffered so that a crash loses nothing already done.
func ServeWorker(r io.Reader, w io.Writer) error {
	var j job
	if err := json.NewDecoder(r).Decode(&j); err != nil {
		return fmt.Errorf("fuzz worker: reading the job: %w", err)
	}
	t, err := Lookup(j.Target)
	if err != nil {
		return err
	}
	libs := make([]*jitffi.Library, len(j.Libs))
	for i, p := range j.Libs {
		if libs[i], err = jitffi.Open(p); err != nil {
			return fmt.Errorf("fuzz worker: %w", err)
		}
	}
	enc := json.NewEncoder(w)
	for n, it := range j.Items {
		n := n
		if err := enc.Encode(reply{Start: &n}); err != nil {
			return err
		}
		jc := j.Cases[it.Case]
		out := reply{Done: &n}
		sig, err := abi.ParseSignature(jc.Text)
		if err != nil {
			return fmt.Errorf("fuzz worker: %w", err)
		}
		c := ctest.Case{Name: jc.Name, Sig: sig, Salt: jc.Salt}
		check := CheckCase
		if it.Up {
			check = CheckUpcall
		}
		if err := check(libs[it.Lib], c, jc.ArgSeed, t.BindOptions...); err != nil {
			p := err.(*Problem)
			out.Kind, out.Msg = p.Kind, p.Msg
		}
		if err := enc.Encode(out); err != nil {
			return err
		}
	}
	return nil
}

// runJob runs j in worker processes started by wc until every item has a result,
// restarting after each crash. A worker that makes no progress for stall is killed and its
// current item recorded as a hang.
func runJob(ctx context.Context, wc *WorkerCmd, j job, stall time.Duration) ([]error, error) {
	results := make([]error, len(j.Items))
	next, failures := 0, 0
	for next < len(j.Items) {
		sub := j
		sub.Items = j.Items[next:]
		done, crashed, err := runWorker(ctx, wc, sub, stall)
		for i, e := range done {
			results[next+i] = e
		}
		next += len(done)
		if len(done) > 0 {
			failures = 0
		}
		if err != nil {
			// A worker that dies between cases has met no stub since the last one; under
			// qemu that happens now and then. Only a worker that keeps failing ends the run.
			if failures++; failures >= 3 || ctx.Err() != nil {
				return nil, err
			}
			continue
		}
		if crashed != nil {
			if next >= len(j.Items) {
				break
			}
			results[next] = rerunAlone(ctx, wc, j, next, crashed, stall)
			next++
		}
	}
	return results, nil
}

// rerunAlone runs item n of j again in a fresh worker, so that a crash report says whether
// the case crashes on its own or only after the cases before it in the same worker (memory
// corruption by an earlier case shows up at a later garbage collection), or not at all.
func rerunAlone(ctx context.Context, wc *WorkerCmd, j job, n int, crashed *Problem, stall time.Duration) error {
	sub := j
	sub.Items = j.Items[n : n+1]
	done, again, err := runWorker(ctx, wc, sub, stall)
	switch {
	case err != nil:
		crashed.Msg += "; rerun alone: " + err.Error()
	case again != nil:
		crashed.Msg += "; crashes again when run alone"
	case len(done) == 1 && done[0] != nil:
		crashed.Msg += "; run alone it fails without crashing: " + done[0].Error()
	default:
		crashed.Msg += "; passes when run alone: an earlier case in the same worker may have corrupted memory, or the crash is not deterministic"
	}
	return crashed
}

// runWorker runs one worker process on j. It returns the results of the items finished
// in order and, if the worker died inside an item, a crash Problem for that item.
func runWorker(ctx context.Context, wc *WorkerCmd, j job, stall time.Duration) (done []error, crashed *Problem, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, wc.Path, wc.Args...)
	cmd.Env = append(append(os.Environ(), WorkerEnv+"=1"), wc.Env...)
	in, err := json.Marshal(j)
	if err != nil {
		return nil, nil, err
	}
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("fuzz: starting a worker: %w", err)
	}
	progress := make(chan struct{}, 1)
	var hung atomic.Bool
	go func() {
		t := time.NewTimer(stall)
		defer t.Stop()
		for {
			select {
			case _, ok := <-progress:
				if !ok {
					return
				}
				t.Reset(stall)
			case <-t.C:
				hung.Store(true)
				cancel()
				return
			}
		}
	}()
	started := -1
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		select {
		case progress <- struct{}{}:
		default:
		}
		var r reply
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			continue // not ours: something the C side or the runtime printed
		}
		switch {
		case r.Start != nil:
			started = *r.Start
		case r.Done != nil && *r.Done == len(done):
			var e error
			if r.Kind != "" {
				e = &Problem{r.Kind, r.Msg}
			}
			done = append(done, e)
		}
	}
	werr := cmd.Wait()
	close(progress)
	switch {
	case len(done) == len(j.Items) && werr == nil:
		return done, nil, nil
	case started == len(done) && started < len(j.Items):
		what := "the worker died: " + describeExit(werr, stderr.String())
		if hung.Load() {
			what = fmt.Sprintf("no progress for %v; killed", stall)
		}
		return done, &Problem{"crash", what}, nil
	}
	if ctx.Err() != nil && !hung.Load() {
		return done, nil, ctx.Err()
	}
	return done, nil, fmt.Errorf("fuzz: worker %s failed before its first case: %v\n%s", wc.Path, werr, tail(stderr.String(), 20))
}

// describeExit summarises how a worker died: the exit status and the runtime's one-line
// reason ("signal SIGSEGV: segmentation violation ...") if it printed one.
func describeExit(err error, stderr string) string {
	msg := fmt.Sprint(err)
	diag := 0
	for _, line := range strings.Split(stderr, "\n") {
		switch {
		case strings.HasPrefix(line, "SIGSEGV") || strings.HasPrefix(line, "SIGBUS") ||
			strings.HasPrefix(line, "signal ") || strings.HasPrefix(line, "fatal error") ||
			strings.HasPrefix(line, "panic") || strings.HasPrefix(line, "PC="):
			msg += "; " + strings.TrimSpace(line)
		case strings.HasPrefix(line, "runtime: ") && diag < 3:
			// The garbage collector's account of a corrupted heap object.
			diag++
			msg += "; " + strings.TrimSpace(line)
		}
	}
	return msg
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

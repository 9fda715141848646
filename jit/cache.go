package jit

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/jitffi/jitffi/abi"
)

// A Stub is a compiled call stub in executable memory. Stubs are shared by every caller
// asking for the same ABI, signature and Options, and live as long as the process: their
// memory is never freed, so Addr stays valid for any binding that holds it.
type Stub struct {
	// Addr is the stub's entry point.
	Addr uintptr
	// Plan is the plan the stub was compiled from: the first one asked for under its key.
	Plan *abi.Plan
	// Layout places the arguments and result in the call frame the stub expects.
	Layout Layout
	// Code is a copy of the machine code at Addr, for explaining and testing; changing it
	// changes nothing that runs.
	Code []byte
	// Options are the options the stub was compiled with.
	Options Options
}

// stubKey identifies a stub. The signature's layout key stands for the signature because
// plans are built fresh per request and pointers to equal signatures differ; it leaves out
// member names, which change nothing in the code.
type stubKey struct {
	abi  abi.ABI
	sig  string
	opts Options
}

// A stubEntry is a cache slot. The caller that creates it compiles it and closes done;
// everyone else waits on done and then reads stub and err, which never change afterwards.
type stubEntry struct {
	done chan struct{}
	stub *Stub
	err  error
	// retry is set when the entry was given up because another plan in its batch failed:
	// its own plan may be fine, so waiters ask again instead of reporting that failure.
	retry bool
}

// stubs caches compiled stubs by key. Failed entries are removed before done is closed,
// so an error (a full address space, say) is shared with the callers waiting at that
// moment but never cached.
var stubs = struct {
	sync.Mutex
	m map[stubKey]*stubEntry
}{m: map[stubKey]*stubEntry{}}

// compiles counts calls to the assembler, for tests.
var compiles atomic.Int64

// assemble is Assemble; tests replace it to inject failures.
var assemble = Assemble

// Compile returns the stub for plan compiled with opts, compiling it on first use. It
// refuses, with an error, a plan CheckPlan refuses, whether or not a stub for its
// signature is cached. It is safe for concurrent use: however many goroutines ask for the same plan and options at
// once, the stub is compiled once and they all get the same *Stub.
func Compile(plan *abi.Plan, opts Options) (*Stub, error) {
	s, err := CompileAll([]Request{{Plan: plan, Options: opts}})
	if err != nil {
		return nil, err
	}
	return s[0], nil
}

// A Request asks for the stub of one plan compiled with some options.
type Request struct {
	Plan    *abi.Plan
	Options Options
}

// CompileAll returns the stubs for reqs, in order. The requests not cached yet are
// compiled as one batch that shares pages of executable memory, which saves memory when a
// binding needs several stubs or a library binds many functions at once. Either every stub
// is returned or none is and an error says which plan failed; nothing of a failed batch is
// kept.
func CompileAll(reqs []Request) ([]*Stub, error) {
	plans := make([]*abi.Plan, len(reqs))
	keys := make([]stubKey, len(reqs))
	for i, r := range reqs {
		p := r.Plan
		if p == nil || p.Sig == nil {
			return nil, fmt.Errorf("jit: plan %d of %d has no signature", i, len(reqs))
		}
		// Checked before the cache is asked: a cached stub was made from another plan
		// with the same key, and the key is only meaningful for a well-formed signature.
		if err := CheckPlan(p, r.Options); err != nil {
			return nil, fmt.Errorf("jit: plan %d of %d for %s: %w", i, len(reqs), brief(p.Sig), err)
		}
		plans[i] = p
		keys[i] = stubKey{abi: p.ABI, sig: abi.LayoutKey(p.Sig), opts: r.Options}
	}
	out := make([]*Stub, len(plans))
	pending := make([]int, len(plans))
	for i := range pending {
		pending[i] = i
	}
	// Each round claims the keys nobody is compiling, compiles them, and waits for the
	// rest. A later round happens only when another caller's batch failed on a plan that
	// is not ours.
	for len(pending) > 0 {
		entries, own := claim(keys, pending)
		if len(own) > 0 {
			if err := compileBatch(plans, keys, entries, own); err != nil {
				return nil, err
			}
		}
		var again []int
		for _, i := range pending {
			e := entries[i]
			<-e.done
			switch {
			case e.retry:
				again = append(again, i)
			case e.err != nil:
				return nil, e.err
			default:
				out[i] = e.stub
			}
		}
		pending = again
	}
	return out, nil
}

// claim looks up the pending keys. It returns each pending index's entry and the indices
// whose entries this caller created and so must compile, one per distinct new key.
func claim(keys []stubKey, pending []int) (entries map[int]*stubEntry, own []int) {
	entries = make(map[int]*stubEntry, len(pending))
	stubs.Lock()
	defer stubs.Unlock()
	for _, i := range pending {
		e, ok := stubs.m[keys[i]]
		if !ok {
			e = &stubEntry{done: make(chan struct{})}
			stubs.m[keys[i]] = e
			own = append(own, i)
		}
		entries[i] = e
	}
	return entries, own
}

// compileBatch assembles the plans at the own indices, puts their code into one batch of
// pages and completes their entries. On failure it completes them with the error (or a
// retry, for plans that were not at fault), removes them from the cache, and returns the
// error.
func compileBatch(plans []*abi.Plan, keys []stubKey, entries map[int]*stubEntry, own []int) (err error) {
	done := false
	bad := -1 // the index of the plan that failed to assemble
	// An assembler panic must not leave waiters blocked on entries nobody will complete.
	defer func() {
		if !done {
			complete(keys, entries, own, func(int, *stubEntry) error {
				return errors.New("jit: stub compiler panicked")
			})
		}
	}()
	codes := make([][]byte, len(own))
	for j, i := range own {
		compiles.Add(1)
		codes[j], err = assemble(plans[i], keys[i].opts)
		if err == nil && len(codes[j]) == 0 {
			err = errors.New("assembler returned no code")
		}
		if err != nil {
			err = fmt.Errorf("jit: compiling %v stub for %s: %w", plans[i].ABI, brief(plans[i].Sig), err)
			bad = i
			break
		}
	}
	made := make([]*Stub, len(own))
	if err == nil {
		var addrs []uintptr
		if addrs, err = allocCode(codes); err == nil {
			for j, i := range own {
				made[j] = &Stub{Addr: addrs[j], Plan: plans[i], Layout: LayoutWith(plans[i].Sig, keys[i].opts), Code: codes[j], Options: keys[i].opts}
			}
		}
	}
	done = true
	complete(keys, entries, own, func(j int, e *stubEntry) error {
		if err == nil {
			e.stub = made[j]
		} else if bad >= 0 && own[j] != bad {
			e.retry = true
		}
		return err
	})
	return err
}

// complete finishes the entries at the own indices: set fills in entry j and returns its
// error, and a failed entry leaves the cache before its waiters wake.
func complete(keys []stubKey, entries map[int]*stubEntry, own []int, set func(j int, e *stubEntry) error) {
	stubs.Lock()
	defer stubs.Unlock()
	for j, i := range own {
		e := entries[i]
		if e.err = set(j, e); e.err != nil {
			delete(stubs.m, keys[i])
		}
		close(e.done)
	}
}

// brief returns the text of a signature for an error message, cut short when a struct
// with thousands of members would make it long.
func brief(sig *abi.Signature) string {
	const longest = 200
	s := sig.String()
	if len(s) > longest {
		s = s[:longest] + "…"
	}
	return s
}

package fuzz

import (
	"context"
	"fmt"
	"io"

	"github.com/jitffi/jitffi/abi"
)

// Minimize shrinks case c while it keeps failing the same way (a mismatch against gcc,
// or a gcc/clang disagreement) in the same direction: it drops parameters and members,
// flattens nesting, shortens arrays, removes attributes and plainens scalars, one step at
// a time. Each round checks all of the current case's one-step reductions in one batch
// and keeps the first, and so boldest, that still fails. It logs each step to log and
// returns the smallest failing case's result. When c fails in both of the runner's
// directions, the first mismatch is minimized, the downcall's if both are mismatches.
func (r *Runner) Minimize(ctx context.Context, c Case, log io.Writer) (Result, error) {
	first, err := r.RunBatch(ctx, []Case{c})
	if err != nil {
		return Result{}, err
	}
	failing := firstFailure(first)
	if failing < 0 {
		return first[0], fmt.Errorf("fuzz: %s passes in every direction checked (%v); there is nothing to minimize", c.ID, r.directions())
	}
	want, dir := first[failing].Verdict, first[failing].Dir
	fmt.Fprintf(log, "minimizing %s (%s, %s, weight %d): %v\n", c.ID, want, dir.Label(), weight(c.Sig), c.Sig)
	// A mismatch is decided by gcc alone; the second compiler is needed only to keep a
	// disagreement, and for the final word. Only the failing direction is checked.
	inner := *r
	inner.NoSecond = r.NoSecond || want == Mismatch
	if dir != Both {
		inner.Directions = dir
	}
	round := 0
	sig, err := shrink(c.Sig, r.Target.Profile.NoEmpty, func(cands []*abi.Signature) (int, error) {
		round++
		for start := 0; start < len(cands); start += 400 {
			batch := make([]Case, 0, 400)
			for _, s := range cands[start:min(len(cands), start+400)] {
				batch = append(batch, Case{ID: c.ID, Sig: s})
			}
			res, err := inner.RunBatch(ctx, batch)
			if err != nil {
				return -1, err
			}
			for i, x := range res {
				if x.Verdict == want {
					fmt.Fprintf(log, "round %d: %d candidates, weight %d: %v\n", round, len(cands), weight(x.Case.Sig), x.Case.Sig)
					return start + i, nil
				}
			}
		}
		return -1, nil
	})
	if err != nil {
		return Result{}, err
	}
	last := inner
	last.NoSecond = r.NoSecond
	final, err := last.RunBatch(ctx, []Case{{ID: c.ID, Sig: sig}})
	if err != nil {
		return Result{}, err
	}
	return final[0], nil
}

// shrink is the minimizer's loop: while firstFailing finds a failing signature among the
// current one's reductions (returning its index, or -1 for none), continue from it.
func shrink(sig *abi.Signature, noEmpty bool, firstFailing func([]*abi.Signature) (int, error)) (*abi.Signature, error) {
	for {
		cands := reductions(sig, noEmpty)
		if len(cands) == 0 {
			return sig, nil
		}
		i, err := firstFailing(cands)
		if err != nil {
			return sig, err
		}
		if i < 0 {
			return sig, nil
		}
		sig = cands[i]
	}
}

// firstFailure returns the index of the result to minimize among one case's results: the
// first mismatch, or else the first that neither passed nor was skipped, or -1.
func firstFailure(res []Result) int {
	other := -1
	for i, x := range res {
		switch {
		case x.Verdict == Mismatch:
			return i
		case other < 0 && x.Verdict != Pass && x.Verdict != Skipped:
			other = i
		}
	}
	return other
}

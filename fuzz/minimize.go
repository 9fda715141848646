package fuzz

import (
	"context"
	"fmt"
	"io"
)

// Minimize shrinks case c while it keeps failing the same way (a mismatch against gcc,
// or a gcc/clang disagreement): it drops parameters and members, flattens nesting,
// shortens arrays, removes attributes and plainens scalars, one step at a time. Each
// round checks all of the current case's one-step reductions in one batch and keeps the
// first, and so boldest, that still fails. It logs each step to log and returns the
// smallest failing case's result.
func (r *Runner) Minimize(ctx context.Context, c Case, log io.Writer) (Result, error) {
	first, err := r.RunBatch(ctx, []Case{c})
	if err != nil {
		return Result{}, err
	}
	cur := first[0]
	if cur.Verdict == Pass {
		return cur, fmt.Errorf("fuzz: %s passes; there is nothing to minimize", c.ID)
	}
	want := cur.Verdict
	fmt.Fprintf(log, "minimizing %s (%s, weight %d): %v\n", c.ID, want, weight(c.Sig), c.Sig)
	// A mismatch is decided by gcc alone; the second compiler is needed only to keep a
	// disagreement, and for the final word.
	inner := *r
	inner.NoSecond = r.NoSecond || want == Mismatch
	for round := 1; ; round++ {
		cands := reductions(cur.Case.Sig, r.Target.Profile.NoEmpty)
		if len(cands) == 0 {
			break
		}
		found := false
		for start := 0; start < len(cands) && !found; start += 400 {
			batch := make([]Case, 0, 400)
			for _, s := range cands[start:min(len(cands), start+400)] {
				batch = append(batch, Case{ID: c.ID, Sig: s})
			}
			res, err := inner.RunBatch(ctx, batch)
			if err != nil {
				return cur, err
			}
			for _, x := range res {
				if x.Verdict == want {
					cur, found = x, true
					break
				}
			}
		}
		if !found {
			break
		}
		fmt.Fprintf(log, "round %d: %d candidates, weight %d: %v\n", round, len(cands), weight(cur.Case.Sig), cur.Case.Sig)
	}
	final, err := r.RunBatch(ctx, []Case{cur.Case})
	if err != nil {
		return cur, err
	}
	return final[0], nil
}

package fuzz

import (
	"context"
	"fmt"
	"strings"

	"github.com/jitffi/jitffi/abi"
)

// flagProbes are signatures every harness must be able to judge whatever the compiler
// flags: scalars, a variadic call (Apple's harness reads it at a caller), a result in
// memory, an HFA and a small struct on both sides.
var flagProbes = []string{
	"int32_t (int32_t, double)",
	"double (int32_t, ..., double, int8_t, struct{int64_t a; int64_t b; int64_t c;})",
	"struct{int64_t a; int64_t b; int64_t c;} (struct{float x; float y;}, int16_t)",
	"struct{float a; float b; float c;} (struct{char c[3];}, ..., float)",
}

// CheckFlags tells, before a run, whether the harness can work with the extra compiler
// flags (Runner.Flags) for this target: it checks the flagProbes and a few generated
// cases built with them, and returns an error saying why not if the compilers refuse the
// flags or a case cannot be judged (a flag that hides the callees' symbols, or makes the
// compiler's output unreadable to the harness). Without flags it returns nil at once.
// Mismatches among the probes are not its business: the run reports those.
func (r *Runner) CheckFlags(ctx context.Context) error {
	if len(r.Flags) == 0 {
		return nil
	}
	flags := strings.Join(r.Flags, " ")
	var cases []Case
	for i, text := range flagProbes {
		sig, err := abi.ParseSignature(text)
		if err != nil {
			return err
		}
		cases = append(cases, Case{ID: ID{Target: r.Target.Name, Index: uint64(i)}, Sig: sig})
	}
	for i := range 16 {
		cases = append(cases, NewCase(r.Target, 1, uint64(i)))
	}
	res, err := r.RunBatch(ctx, cases)
	if err != nil {
		return fmt.Errorf("-cflags %q cannot be used for %s: %s", flags, r.Target.Name, firstError(err.Error()))
	}
	for _, x := range res {
		if x.Verdict == Unjudged {
			why := x.Ref
			if !isHarness(why) {
				why = x.Second
			}
			return fmt.Errorf("-cflags %q cannot be used for %s: the fuzzer cannot judge a case built with them (%v)", flags, r.Target.Name, why)
		}
	}
	return nil
}

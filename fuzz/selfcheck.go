package fuzz

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/jitffi/jitffi/internal/ctest"
)

// selfCheck runs the compiler's own call of case c in direction d against lib, the
// fixture jitffi failed on, and returns a description of how the compiler's own call
// failed, or "" if it passed and the failure is jitffi's. For a downcall, the call is a C
// caller from ctest.GenerateCallers that passes the same values to lib's callee and checks
// the record and the result. For an upcall, lib holds the C caller: the compiler builds
// the case's own recording callee, and ctest.GenerateUpcallChecks hands it to the caller
// and checks both directions in C. A compiler whose callee cannot take its own call (gcc 12
// reading an over-aligned variadic struct with a misaligned movdqa) is not a standard
// jitffi can be held to.
func (r *Runner) selfCheck(ctx context.Context, comp Compiler, d Direction, c ctest.Case, argSeed uint64, lib string) (string, error) {
	opt := ctest.GenOptions{MSABI: r.Target.MSABI, Seed: argSeed}
	flags := append(append([]string(nil), comp.Flags...), r.Flags...)
	inputs := []string{lib}
	generate, who := ctest.GenerateCallers, "caller fails"
	if d == Up {
		callee, err := ctest.Generate([]ctest.Case{c}, opt)
		if err != nil {
			return "", err
		}
		calleeLib, err := ctest.CompileWith(comp.Cmd, r.Dir, callee, flags...)
		if err != nil {
			return "", err
		}
		inputs = append(inputs, calleeLib)
		generate, who = ctest.GenerateUpcallChecks, "caller and callee fail"
	}
	src, err := generate([]ctest.Case{c}, opt)
	if err != nil {
		return "", err
	}
	prog, err := ctest.CompileProgram(comp.Cmd, r.Dir, src, inputs, flags...)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	args := append(append([]string(nil), r.Target.Exec...), prog)
	out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return "", nil
	case errors.As(err, &exit):
		msg := fmt.Sprintf("%s's own %s too (%v)", comp.Name, who, err)
		if o := strings.TrimSpace(tail(string(out), 2)); o != "" {
			msg += ": " + o
		}
		return msg, nil
	}
	return "", err
}

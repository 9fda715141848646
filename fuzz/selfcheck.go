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

// selfCheck runs the compiler's own call of case c against lib, the fixture jitffi failed
// on: a C caller from ctest.GenerateCallers that passes the same values and checks the
// record and the result. It returns a description of how the compiler's own call failed,
// or "" if it passed and the failure is jitffi's. A compiler whose callee cannot take its
// own call (gcc 12 reading an over-aligned variadic struct with a misaligned movdqa) is
// not a standard jitffi can be held to.
func (r *Runner) selfCheck(ctx context.Context, comp Compiler, c ctest.Case, argSeed uint64, lib string) (string, error) {
	src, err := ctest.GenerateCallers([]ctest.Case{c}, ctest.GenOptions{MSABI: r.Target.MSABI, Seed: argSeed})
	if err != nil {
		return "", err
	}
	flags := append(append([]string(nil), comp.Flags...), r.Flags...)
	prog, err := ctest.CompileProgram(comp.Cmd, r.Dir, src, []string{lib}, flags...)
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
		msg := fmt.Sprintf("%s's own caller fails too (%v)", comp.Name, err)
		if o := strings.TrimSpace(tail(string(out), 2)); o != "" {
			msg += ": " + o
		}
		return msg, nil
	}
	return "", err
}

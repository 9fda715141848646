package jit

import (
	"errors"

	"github.com/jitffi/jitffi/abi"
)

// Assemble returns the machine code of the call stub for plan, compiled with opts.
func Assemble(plan *abi.Plan, opts Options) ([]byte, error) {
	return nil, errors.New("jit: stub assembler not built yet")
}

package jit

import (
	"fmt"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/jit/internal/amd64"
	"github.com/jitffi/jitffi/jit/internal/arm64"
)

// Assemble returns the machine code of the call stub for plan, compiled with opts.
//
// The stub is a C function `void stub(frame*)` entered with opts.Entry's convention (the
// plan's own when zero). It loads the arguments from the frame laid out by LayoutOf into
// the registers and stack slots the plan names, calls the function whose address is in
// the frame header, stores the result in the frame's result slot and, when opts ask,
// the C error code in the header. The code is position-independent and needs no
// relocation. Assemble is deterministic and safe for concurrent use.
func Assemble(plan *abi.Plan, opts Options) ([]byte, error) {
	if err := CheckPlan(plan, opts); err != nil {
		return nil, err
	}
	switch plan.ABI {
	case abi.SysV, abi.Win64:
		return amd64.Downcall(plan, opts)
	case abi.AAPCS64, abi.AppleARM64:
		return arm64.Downcall(plan, opts)
	}
	return nil, fmt.Errorf("jit: cannot assemble a stub for unknown ABI %v", plan.ABI)
}

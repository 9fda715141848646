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
//
// With opts.Upcall the stub goes the other way (see Options.Upcall): C calls it, through a
// trampoline, as a function of the plan's signature, and it calls the callback door with
// an upcall frame laid out by LayoutOf, whose header holds the trampoline's data words.
func Assemble(plan *abi.Plan, opts Options) ([]byte, error) {
	if err := CheckPlan(plan, opts); err != nil {
		return nil, err
	}
	switch {
	case (plan.ABI == abi.SysV || plan.ABI == abi.Win64) && opts.Upcall:
		return amd64.Upcall(plan, opts)
	case plan.ABI == abi.SysV || plan.ABI == abi.Win64:
		return amd64.Downcall(plan, opts)
	case (plan.ABI == abi.AAPCS64 || plan.ABI == abi.AppleARM64) && opts.Upcall:
		return arm64.Upcall(plan, opts)
	case plan.ABI == abi.AAPCS64 || plan.ABI == abi.AppleARM64:
		return arm64.Downcall(plan, opts)
	}
	return nil, fmt.Errorf("jit: cannot assemble a stub for unknown ABI %v", plan.ABI)
}

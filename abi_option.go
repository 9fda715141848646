package jitffi

import (
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/asm"
	"github.com/jitffi/jitffi/jit"
)

// WithABI binds a function that follows calling convention a instead of the host's. The
// stub is still entered from Go the host's way, and calls the target a's way. It exists
// for functions compiled with a foreign convention on this host, such as gcc's
// __attribute__((ms_abi)) functions on Linux, which follow Win64 (a Win64 call plan can
// then be run and checked without Windows). The stub emitter must support both
// conventions on this architecture; otherwise binding fails. Errno is read the host's
// way, since the C library is the host's.
func WithABI(a abi.ABI) Option { return func(c *bindConfig) { c.abi = a } }

// targetABI returns the calling convention to classify the target's signature under.
func (c *bindConfig) targetABI() abi.ABI {
	if c.abi != 0 {
		return c.abi
	}
	return abi.Host
}

// stubOptions completes o for the binding's stub. Only a foreign target convention sets
// Entry: left zero for host plans, the options stay equal to those of bindings made
// without WithABI, so those share their cached stubs.
func (c *bindConfig) stubOptions(o jit.Options) jit.Options {
	if c.abi != 0 && c.abi != abi.Host {
		o.Entry = abi.Host
	}
	if !c.fast {
		// A default-mode call may call back into Go, which may move the goroutine
		// stack and the frame on it; fast-mode calls must not call back at all.
		o.TopOfStack = uint64(asm.TopOfStackFunc())
	}
	o.GoStringArgs, o.GoSliceArgs, o.GoStringResult = c.goStrings, c.goSlices, c.goStringResult
	o.DerefArgs = c.callbacks
	return o
}

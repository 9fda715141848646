// Package jit turns a call plan into machine code and machine code into executable memory.
//
// A stub is a C-ABI function of one argument: a pointer to a call frame. The frame starts
// with asm.Header (the stub's address, the target's address, the errno slot) followed by
// one slot per argument and a slot for the result, placed by LayoutOf. The stub loads the
// arguments into the registers and stack slots the plan names, calls Header.Fn, and
// stores the result (and errno, when asked) back into the frame.
//
// The emitters live in one package per architecture (internal/amd64, internal/arm64),
// sharing what internal/emit holds; this package checks every plan before it reaches them
// (plancheck.go), and owns the stub cache, executable memory and trampolines.
package jit

import (
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/jit/internal/emit"
)

// Offsets of the header fields every stub uses (see emit.FrameFnOffset).
const (
	FrameFnOffset    = emit.FrameFnOffset
	FrameErrnoOffset = emit.FrameErrnoOffset
	FrameHeaderSize  = emit.FrameHeaderSize
	frameSlotAlign   = emit.FrameSlotAlign
)

// A Layout places a signature's arguments and result in a call frame.
type Layout = emit.Layout

// LayoutOf returns the frame layout for sig (see emit.LayoutOf).
var LayoutOf = emit.LayoutOf

// LayoutWith returns the frame layout of a stub of sig compiled with opts, which may give
// some slots Go string or slice headers (see Options.GoStringArgs).
var LayoutWith = emit.LayoutWith

func alignUp(n, a int) int { return emit.AlignUp(n, a) }

func resultType(p *abi.Plan) *abi.Type { return emit.ResultType(p) }

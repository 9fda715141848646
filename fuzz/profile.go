package fuzz

import "github.com/jitffi/jitffi/abi"

// A Profile tells the generator what is interesting under one calling convention: how
// many registers there are to run out of, and which types the target cannot pass.
type Profile struct {
	// IntRegs and VecRegs are the argument registers of each class (SysV 6 and 8,
	// AAPCS64 8 and 8). With Positional set they are ignored and Slots counts the
	// positional register slots (Win64 4).
	IntRegs, VecRegs int
	Positional       bool
	Slots            int
	// NoEmpty keeps zero-size aggregates (GNU C empty structs) out of arguments and
	// results, for conventions whose compilers do not agree on them.
	NoEmpty bool
	// HFAWeight raises the share of homogeneous float aggregates (AAPCS64's HFAs).
	HFAWeight int
}

// profiles holds the generator profile of each ABI; an ABI without one uses SysV's.
var profiles = map[abi.ABI]Profile{
	abi.SysV:       {IntRegs: 6, VecRegs: 8, HFAWeight: 2},
	abi.Win64:      {Positional: true, Slots: 4, HFAWeight: 1},
	abi.AAPCS64:    {IntRegs: 8, VecRegs: 8, NoEmpty: true, HFAWeight: 4},
	abi.AppleARM64: {IntRegs: 8, VecRegs: 8, NoEmpty: true, HFAWeight: 4},
}

// ProfileOf returns the generator profile for a.
func ProfileOf(a abi.ABI) Profile {
	if p, ok := profiles[a]; ok {
		return p
	}
	return profiles[abi.SysV]
}

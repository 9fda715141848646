package jit

import (
	"fmt"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/jit/internal/amd64"
	"github.com/jitffi/jitffi/jit/internal/arm64"
)

// Disassemble returns a listing of code, machine code for the architecture of ABI a: one
// instruction per line, as "offset: bytes  instruction", in Intel syntax on amd64 and in
// GNU (vendor) syntax on arm64. It fails if some bytes do not decode, so a listing always
// accounts for every byte of code.
func Disassemble(code []byte, a abi.ABI) (string, error) {
	switch a {
	case abi.SysV, abi.Win64:
		return amd64.Disassemble(code)
	case abi.AAPCS64, abi.AppleARM64:
		return arm64.Disassemble(code)
	}
	return "", fmt.Errorf("jit: unknown ABI %v", a)
}

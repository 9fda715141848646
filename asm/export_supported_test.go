//go:build amd64 || arm64

package asm

// FindCallee, FindABI0Callee, JudgeProbe and FastDoorPC expose the fast door's discovery and
// the checks of its probe call to the black-box tests.
var (
	FindCallee     = findCallee
	FindABI0Callee = findABI0Callee
	JudgeProbe     = judgeProbe
)

// FastProbeMark is what the probe stub records when it runs; ProbeSPMod16 is the stack
// pointer modulo 16 the C ABI gives it at entry.
const (
	FastProbeMark = fastProbeMark
	ProbeSPMod16  = probeSPMod16
)

func FastDoorPC() uintptr { return asmcgocallPC }

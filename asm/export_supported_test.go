//go:build amd64 || arm64

package asm

// FindCallee and FastDoorPC expose the fast door's discovery to the black-box tests.
var FindCallee = findCallee

func FastDoorPC() uintptr { return asmcgocallPC }

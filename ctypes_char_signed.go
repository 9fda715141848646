//go:build !windows && (darwin || !(arm || arm64 || ppc64 || ppc64le || s390x || riscv64))

package jitffi

// Char is C's plain char: signed here (x86 and x86-64 everywhere, Apple's arm64, MIPS,
// LoongArch), as on Windows; unsigned on the other ARM, POWER, s390x and RISC-V systems.
type Char int8

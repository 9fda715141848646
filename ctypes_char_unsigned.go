//go:build !windows && !darwin && (arm || arm64 || ppc64 || ppc64le || s390x || riscv64)

package jitffi

// Char is C's plain char: unsigned here, as the ARM (but for Apple's), POWER, s390x and
// RISC-V C ABIs define it (Linux arm64's AAPCS64 among them); signed on x86-64, Apple's
// arm64 and Windows.
type Char uint8

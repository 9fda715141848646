//go:build !windows && !(linux && arm64)

package jitffi

// Char is C's plain char: signed here (x86-64 everywhere, and Apple's arm64), unsigned on
// Linux arm64.
type Char int8

// WChar is C's wchar_t: a signed 32-bit integer here.
type WChar int32

package jitffi

// Char is C's plain char: unsigned on Linux arm64 (AAPCS64), signed elsewhere.
type Char uint8

// WChar is C's wchar_t: an unsigned 32-bit integer on Linux arm64.
type WChar uint32

//go:build !windows && !aix && !((linux || freebsd) && (arm || arm64))

package jitffi

// WChar is C's wchar_t: a signed 32-bit integer here (int, on x86-64 Linux, macOS and
// the other Unix systems); unsigned on Linux and FreeBSD ARM and on AIX, and a UTF-16
// code unit on Windows.
type WChar int32

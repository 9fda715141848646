//go:build aix || ((linux || freebsd) && (arm || arm64))

package jitffi

// WChar is C's wchar_t: an unsigned 32-bit integer here (Linux and FreeBSD on ARM,
// Linux arm64 among them, and AIX); a signed one on the other Unix systems, and a UTF-16
// code unit on Windows.
type WChar uint32

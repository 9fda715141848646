package jitffi

import (
	"errors"
	"strings"
	"unsafe"
)

// ErrNulInString: a Go string holds a NUL byte, so C would see only part of it.
var ErrNulInString = errors.New("jitffi: string contains a NUL byte")

// CString returns a NUL-terminated copy of s in Go memory, to pass to C as a char*. It
// allocates once; nothing else in jitffi allocates a string behind your back. Keep the
// result referenced for as long as C may read it (for a call's duration, the call does).
func CString(s string) (*byte, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, ErrNulInString
	}
	b := make([]byte, len(s)+1)
	copy(b, s)
	return &b[0], nil
}

// MustCString is CString for strings known to hold no NUL byte, such as literals: it
// panics if s holds one. A string parameter of a typed binding needs neither: the call
// passes a NUL-terminated copy of it.
func MustCString(s string) *byte {
	p, err := CString(s)
	if err != nil {
		panic(err)
	}
	return p
}

// AppendCString appends s and a terminating NUL to buf and returns the grown buffer and a
// pointer to the C string inside it. With a buffer of enough capacity it allocates nothing,
// which makes it the way to pass changing strings in a hot loop.
func AppendCString(buf []byte, s string) ([]byte, *byte, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return buf, nil, ErrNulInString
	}
	start := len(buf)
	buf = append(append(buf, s...), 0)
	return buf, &buf[start], nil
}

// GoString copies the NUL-terminated C string at p into a Go string. A nil p gives "".
func GoString(p *byte) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}

// GoStringN copies n bytes at p into a Go string.
func GoStringN(p *byte, n int) string {
	if p == nil || n <= 0 {
		return ""
	}
	return string(unsafe.Slice(p, n))
}

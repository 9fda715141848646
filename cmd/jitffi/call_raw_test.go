//go:build (linux && (cgo || amd64 || arm64)) || (windows && amd64)

package main

import (
	"fmt"
	"runtime"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
)

// TestCallRawStringResult checks --raw on a char* result that is not NULL: the command
// prints the address C returned, which for strchr is a known offset into the string the
// test passes by its address; without --raw, the string there.
func TestCallRawStringResult(t *testing.T) {
	libc := "libc.so.6"
	if runtime.GOOS == "windows" {
		libc = "ucrtbase.dll"
	}
	s, err := jitffi.CString("key=value")
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("%#x", uintptr(unsafe.Pointer(s)))
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{[]string{"--raw"}, fmt.Sprintf("%#x\n", uintptr(unsafe.Pointer(s))+3)},
		{nil, "\"=value\"\n"},
	} {
		args := append(append([]string{"call"}, tc.flags...), libc, "char *strchr(const char *s, int c);", addr, "61")
		code, stdout, stderr := runCmd(t, args...)
		if code != exitOK || stdout != tc.want || stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 0, stdout %q", args[1:], code, stdout, stderr, tc.want)
		}
	}
	runtime.KeepAlive(s)
}

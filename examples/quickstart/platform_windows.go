package main

import (
	"fmt"
	"io"

	"github.com/jitffi/jitffi"
	"golang.org/x/sys/windows"
)

// The C library on Windows: the Universal C Runtime (ucrtbase.dll, math included), and
// msvcrt.dll for snprintf, whose names ucrtbase does not export (its headers make the
// printf family inline functions).
const (
	libcName     = "ucrtbase.dll"
	libmName     = "ucrtbase.dll"
	snprintfLib  = "msvcrt.dll"
	snprintfName = "_snprintf"
)

// errorCodeStep is step 5 of the tour on Windows: the last-error value.
//
//	DWORD GetFileAttributesW(LPCWSTR path);
//
// Win32 functions report failure through the thread's last-error value (GetLastError),
// which the Go runtime's own system calls may overwrite once control is back in Go.
// CallErrno returns it as the stub read it right after the call, on the same thread. It
// is not cleared before the call, so, as with syscall.Syscall, it means something only
// when the result says the call failed: here INVALID_FILE_ATTRIBUTES (0xFFFFFFFF), with
// ERROR_FILE_NOT_FOUND (2). The C runtime's errno is another variable, kept by each C
// runtime DLL, which its _errno function returns the address of.
func errorCodeStep(w io.Writer, _ *jitffi.Library) error {
	kernel32, err := jitffi.Open("kernel32.dll")
	if err != nil {
		return err
	}
	defer kernel32.Close()
	getAttrs, err := jitffi.Bind1[*uint16, uint32](kernel32, "GetFileAttributesW")
	if err != nil {
		return err
	}
	const path = `C:\jitffi-no-such-file.txt`
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return err
	}
	attrs, lastErr := getAttrs.CallErrno(p)
	name := fmt.Sprint(uint32(lastErr))
	if lastErr == windows.ERROR_FILE_NOT_FOUND {
		name = "ERROR_FILE_NOT_FOUND"
	}
	fmt.Fprintf(w, "GetFileAttributesW(%q) = %#x, last error = %s (%v)\n", path, attrs, name, lastErr)
	return nil
}

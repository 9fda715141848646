package jit

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// sectionPages maps the code arena's chunks: a pagefile-backed section mapped twice, one
// view read-write and one read-execute. The section handle is closed at once; the views
// keep the memory. Policies such as Arbitrary Code Guard refuse the executable view, and
// then the arena is not used.
type sectionPages struct{}

func init() { dualPages = sectionPages{} }

func (sectionPages) mapDual(size int) ([]byte, uintptr, error) {
	h, err := windows.CreateFileMapping(windows.InvalidHandle, nil, windows.PAGE_EXECUTE_READWRITE, 0, uint32(size), nil)
	if err != nil {
		return nil, 0, fmt.Errorf("CreateFileMapping: %w", err)
	}
	defer windows.CloseHandle(h)
	rw, err := windows.MapViewOfFile(h, windows.FILE_MAP_WRITE, 0, 0, uintptr(size))
	if err != nil {
		return nil, 0, fmt.Errorf("MapViewOfFile read-write: %w", err)
	}
	rx, err := windows.MapViewOfFile(h, windows.FILE_MAP_READ|windows.FILE_MAP_EXECUTE, 0, 0, uintptr(size))
	if err != nil {
		windows.UnmapViewOfFile(rw)
		return nil, 0, fmt.Errorf("MapViewOfFile read-execute: %w", err)
	}
	return unsafe.Slice((*byte)(ptrOf(rw)), size), rx, nil
}

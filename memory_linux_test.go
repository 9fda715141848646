package jitffi_test

import (
	"bytes"
	"os"
	"strconv"
	"testing"
)

// processMemory returns the number of anonymous executable mappings (the pages of JIT code
// and trampolines; the program's own code is file-backed) and the resident set size in
// bytes.
func processMemory(t *testing.T) (codeMappings int, rss int64) {
	t.Helper()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	fields := bytes.Fields(statm)
	pages, err := strconv.ParseInt(string(fields[1]), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range bytes.Split(maps, []byte("\n")) {
		f := bytes.Fields(line)
		if len(f) == 5 && bytes.HasPrefix(f[1], []byte("r-x")) {
			codeMappings++
		}
	}
	return codeMappings, pages * int64(os.Getpagesize())
}

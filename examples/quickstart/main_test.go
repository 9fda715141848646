//go:build (linux && (cgo || amd64 || arm64)) || windows

package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestQuickstart runs the tour and checks every line's values, so that the first code
// users read is known to work.
func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatalf("run: %v\noutput so far:\n%s", err, out.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want := [][]string{
		{"cos(1) = 0.5403023058681398"},
		{"pow(2, 10) = 1024"},
		{`strlen("hello, world") = 12`},
		{"snprintf(", ") = 13, ", `buf = "42 3.142 0.75"`},
		errorCodeLine,
		{"div(17, 5) = {Quot:3 Rem:2}"},
		{"ldiv(-1000000007, 10) = {Quot:-100000000 Rem:-7}"},
		{"abs(-42) = 42 (via BindFunc)"},
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), out.String())
	}
	for i, parts := range want {
		for _, p := range parts {
			if !strings.Contains(lines[i], p) {
				t.Errorf("line %d = %q, want it to contain %q", i+1, lines[i], p)
			}
		}
	}
}

//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenRunsTheGenerator checks that jitffi gen runs the jitffi-gen on PATH with its
// arguments and passes its output and exit status through.
func TestGenRunsTheGenerator(t *testing.T) {
	dir := t.TempDir()
	fake := "#!/bin/sh\necho \"jitffi-gen got: $*\"\necho oops >&2\nexit 3\n"
	if err := os.WriteFile(filepath.Join(dir, "jitffi-gen"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	var stdout, stderr bytes.Buffer
	code := run([]string{"gen", "-package", "zlib", "zlib.h"}, &stdout, &stderr)
	if code != 3 || stdout.String() != "jitffi-gen got: -package zlib zlib.h\n" || stderr.String() != "oops\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

// TestGenWithoutTheGenerator checks that jitffi gen says how to install jitffi-gen.
func TestGenWithoutTheGenerator(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var stdout, stderr bytes.Buffer
	if code := run([]string{"gen", "zlib.h"}, &stdout, &stderr); code != exitError {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stderr.String(), "cd gen && go install ./cmd/jitffi-gen") {
		t.Fatalf("no install hint: %q", stderr.String())
	}
}

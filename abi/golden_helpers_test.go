package abi_test

import (
	"flag"
	"os"
	"strings"
	"testing"
)

// The -update and -gcc flags are generic enough that other test files of this package may
// want them too, so they are registered only if no other file has, and read by name.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files with the current output")
	}
	if flag.Lookup("gcc") == nil {
		flag.Bool("gcc", false, "check plans against gcc-compiled callers (needs gcc on the ABI's host)")
	}
}

func boolFlag(name string) bool {
	f := flag.Lookup(name)
	return f != nil && f.Value.String() == "true"
}

// A goldenCase is one case of a golden file: a signature in the parser's syntax and the
// plan text expected for it.
type goldenCase struct {
	name, call string
	want       string
	line       int
}

// readGolden reads a golden file. Its format, line by line: "# ..." comments and blank
// lines; "case NAME" opens a case; "call SIGNATURE" gives its signature; the lines up to
// the next blank line are the expected plan text.
func readGolden(t *testing.T, path string) []*goldenCase {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []*goldenCase
	var cur *goldenCase
	inPlan := false
	for i, line := range strings.Split(string(data), "\n") {
		switch {
		case line == "":
			inPlan, cur = false, nil
		case inPlan:
			cur.want += line + "\n"
		case strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "case "):
			cur = &goldenCase{name: strings.TrimPrefix(line, "case "), line: i + 1}
			cases = append(cases, cur)
		case strings.HasPrefix(line, "call ") && cur != nil && cur.call == "":
			cur.call, inPlan = strings.TrimPrefix(line, "call "), true
		default:
			t.Fatalf("%s:%d: unexpected line %q", path, i+1, line)
		}
	}
	return cases
}

// rewriteGolden replaces every expected plan text of a golden file, keeping the rest.
func rewriteGolden(t *testing.T, path string, got map[int]string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	lines := strings.Split(string(data), "\n")
	caseLine, skipping := 0, false
	for i, line := range lines {
		if skipping {
			if line != "" {
				continue
			}
			skipping = false
		}
		if i == len(lines)-1 && line == "" {
			break
		}
		out.WriteString(line + "\n")
		if strings.HasPrefix(line, "case ") {
			caseLine = i + 1
		}
		if strings.HasPrefix(line, "call ") {
			out.WriteString(got[caseLine])
			skipping = true
		}
	}
	if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Package report reads `go test -bench` output of the bench suite and turns it into a
// markdown table and a chart. Benchmarks are named Benchmark<Group>/<row>/<path>: a row is
// one benchmark (a signature, a library call, a binding case) and a path one way of making
// the call (cgo, jitffi, purego, ...). Path names must not end in "-<digits>", which Go
// appends for GOMAXPROCS.
package report

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// A Key names one cell: a benchmark row within its group, and a path.
type Key struct {
	Group, Row, Path string
}

// A Sample is one result line: ns/op and every other metric on it (B/op, allocs/op and
// custom units such as exec-B/func), by unit.
type Sample struct {
	NsPerOp float64
	Metrics map[string]float64
}

// Results is what one or more `go test -bench` outputs hold.
type Results struct {
	// Config holds the "key: value" lines (goos, goarch, cpu, pkg, goversion, ...).
	Config map[string]string
	// Groups, Rows and Paths list names in order of first appearance; Rows by group.
	Groups []string
	Rows   map[string][]string
	Paths  []string
	// Samples holds each cell's results, one per -count run.
	Samples map[Key][]Sample
	// Skips holds the reason a cell was skipped (its b.Skip message).
	Skips map[Key]string
	// Failures lists the failed benchmarks and tests with their messages.
	Failures []string
}

var (
	// resultLine matches "BenchmarkX/row/path-2   	 1000	  27.1 ns/op	 0 B/op ...".
	resultLine = regexp.MustCompile(`^(Benchmark\S+)\s+(\d+)\s+(.*)$`)
	procSuffix = regexp.MustCompile(`-\d+$`)
	configLine = regexp.MustCompile(`^([a-z][a-zA-Z0-9_-]*):\s+(.*)$`)
	// logLine matches a test log line "    file_test.go:44: message".
	logLine = regexp.MustCompile(`^\s+\S+\.go:\d+: (.*)$`)
)

// Parse reads benchmark output. It needs -v output to see why cells were skipped: without
// -v, go test prints nothing for a skipped benchmark.
func Parse(r io.Reader) (*Results, error) {
	res := &Results{
		Config:  map[string]string{},
		Rows:    map[string][]string{},
		Samples: map[Key][]Sample{},
		Skips:   map[Key]string{},
	}
	seenPath := map[string]bool{}
	seenRow := map[[2]string]bool{}
	note := func(k Key) {
		if _, ok := res.Rows[k.Group]; !ok {
			res.Groups = append(res.Groups, k.Group)
			res.Rows[k.Group] = nil
		}
		if !seenRow[[2]string{k.Group, k.Row}] {
			seenRow[[2]string{k.Group, k.Row}] = true
			res.Rows[k.Group] = append(res.Rows[k.Group], k.Row)
		}
		if !seenPath[k.Path] {
			seenPath[k.Path] = true
			res.Paths = append(res.Paths, k.Path)
		}
	}
	var logs []string // log lines since the last unindented line
	failedPkg := ""   // go test's "FAIL <pkg>" line
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for lineNo := 1; sc.Scan(); lineNo++ {
		line := sc.Text()
		if m := logLine.FindStringSubmatch(line); m != nil {
			logs = append(logs, strings.TrimSpace(m[1]))
			continue
		}
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "--- SKIP: "):
			if k, ok := keyOf(strings.Fields(strings.TrimPrefix(trimmed, "--- SKIP: "))[0]); ok {
				note(k)
				reason := strings.Join(logs, "; ")
				if reason == "" {
					reason = "skipped without a reason"
				}
				res.Skips[k] = reason
			}
		case strings.HasPrefix(trimmed, "--- FAIL: "):
			// A parent benchmark fails with its failing child and says nothing itself.
			if len(logs) > 0 {
				name := strings.Fields(strings.TrimPrefix(trimmed, "--- FAIL: "))[0]
				res.Failures = append(res.Failures, name+": "+strings.Join(logs, "; "))
			}
		case strings.HasPrefix(line, "panic: "), strings.HasPrefix(line, "fatal error: "),
			strings.HasPrefix(line, "SIGSEGV: "), strings.HasPrefix(line, "signal "):
			res.Failures = append(res.Failures, line)
		case strings.HasPrefix(line, "FAIL\t"):
			failedPkg = line
		case strings.HasPrefix(line, "Benchmark"):
			m := resultLine.FindStringSubmatch(line)
			if m == nil {
				break // a bare name line of -v output
			}
			k, ok := keyOf(procSuffix.ReplaceAllString(m[1], ""))
			if !ok {
				break
			}
			s, err := parseMetrics(m[3])
			if err != nil {
				return nil, fmt.Errorf("report: line %d: %v", lineNo, err)
			}
			note(k)
			res.Samples[k] = append(res.Samples[k], s)
		default:
			if m := configLine.FindStringSubmatch(line); m != nil && !strings.HasPrefix(line, "ok") {
				res.Config[m[1]] = m[2]
			}
		}
		logs = logs[:0]
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("report: reading benchmark output: %w", err)
	}
	if failedPkg != "" && len(res.Failures) == 0 {
		res.Failures = append(res.Failures, failedPkg)
	}
	return res, nil
}

// keyOf splits "BenchmarkGroup/row/path" (the row may itself contain slashes).
func keyOf(name string) (Key, bool) {
	parts := strings.Split(strings.TrimPrefix(name, "Benchmark"), "/")
	if len(parts) < 3 {
		return Key{}, false
	}
	return Key{Group: parts[0], Row: strings.Join(parts[1:len(parts)-1], "/"), Path: parts[len(parts)-1]}, true
}

// parseMetrics reads the "value unit" pairs after the iteration count.
func parseMetrics(s string) (Sample, error) {
	f := strings.Fields(s)
	if len(f)%2 != 0 {
		return Sample{}, fmt.Errorf("odd number of value/unit fields in %q", s)
	}
	out := Sample{Metrics: map[string]float64{}}
	seenNs := false
	for i := 0; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return Sample{}, fmt.Errorf("metric %q: %v", f[i+1], err)
		}
		if f[i+1] == "ns/op" {
			out.NsPerOp, seenNs = v, true
			continue
		}
		out.Metrics[f[i+1]] = v
	}
	if !seenNs {
		return Sample{}, fmt.Errorf("no ns/op in %q", s)
	}
	return out, nil
}

// Command report runs jitffi's benchmark suite (or reads saved `go test -bench -v`
// output) and writes a markdown table and a chart of the results.
//
// Run from the bench module:
//
//	go run ./cmd/report -count 5 -out results          # run the suite, 5 runs per cell
//	go run ./cmd/report -in results/bench.txt -out results   # redraw from saved output
//	go run ./cmd/report -count 3 -bench 'Call/(add|void)' -bind ''   # some cells only
//	CGO_ENABLED=0 go run ./cmd/report -tags jitffi_nocgohooks -out results-nocgo   # the suite without cgo
//
// The call and library cells run -count times in one process; the binding cells run
// once in each of -count fresh processes (see runSuite).
//
// It writes <out>/bench.txt (the raw output, when it ran the suite), <out>/table.md and
// <out>/chart.png (or -chart name.svg), and prints the table. It exits non-zero when a
// benchmark failed: a cell whose result disagreed with cgo's is never drawn.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/jitffi/jitffi/bench/internal/report"
)

func main() {
	var (
		in        = flag.String("in", "", "read saved `go test -bench -v` output from this file (\"-\" for stdin) instead of running the suite")
		out       = flag.String("out", "results", "directory for bench.txt, table.md and the chart")
		chartName = flag.String("chart", "chart.png", "chart file name in -out (.png or .svg)")
		count     = flag.Int("count", 5, "runs per cell (go test -count); the table shows medians")
		benchtime = flag.String("benchtime", "1s", "go test -benchtime for each run")
		shared    = flag.String("bench", "^Benchmark(Call|Lib|Callback)$", "benchmarks run -count times in one process (go test -bench pattern; empty for none)")
		fresh     = flag.String("bind", "^BenchmarkBind$", "benchmarks run once in each of -count fresh processes (empty for none)")
		title     = flag.String("title", "", "chart title (default: the machine and Go version)")
		tags      = flag.String("tags", "", "build tags of the suite's test binary (a CGO_ENABLED=0 build needs jitffi_nocgohooks, as the suite imports purego)")
	)
	flag.Parse()
	if err := run(*in, *out, *chartName, *count, *benchtime, *shared, *fresh, *title, *tags); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(in, out, chartName string, count int, benchtime, shared, fresh, title, tags string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var raw []byte
	var err error
	switch in {
	case "":
		raw, err = runSuite(filepath.Join(out, "bench.txt"), count, benchtime, shared, fresh, tags)
	case "-":
		raw, err = io.ReadAll(os.Stdin)
	default:
		raw, err = os.ReadFile(in)
	}
	if err != nil {
		return err
	}
	res, err := report.Parse(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	if len(res.Samples) == 0 {
		return errors.New("no benchmark results in the input")
	}
	table := report.Markdown(res)
	if err := os.WriteFile(filepath.Join(out, "table.md"), []byte(table), 0o644); err != nil {
		return err
	}
	fmt.Print(table)
	if title == "" {
		title = machineTitle(res.Config)
	}
	var chart bytes.Buffer
	if err := report.Chart(res, title, &chart, chartName); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, chartName), chart.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s and %s\n", filepath.Join(out, "table.md"), filepath.Join(out, chartName))
	if len(res.Failures) > 0 {
		return fmt.Errorf("%d benchmark failure(s); see the table's Failures list", len(res.Failures))
	}
	return nil
}

// runSuite builds the bench package's test binary and runs its benchmarks, echoing the
// output to stderr and saving it, with the Go version and core count as configuration
// lines, to rawPath. The call and library cells (pattern shared) run in one process, count
// runs each; the binding cells (pattern fresh) run once in each of count fresh processes,
// because the signatures they bind stay in the process: one process for all runs would
// make every run bind into the leftovers of the runs before it, and collect them at
// every cell.
//
// The binary is built as go test would build it here: with cgo unless CGO_ENABLED=0 is
// set, which the output records as its cgo_enabled line (the cgo column is empty then).
func runSuite(rawPath string, count int, benchtime, shared, fresh, tags string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "jitffi-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bench.test")
	cgoEnabled, err := exec.Command("go", "env", "CGO_ENABLED").Output()
	if err != nil {
		return nil, fmt.Errorf("go env CGO_ENABLED: %w", err)
	}
	cgoPrefix := "" // how the command lines say which build this was
	if strings.TrimSpace(string(cgoEnabled)) == "0" {
		cgoPrefix = "CGO_ENABLED=0 "
	}
	build := exec.Command("go", "test", "-c", "-o", bin, "-tags", tags, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("building the suite: %w", err)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "goversion: %s\nncpu: %d\ncgo_enabled: %s\n", runtime.Version(), runtime.NumCPU(), strings.TrimSpace(string(cgoEnabled)))
	var runErr error
	runBin := func(pattern string, n int) {
		args := []string{"-test.run", "^$", "-test.bench", pattern, "-test.benchmem", "-test.v",
			"-test.timeout", "0", "-test.count", fmt.Sprint(n), "-test.benchtime", benchtime}
		fmt.Fprintf(os.Stderr, "bench.test %s\n", strings.Join(args, " "))
		fmt.Fprintf(&buf, "command: %sgo test -c -tags '%s' && bench.test %s\n", cgoPrefix, tags, strings.Join(args, " "))
		cmd := exec.Command(bin, args...)
		cmd.Stdout = io.MultiWriter(&buf, os.Stderr)
		cmd.Stderr = cmd.Stdout
		if err := cmd.Run(); err != nil && runErr == nil {
			runErr = err
		}
	}
	if shared != "" {
		runBin(shared, count)
	}
	if fresh != "" {
		for range count {
			runBin(fresh, 1)
		}
	}
	if err := os.WriteFile(rawPath, buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	if runErr != nil {
		// A failed cell still leaves the others' figures; Parse lists the failures.
		fmt.Fprintf(os.Stderr, "bench.test: %v\n", runErr)
	}
	return buf.Bytes(), nil
}

func machineTitle(cfg map[string]string) string {
	parts := []string{}
	for _, k := range []string{"goos", "goarch", "cpu", "ncpu", "goversion"} {
		if v := cfg[k]; v != "" {
			if k == "ncpu" {
				v += " cores"
			}
			parts = append(parts, v)
		}
	}
	if cfg["cgo_enabled"] == "0" {
		parts = append(parts, "CGO_ENABLED=0")
	}
	return "jitffi bench: " + strings.Join(parts, ", ")
}

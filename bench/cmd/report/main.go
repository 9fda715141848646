// Command report runs jitffi's benchmark suite (or reads saved `go test -bench -v`
// output) and writes a markdown table and a chart of the results.
//
// Run from the bench module:
//
//	go run ./cmd/report -count 5 -out results          # run the suite, 5 runs per cell
//	go run ./cmd/report -in results/bench.txt -out results   # redraw from saved output
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
		bench     = flag.String("bench", ".", "go test -bench: which benchmarks to run")
		title     = flag.String("title", "", "chart title (default: the machine and Go version)")
	)
	flag.Parse()
	if err := run(*in, *out, *chartName, *count, *benchtime, *bench, *title); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(in, out, chartName string, count int, benchtime, bench, title string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var raw []byte
	var err error
	switch in {
	case "":
		raw, err = runSuite(filepath.Join(out, "bench.txt"), count, benchtime, bench)
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

// runSuite runs the benchmarks of the bench package (the current directory must be the
// bench module), echoing the output to stderr and saving it, with the Go version and
// core count as configuration lines, to rawPath.
func runSuite(rawPath string, count int, benchtime, bench string) ([]byte, error) {
	args := []string{"test", "-run", "^$", "-bench", bench, "-benchmem", "-v", "-timeout", "0",
		"-count", fmt.Sprint(count), "-benchtime", benchtime, "."}
	fmt.Fprintf(os.Stderr, "go %s\n", strings.Join(args, " "))
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "goversion: %s\nncpu: %d\ncommand: go %s\n", runtime.Version(), runtime.NumCPU(), strings.Join(args, " "))
	cmd := exec.Command("go", args...)
	cmd.Stdout = io.MultiWriter(&buf, os.Stderr)
	cmd.Stderr = cmd.Stdout
	runErr := cmd.Run()
	if err := os.WriteFile(rawPath, buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	if runErr != nil {
		// A failed cell still leaves the others' figures; Parse lists the failures.
		fmt.Fprintf(os.Stderr, "go test: %v\n", runErr)
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
	return "jitffi bench: " + strings.Join(parts, ", ")
}

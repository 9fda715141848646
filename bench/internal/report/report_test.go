package report

import (
	"bytes"
	"image/png"
	"math"
	"strings"
	"testing"
)

// sample is `go test -bench -v -count 3` output cut down: three runs of two call cells,
// one skipped cell, a binding cell with a custom metric, and the -v name lines.
const sample = `goversion: go1.26.8
goos: linux
goarch: amd64
pkg: github.com/jitffi/jitffi/bench
cpu: Intel(R) Xeon(R) Processor
BenchmarkCall
BenchmarkCall/add-int32
BenchmarkCall/add-int32/cgo
BenchmarkCall/add-int32/cgo-2         	44000000	        27.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkCall/add-int32/cgo-2         	44000000	        25.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkCall/add-int32/cgo-2         	44000000	        26.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkCall/add-int32/purego
BenchmarkCall/add-int32/purego-2      	 2000000	       520 ns/op	      60 B/op	       4 allocs/op
BenchmarkCall/add-int32/purego-2      	 2000000	       500 ns/op	      60 B/op	       4 allocs/op
BenchmarkCall/add-int32/purego-2      	 2000000	       540 ns/op	      60 B/op	       5 allocs/op
BenchmarkCall/add-int32/jitffi-fast
BenchmarkCall/add-int32/jitffi-fast-2 	100000000	        10.4 ns/op	       0 B/op	       0 allocs/op
BenchmarkCall/add-int32/jitffi-fast-2 	100000000	        10.6 ns/op	       0 B/op	       0 allocs/op
BenchmarkCall/add-int32/jitffi-fast-2 	100000000	        10.5 ns/op	       0 B/op	       0 allocs/op
BenchmarkCall/fma3-double/purego-syscalln
    helpers_test.go:44: purego SyscallN: passes uintptr words only, no float arguments or results
--- SKIP: BenchmarkCall/fma3-double/purego-syscalln
BenchmarkCall/fma3-double/cgo-2       	40000000	        30.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkBind/cold-new-signature/jitffi
BenchmarkBind/cold-new-signature/jitffi-2  	   10000	     85163 ns/op	      4096 exec-B/func	   19035 B/op	     194 allocs/op
    helpers_test.go:44: cgo: functions are bound when the program is built; nothing happens at run time
--- SKIP: BenchmarkBind/cold-new-signature/cgo
PASS
ok  	github.com/jitffi/jitffi/bench	12.3s
`

func TestParse(t *testing.T) {
	res, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Config["cpu"]; got != "Intel(R) Xeon(R) Processor" {
		t.Errorf("cpu = %q", got)
	}
	if got := res.Config["goversion"]; got != "go1.26.8" {
		t.Errorf("goversion = %q", got)
	}
	if got := strings.Join(res.Groups, ","); got != "Call,Bind" {
		t.Errorf("groups = %s", got)
	}
	if got := strings.Join(res.Rows["Call"], ","); got != "add-int32,fma3-double" {
		t.Errorf("Call rows = %s", got)
	}
	if got := strings.Join(res.Paths, ","); got != "cgo,purego,jitffi-fast,purego-syscalln,jitffi" {
		t.Errorf("paths = %s", got)
	}
	cgo := res.Samples[Key{"Call", "add-int32", "cgo"}]
	if len(cgo) != 3 || cgo[0].NsPerOp != 27 || cgo[1].NsPerOp != 25 || cgo[2].NsPerOp != 26 {
		t.Errorf("cgo add samples = %+v", cgo)
	}
	cold := res.Samples[Key{"Bind", "cold-new-signature", "jitffi"}]
	if len(cold) != 1 || cold[0].Metrics["exec-B/func"] != 4096 || cold[0].Metrics["allocs/op"] != 194 {
		t.Errorf("cold bind sample = %+v", cold)
	}
	if got := res.Skips[Key{"Call", "fma3-double", "purego-syscalln"}]; got != "purego SyscallN: passes uintptr words only, no float arguments or results" {
		t.Errorf("skip reason = %q", got)
	}
	if got := res.Skips[Key{"Bind", "cold-new-signature", "cgo"}]; !strings.HasPrefix(got, "cgo: functions are bound") {
		t.Errorf("skip reason = %q", got)
	}
	if len(res.Failures) != 0 {
		t.Errorf("failures = %q", res.Failures)
	}
}

func TestParseFailures(t *testing.T) {
	out := `BenchmarkCall/add-int32/jitffi
    calls_test.go:97: add: got 3, cgo says 4
--- FAIL: BenchmarkCall/add-int32/jitffi
--- FAIL: BenchmarkCall/add-int32
--- FAIL: BenchmarkCall
FAIL
exit status 1
FAIL	github.com/jitffi/jitffi/bench	0.3s
`
	res, err := Parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 1 || res.Failures[0] != "BenchmarkCall/add-int32/jitffi: add: got 3, cgo says 4" {
		t.Errorf("failures = %q", res.Failures)
	}
	// A crash leaves no --- FAIL line with a message; the package line still counts.
	res, err = Parse(strings.NewReader("BenchmarkCall/void/jitffi\nexit status 2\nFAIL\tgithub.com/jitffi/jitffi/bench\t0.1s\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 1 || !strings.HasPrefix(res.Failures[0], "FAIL\t") {
		t.Errorf("failures = %q", res.Failures)
	}
}

func TestParseRejectsBrokenLines(t *testing.T) {
	for _, line := range []string{
		"BenchmarkCall/a/b-2 100 27.1 ns/op 0\n",     // a value without a unit
		"BenchmarkCall/a/b-2 100 fast ns/op\n",       // not a number
		"BenchmarkCall/a/b-2 100 4096 exec-B/func\n", // no ns/op
	} {
		if _, err := Parse(strings.NewReader(line)); err == nil {
			t.Errorf("Parse(%q) accepted it", line)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := Median(c.in); got != c.want {
			t.Errorf("Median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if !math.IsNaN(Median(nil)) {
		t.Error("Median(nil) is not NaN")
	}
}

func TestCells(t *testing.T) {
	res, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	cells := Cells(res)
	purego := cells[Key{"Call", "add-int32", "purego"}]
	if purego.Runs != 3 || purego.Ns != 520 || purego.Allocs != 4 || purego.Ratio != 20 {
		t.Errorf("purego cell = %+v, want 3 runs, 520 ns, 4 allocs, ratio 520/26", purego)
	}
	if c := cells[Key{"Call", "add-int32", "cgo"}]; c.Ratio != 1 {
		t.Errorf("cgo ratio = %v", c.Ratio)
	}
	// A row without a cgo figure has no ratios.
	if c := cells[Key{"Bind", "cold-new-signature", "jitffi"}]; c.Ratio != 0 || c.Metrics["exec-B/func"] != 4096 {
		t.Errorf("cold bind cell = %+v", c)
	}
	if c := cells[Key{"Call", "fma3-double", "purego-syscalln"}]; c.Skip == "" {
		t.Errorf("skipped cell = %+v", c)
	}
}

func TestMarkdown(t *testing.T) {
	res, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	md := Markdown(res)
	for _, want := range []string{
		"Medians of 1 to 3 runs per cell",
		"**Calls (one op = one call)**",
		// columns in PathOrder, whatever the order of appearance
		"| benchmark | cgo | jitffi-fast | purego | purego-syscalln |",
		"| add-int32 | 26.0 ns (1.00x) | 10.5 ns (0.40x) | 520 ns (20.0x), 4 allocs | n/a [1] |",
		"| fma3-double | 30.0 ns (1.00x) | n/a [1] | n/a [1] | n/a [2] |",
		"| cold-new-signature | n/a [3] | 85.2 µs, 194 allocs, 4096 exec-B/func |",
		"1. no result in the input",
		"2. purego SyscallN: passes uintptr words only, no float arguments or results",
		"3. cgo: functions are bound when the program is built",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	// Calls come before binding whatever order the benchmarks ran in.
	if strings.Index(md, "**Calls") > strings.Index(md, "**Binding") {
		t.Errorf("sections out of order:\n%s", md)
	}
}

func TestDurationAndRatio(t *testing.T) {
	for ns, want := range map[float64]string{1.834: "1.83 ns", 27.14: "27.1 ns", 395: "395 ns", 1234: "1.23 µs", 85163: "85.2 µs", 52_765_362: "52.8 ms", 2.5e9: "2.50 s"} {
		if got := Duration(ns); got != want {
			t.Errorf("Duration(%v) = %q, want %q", ns, got, want)
		}
	}
	for r, want := range map[float64]string{0.374: "0.37x", 1: "1.00x", 12.34: "12.3x", 145.2: "145x"} {
		if got := Ratio(r); got != want {
			t.Errorf("Ratio(%v) = %q, want %q", r, got, want)
		}
	}
	for ns, want := range map[float64]string{1: "1 ns", 100: "100 ns", 1000: "1 µs", 1e5: "100 µs", 1e7: "10 ms"} {
		if got := decadeLabel(ns); got != want {
			t.Errorf("decadeLabel(%v) = %q, want %q", ns, got, want)
		}
	}
}

func TestChart(t *testing.T) {
	res, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Chart(res, "test", &buf, "chart.png"); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("the chart is not a PNG: %v", err)
	}
	// One panel per group, stacked.
	if b := img.Bounds(); b.Dx() < 1000 || b.Dy() < b.Dx()/2 {
		t.Errorf("chart is %v, want two wide panels stacked", b)
	}
	buf.Reset()
	if err := Chart(res, "test", &buf, "chart.svg"); err != nil {
		t.Fatal(err)
	}
	if svg := buf.String(); !strings.Contains(svg, "<svg") || !strings.Contains(svg, "add-int32") {
		t.Error("the SVG chart lacks its svg element or a benchmark label")
	}
	if err := Chart(res, "test", &buf, "chart.gif"); err == nil {
		t.Error("Chart accepted a .gif name")
	}
}

package report

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// PathOrder is the column order of the suite's paths; paths not listed follow in the
// order they first appear.
var PathOrder = []string{"cgo", "jitffi", "jitffi-fast", "purego", "purego-syscalln", "libffi", "c-floor"}

// GroupOrder is the order of the suite's benchmark groups; groups not listed follow in
// the order they first appear.
var GroupOrder = []string{"Call", "Lib", "Callback", "Bind"}

// Baseline is the path every other path is compared with.
const Baseline = "cgo"

// GroupTitles gives each benchmark group its section heading.
var GroupTitles = map[string]string{
	"Call":     "Calls (one op = one call)",
	"Lib":      "Real libraries (one op = one library operation)",
	"Callback": "C calling Go (one op = the row's round trip, sort, or create and free)",
	"Bind":     "Binding (one op = the binds the row names)",
}

// A Cell is one table cell's figures.
type Cell struct {
	Runs    int                // samples the medians are taken over
	Ns      float64            // median ns/op
	Ratio   float64            // Ns over the baseline's median in the same row, or 0
	Allocs  float64            // median allocs/op
	Metrics map[string]float64 // medians of the custom metrics
	Skip    string             // the reason, for a skipped cell
}

// Median returns the median of xs (the mean of the middle two for an even count).
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Cells computes every cell of the results: medians over runs, the ratio to the baseline,
// and skips.
func Cells(res *Results) map[Key]Cell {
	out := map[Key]Cell{}
	for k, samples := range res.Samples {
		ns := make([]float64, len(samples))
		metrics := map[string][]float64{}
		for i, s := range samples {
			ns[i] = s.NsPerOp
			for u, v := range s.Metrics {
				metrics[u] = append(metrics[u], v)
			}
		}
		c := Cell{Runs: len(samples), Ns: Median(ns), Metrics: map[string]float64{}}
		for u, vs := range metrics {
			switch u {
			case "allocs/op":
				c.Allocs = Median(vs)
			case "B/op", "MB/s":
				// bytes follow allocations; throughput restates ns/op
			default:
				c.Metrics[u] = Median(vs)
			}
		}
		out[k] = c
	}
	for k, c := range out {
		base, ok := out[Key{k.Group, k.Row, Baseline}]
		if ok && base.Ns > 0 {
			c.Ratio = c.Ns / base.Ns
			out[k] = c
		}
	}
	for k, reason := range res.Skips {
		if _, ok := out[k]; !ok {
			out[k] = Cell{Skip: reason}
		}
	}
	return out
}

// OrderedPaths returns the paths in column order.
func OrderedPaths(seen []string) []string { return ordered(PathOrder, seen) }

// OrderedGroups returns the groups in section order.
func OrderedGroups(seen []string) []string { return ordered(GroupOrder, seen) }

// ordered returns the members of seen that order lists, in that order, then the rest in
// their own order.
func ordered(order, seen []string) []string {
	var out []string
	for _, p := range order {
		if slices.Contains(seen, p) {
			out = append(out, p)
		}
	}
	for _, p := range seen {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// Markdown writes one table per group: a row per benchmark, a column per path, each cell
// the median time per op with its ratio to cgo in brackets and the allocations per op
// where there are any; skipped cells point to numbered notes giving the reason.
func Markdown(res *Results) string {
	cells := Cells(res)
	var b strings.Builder
	notes := []string{}
	noteOf := map[string]int{}
	runs := map[int]bool{}
	for _, c := range cells {
		if c.Skip == "" {
			runs[c.Runs] = true
		}
	}
	fmt.Fprintf(&b, "Medians of %s per cell; in brackets, the ratio to %s in the same row.\n", runsText(runs), Baseline)
	for _, g := range OrderedGroups(res.Groups) {
		title := GroupTitles[g]
		if title == "" {
			title = g
		}
		fmt.Fprintf(&b, "\n**%s**\n\n", title)
		var paths []string
		for _, p := range OrderedPaths(res.Paths) {
			for _, r := range res.Rows[g] {
				if _, ok := cells[Key{g, r, p}]; ok {
					paths = append(paths, p)
					break
				}
			}
		}
		b.WriteString("| benchmark |")
		for _, p := range paths {
			fmt.Fprintf(&b, " %s |", p)
		}
		b.WriteString("\n| --- |")
		for range paths {
			b.WriteString(" ---: |")
		}
		b.WriteString("\n")
		for _, r := range res.Rows[g] {
			fmt.Fprintf(&b, "| %s |", r)
			for _, p := range paths {
				c, ok := cells[Key{g, r, p}]
				reason := c.Skip
				if !ok {
					reason = "no result in the input"
				}
				if reason != "" {
					n, seen := noteOf[reason]
					if !seen {
						notes = append(notes, reason)
						n = len(notes)
						noteOf[reason] = n
					}
					fmt.Fprintf(&b, " n/a [%d] |", n)
					continue
				}
				fmt.Fprintf(&b, " %s |", cellText(c))
			}
			b.WriteString("\n")
		}
	}
	if len(notes) > 0 {
		b.WriteString("\nNot measured:\n\n")
		for i, n := range notes {
			fmt.Fprintf(&b, "%d. %s\n", i+1, n)
		}
	}
	if len(res.Failures) > 0 {
		b.WriteString("\n**Failures** (these cells are not in the table):\n\n")
		for _, f := range res.Failures {
			fmt.Fprintf(&b, "- %s\n", f)
		}
	}
	return b.String()
}

func runsText(runs map[int]bool) string {
	var ns []int
	for n := range runs {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	switch {
	case len(ns) == 0:
		return "no runs"
	case len(ns) == 1 && ns[0] == 1:
		return "1 run (a single run: no median)"
	case len(ns) == 1:
		return fmt.Sprintf("%d runs", ns[0])
	default:
		return fmt.Sprintf("%d to %d runs", ns[0], ns[len(ns)-1])
	}
}

// cellText formats a measured cell: "27.1 ns (1.02x)", then allocations and custom
// metrics.
func cellText(c Cell) string {
	s := Duration(c.Ns)
	if c.Ratio > 0 {
		s += " (" + Ratio(c.Ratio) + ")"
	}
	if c.Allocs != 0 {
		s += ", " + trimFloat(c.Allocs) + " allocs"
	}
	units := make([]string, 0, len(c.Metrics))
	for u := range c.Metrics {
		units = append(units, u)
	}
	sort.Strings(units)
	for _, u := range units {
		s += ", " + trimFloat(c.Metrics[u]) + " " + u
	}
	return s
}

// Duration formats nanoseconds with three significant digits in ns, µs, ms or s.
func Duration(ns float64) string {
	switch {
	case ns < 1e3:
		return sig3(ns) + " ns"
	case ns < 1e6:
		return sig3(ns/1e3) + " µs"
	case ns < 1e9:
		return sig3(ns/1e6) + " ms"
	default:
		return sig3(ns/1e9) + " s"
	}
}

// Ratio formats a ratio as "0.37x", "12.3x" or "145x".
func Ratio(r float64) string {
	switch {
	case r < 10:
		return fmt.Sprintf("%.2fx", r)
	case r < 100:
		return fmt.Sprintf("%.1fx", r)
	default:
		return fmt.Sprintf("%.0fx", r)
	}
}

func sig3(v float64) string {
	switch {
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	case v < 100:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.0f", v)
	}
}

func trimFloat(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/jitffi/jitffi/gen/bindgen"
)

// printSummary writes what was generated for each target, then every declaration left
// out with the reason, one line each, grouped by kind. A declaration skipped on some
// targets only names them. verbose adds the records package abi cannot lay out again.
func printSummary(w io.Writer, pkg string, files int, summaries []bindgen.Summary, verbose bool) {
	for _, s := range summaries {
		fmt.Fprintf(w, "jitffi-gen %s: %v\n", pkg, s)
	}
	if len(summaries) > 1 {
		fmt.Fprintf(w, "jitffi-gen %s: %d files for %d targets\n", pkg, files, len(summaries))
	}
	skipped := merge(summaries, func(s bindgen.Summary) []bindgen.Skip { return s.Skipped })
	if len(skipped) > 0 {
		fmt.Fprintf(w, "jitffi-gen %s: skipped, never guessed (the generated file lists them too):\n", pkg)
		printGrouped(w, skipped, len(summaries))
	}
	if !verbose {
		return
	}
	unmodelled := merge(summaries, func(s bindgen.Summary) []bindgen.Skip { return s.ABIUnmodelled })
	if len(unmodelled) > 0 {
		fmt.Fprintf(w, "jitffi-gen %s: not laid out again by package abi (the C compiler's check and the layout test cover them):\n", pkg)
		printGrouped(w, unmodelled, len(summaries))
	}
}

// A targetSkip is one skipped declaration and the targets it is skipped on.
type targetSkip struct {
	bindgen.Skip
	targets []string
}

// merge lists the skips of every summary once, by kind (in the order bindgen.Summary
// gives them), each with the targets that have it.
func merge(summaries []bindgen.Summary, list func(bindgen.Summary) []bindgen.Skip) []*targetSkip {
	var out []*targetSkip
	seen := map[bindgen.Skip]*targetSkip{}
	for _, s := range summaries {
		for _, k := range list(s) {
			ts, ok := seen[k]
			if !ok {
				ts = &targetSkip{Skip: k}
				seen[k] = ts
				out = append(out, ts)
			}
			ts.targets = append(ts.targets, s.Target.String())
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// printGrouped writes a heading per kind and a line per skip under it.
func printGrouped(w io.Writer, skips []*targetSkip, targets int) {
	for i := 0; i < len(skips); {
		j := i
		for j < len(skips) && skips[j].Kind == skips[i].Kind {
			j++
		}
		fmt.Fprintf(w, "  %s:\n", plural(j-i, skips[i].Kind))
		for _, k := range skips[i:j] {
			only := ""
			if len(k.targets) < targets {
				only = " (" + strings.Join(k.targets, ", ") + " only)"
			}
			fmt.Fprintf(w, "    %s%s: %s\n", k.Name, only, k.Reason)
		}
		i = j
	}
}

// plural is "1 macro", "2 macros".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

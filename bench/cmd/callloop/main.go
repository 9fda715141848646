//go:build linux && cgo

// Command callloop makes one kind of call n times, for counting instructions per call
// under valgrind, where wall-clock benchmarks are too noisy to show a difference of a few
// instructions:
//
//	go build -o /tmp/callloop ./cmd/callloop
//	for n in 100000 200000; do
//		GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind \
//			--callgrind-out-file=/tmp/cg.jitffi.$n /tmp/callloop jitffi $n
//	done
//
// The instructions of one call are the difference of the two totals over 100000 (the
// program's start and end cancel out); callgrind_annotate /tmp/cg.jitffi.200000 splits
// them by function. Kinds: none, cgo, jitffi, jitffi-fast (int32 add(int32, int32)), and
// roundtrip-cgo, roundtrip-jitffi (Go -> C -> Go, as in BenchmarkCallback/roundtrip).
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/bench"
)

var sink int64

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: callloop none|cgo|jitffi|jitffi-fast|roundtrip-cgo|roundtrip-jitffi n")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "callloop:", err)
		os.Exit(2)
	}
	add := must(jitffi.Bind2At[int32, int32, int32](bench.Addrs.Add))
	fast := must(jitffi.Bind2At[int32, int32, int32](bench.Addrs.Add, jitffi.Fast()))
	call := must(jitffi.Bind2At[*jitffi.Callback, int64, int64](bench.CbCallAddr))
	cb := must(jitffi.NewCallback1(func(x int64) int64 { return x + 1 }))
	defer cb.Free()
	switch os.Args[1] {
	case "none":
	case "cgo":
		for i := range n {
			sink = int64(bench.CgoAdd(int32(i), 1))
		}
	case "jitffi":
		for i := range n {
			sink = int64(add.Call(int32(i), 1))
		}
	case "jitffi-fast":
		for i := range n {
			sink = int64(fast.Call(int32(i), 1))
		}
	case "roundtrip-cgo":
		for i := range n {
			sink = bench.CgoRoundTrip(int64(i))
		}
	case "roundtrip-jitffi":
		for i := range n {
			sink = call.Call(cb, int64(i))
		}
	default:
		fmt.Fprintln(os.Stderr, "callloop: unknown kind", os.Args[1])
		os.Exit(2)
	}
	fmt.Println(sink)
}

func must[T any](v T, err error) T {
	if err != nil {
		fmt.Fprintln(os.Stderr, "callloop:", err)
		os.Exit(1)
	}
	return v
}

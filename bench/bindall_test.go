//go:build linux

package bench_test

import (
	"reflect"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ebitengine/purego"
	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/bench"
	"github.com/jupiterrider/ffi"
)

const (
	noBatchBind       = "no batch-binding API: its binds one by one are the BindFunc-100 row"
	noLibffiFreshBind = "libffi: nothing to bind but a cif per signature, which the N-new-signatures rows measure"
)

// sameSizeKinds are the member kinds of the structs the BindAll-100 and BindFunc-100 rows
// bind. Those structs all have sameSizeMembers members, so that the two rows, which run
// one after the other, bind equally large signatures; freshFields' structs grow with the
// count of binds made before. The first member is always a uint64, which freshFields never
// makes, so no struct of these rows was bound by an earlier row.
var sameSizeKinds = []fieldKind{
	{abi.Int64, reflect.TypeFor[int64](), &ffi.TypeSint64},
	{abi.Uint64, reflect.TypeFor[uint64](), &ffi.TypeUint64},
	{abi.Float64, reflect.TypeFor[float64](), &ffi.TypeDouble},
}

const sameSizeMembers = 13 // 104 bytes; 3^12 = 531441 different structs

var sameSizeCount atomic.Uint64

// sameSizeFields returns the members of the n-th struct of the BindAll-100 and
// BindFunc-100 rows: a uint64, then n in base 3 over sameSizeKinds.
func sameSizeFields(n uint64) []fieldKind {
	fs := []fieldKind{sameSizeKinds[1]}
	for range sameSizeMembers - 1 {
		fs = append(fs, sameSizeKinds[n%3])
		n /= 3
	}
	if n != 0 {
		panic("bench: the BindAll-100 and BindFunc-100 rows ran out of different structs")
	}
	return fs
}

// freshFuncFields returns n func types of never-seen signatures, func(S) uint16 with a
// fresh struct S of sameSizeMembers members each, as the fields of a struct BindAll binds,
// each tagged with symbol (the functions are bound, never called).
func freshFuncFields(n int, symbol string) []reflect.StructField {
	fields := make([]reflect.StructField, n)
	for i := range fields {
		fields[i] = reflect.StructField{
			Name: "F" + strconv.Itoa(i),
			Type: freshFuncType(sameSizeFields(sameSizeCount.Add(1) - 1)),
			Tag:  reflect.StructTag(`c:"` + symbol + `"`),
		}
	}
	return fields
}

// TestSameSizeSignaturesDiffer makes sure the BindAll-100 and BindFunc-100 rows bind
// signatures jitffi has never compiled: their structs all differ, and from freshFields'.
func TestSameSizeSignaturesDiffer(t *testing.T) {
	seen := map[string]bool{}
	for n := uint64(1); n <= 100000; n++ {
		seen[abi.LayoutKey(freshSig(fieldsOf(n)))] = true
	}
	for n := uint64(0); n < 100000; n++ {
		k := abi.LayoutKey(freshSig(sameSizeFields(n)))
		if seen[k] {
			t.Fatalf("same-size struct %d has a layout seen before: %s", n, k)
		}
		seen[k] = true
	}
}

// cpuClock adds up the process's CPU time (user and system, getrusage) over the parts of
// an op it is started and stopped around, and reports it per op as cpu-ns/op: unlike the
// wall time, it does not grow when other processes compete for the machine's cores.
type cpuClock struct{ start, total time.Duration }

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (c *cpuClock) Start() { c.start = processCPU() }
func (c *cpuClock) Stop()  { c.total += processCPU() - c.start }
func (c *cpuClock) report(b *testing.B) {
	b.ReportMetric(float64(c.total.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// checkBoundStrlen binds strlen the way the cell binds its fields (one BindAll of a
// struct, or BindFunc), calls it and compares the result with the reference's.
func checkBoundStrlen(b *testing.B, all bool, opts ...jitffi.Option) {
	lib := jitLib(b, bench.LibC)
	var s struct {
		Strlen func(string) uint64 `c:"strlen"`
	}
	var err error
	if all {
		err = jitffi.BindAll(lib, &s, opts...)
	} else {
		err = jitffi.BindFunc(lib, "strlen", &s.Strlen, opts...)
	}
	if err != nil {
		b.Fatal(err)
	}
	agree(b, "strlen bound", s.Strlen("hello, world"), theC(b).ref.Strlen([]byte("hello, world\x00")))
}

// benchBindAll100 binds, per op, a struct of 100 func fields of never-seen signatures
// with one BindAll call. The struct type is made outside the timed part (a program's
// binding struct is a type it was compiled with), so the op is BindAll's work alone.
func benchBindAll100(b *testing.B) {
	const perOp = 100
	skipCell(b, pathCgo, noBindCgo)
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			checkBoundStrlen(b, true, opts...)
			lib := jitLib(b, bench.LibC)
			var cpu cpuClock
			measureExec(b, perOp, func() {
				b.StopTimer()
				v := reflect.New(reflect.StructOf(freshFuncFields(perOp, "abs")))
				b.StartTimer()
				cpu.Start()
				if err := jitffi.BindAll(lib, v.Interface(), opts...); err != nil {
					b.Fatal(err)
				}
				cpu.Stop()
			})
			cpu.report(b)
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	skipCell(b, pathPurego, "purego: "+noBatchBind)
	skipCell(b, pathSyscallN, noBindSyscallN)
	skipCell(b, pathLibffi, noLibffiFreshBind)
	skipCell(b, pathFloor, noBindFloor)
}

// benchBindFunc100 binds the same kind of 100 fields as benchBindAll100, one bind call
// per field: jitffi's BindFunc, purego's RegisterLibFunc. The func types are made outside
// the timed part, as there.
func benchBindFunc100(b *testing.B) {
	const perOp = 100
	skipCell(b, pathCgo, noBindCgo)
	// vars makes the func variables for one op with cell b's timer stopped.
	vars := func(b *testing.B) []any {
		b.StopTimer()
		defer b.StartTimer()
		ptrs := make([]any, perOp)
		for i, f := range freshFuncFields(perOp, "abs") {
			ptrs[i] = reflect.New(f.Type).Interface()
		}
		return ptrs
	}
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			checkBoundStrlen(b, false, opts...)
			lib := jitLib(b, bench.LibC)
			var cpu cpuClock
			measureExec(b, perOp, func() {
				ptrs := vars(b)
				cpu.Start()
				for _, p := range ptrs {
					if err := jitffi.BindFunc(lib, "abs", p, opts...); err != nil {
						b.Fatal(err)
					}
				}
				cpu.Stop()
			})
			cpu.report(b)
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		lib := puregoLib(b, bench.LibC)
		var strlen func(string) uint64
		purego.RegisterLibFunc(&strlen, lib, "strlen")
		agree(b, "strlen bound", strlen("hello, world"), theC(b).ref.Strlen([]byte("hello, world\x00")))
		var cpu cpuClock
		measureExec(b, perOp, func() {
			ptrs := vars(b)
			cpu.Start()
			for _, p := range ptrs {
				purego.RegisterLibFunc(p, lib, "abs")
			}
			cpu.Stop()
		})
		cpu.report(b)
	})
	skipCell(b, pathSyscallN, noBindSyscallN)
	skipCell(b, pathLibffi, noLibffiFreshBind)
	skipCell(b, pathFloor, noBindFloor)
}

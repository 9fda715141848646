// Command withpurego is a program that imports both jitffi and purego, and calls C
// through each, C calling back into Go through each as well. Built with CGO_ENABLED=0,
// both would install the runtime's cgo hooks, and two copies cannot link, so it is built
// with -tags jitffi_nocgohooks: jitffi then installs none and uses purego's. CI builds it
// so and runs it, natively and as an arm64 program under qemu (.ci/steps/nocgo.sh and
// nocgo-arm64-qemu.sh). go.mod names purego v0.11, which needs Go 1.25; on Go 1.24 CI
// runs a copy whose go.mod names purego v0.10.2 instead.
//
//	CGO_ENABLED=0 go build -tags jitffi_nocgohooks .
package main

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"sync/atomic"
	"unsafe"

	"github.com/ebitengine/purego"
	"github.com/jitffi/jitffi"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "withpurego:", err)
		os.Exit(1)
	}
	fmt.Println("withpurego: jitffi and purego both called C, and C called back through both")
}

func run() error {
	// Through purego: its loader, a bound function and a callback.
	h, err := purego.Dlopen("libc.so.6", purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return fmt.Errorf("purego: %w", err)
	}
	var pstrlen func(string) int
	purego.RegisterLibFunc(&pstrlen, h, "strlen")
	if n := pstrlen("purego"); n != 6 {
		return fmt.Errorf("purego: strlen(\"purego\") = %d", n)
	}
	var pqsort func(unsafe.Pointer, uintptr, uintptr, uintptr)
	purego.RegisterLibFunc(&pqsort, h, "qsort")
	pcmp := purego.NewCallback(func(a, b *int32) int32 { return int32(cmp.Compare(*a, *b)) })
	data := []int32{5, 3, 9, 1, 7}
	pqsort(unsafe.Pointer(&data[0]), uintptr(len(data)), 4, pcmp)
	if !slices.IsSorted(data) {
		return fmt.Errorf("purego: qsort with a Go comparator gave %v", data)
	}

	// Through jitffi, on the runtime hooks purego installed.
	libc, err := jitffi.Open("libc.so.6")
	if err != nil {
		return err
	}
	defer libc.Close()
	abs, err := jitffi.Bind1[int32, int32](libc, "abs")
	if err != nil {
		return err
	}
	absFast, err := jitffi.Bind1[int32, int32](libc, "abs", jitffi.Fast())
	if err != nil {
		return err
	}
	if abs.Call(-42) != 42 || absFast.Call(-43) != 43 {
		return fmt.Errorf("jitffi: abs(-42) = %d, fast abs(-43) = %d", abs.Call(-42), absFast.Call(-43))
	}
	strtol, err := jitffi.Bind3[*byte, **byte, int32, int64](libc, "strtol")
	if err != nil {
		return err
	}
	big, err := jitffi.CString("99999999999999999999999")
	if err != nil {
		return err
	}
	if _, errno := strtol.CallErrno(big, nil, 10); errno != 34 { // ERANGE
		return fmt.Errorf("jitffi: strtol overflow gave errno %d, want ERANGE", errno)
	}
	qsort, err := jitffi.Bind4[unsafe.Pointer, uint64, uint64, *jitffi.Callback, jitffi.Void](libc, "qsort")
	if err != nil {
		return err
	}
	jcmp, err := jitffi.NewCallback2(func(a, b *int32) int32 { return int32(cmp.Compare(*b, *a)) })
	if err != nil {
		return err
	}
	defer jcmp.Free()
	qsort.Call(unsafe.Pointer(&data[0]), uint64(len(data)), 4, jcmp)
	if !slices.IsSortedFunc(data, func(a, b int32) int { return cmp.Compare(b, a) }) {
		return fmt.Errorf("jitffi: qsort with a Go comparator gave %v", data)
	}

	// A jitffi callback as the start routine of threads C creates: the runtime attaches
	// each thread to Go for the call, on purego's hooks.
	pthreadCreate, err := jitffi.Bind4[*uint64, unsafe.Pointer, *jitffi.Callback, unsafe.Pointer, int32](libc, "pthread_create")
	if err != nil {
		return err
	}
	pthreadJoin, err := jitffi.Bind2[uint64, unsafe.Pointer, int32](libc, "pthread_join")
	if err != nil {
		return err
	}
	var ran atomic.Int32
	start, err := jitffi.NewCallback1(func(arg unsafe.Pointer) unsafe.Pointer {
		ran.Add(1)
		return arg
	})
	if err != nil {
		return err
	}
	defer start.Free()
	threads := make([]uint64, 4)
	for i := range threads {
		if rc := pthreadCreate.Call(&threads[i], nil, start, nil); rc != 0 {
			return fmt.Errorf("jitffi: pthread_create = %d", rc)
		}
	}
	for _, th := range threads {
		if rc := pthreadJoin.Call(th, nil); rc != 0 {
			return fmt.Errorf("jitffi: pthread_join = %d", rc)
		}
	}
	if ran.Load() != int32(len(threads)) {
		return fmt.Errorf("jitffi: %d C threads ran the Go start routine %d times", len(threads), ran.Load())
	}
	return nil
}

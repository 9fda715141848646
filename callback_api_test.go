//go:build cgo || windows || (linux && (amd64 || arm64))

package jitffi_test

import (
	"math/rand"
	"slices"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
)

// TestQsortWithGoComparator sorts 10^5 int32 with the C library's qsort calling a Go
// comparator, and checks the order against Go's own sort.
func TestQsortWithGoComparator(t *testing.T) {
	libc := openLib(t, libcName)
	qsort := must(jitffi.Bind4[unsafe.Pointer, uint64, uint64, *jitffi.Callback, jitffi.Void](libc, "qsort"))
	calls := 0
	cmp := must(jitffi.NewCallback2(func(a, b *int32) int32 {
		calls++
		switch {
		case *a < *b:
			return -1
		case *a > *b:
			return 1
		}
		return 0
	}))
	defer cmp.Free()
	rng := rand.New(rand.NewSource(1))
	data := make([]int32, 100_000)
	for i := range data {
		data[i] = rng.Int31() - 1<<30
	}
	want := slices.Clone(data)
	slices.Sort(want)
	qsort.Call(unsafe.Pointer(&data[0]), uint64(len(data)), 4, cmp)
	if !slices.Equal(data, want) {
		t.Fatal("qsort with the Go comparator did not sort")
	}
	if calls < len(data) {
		t.Fatalf("the comparator ran %d times for %d elements", calls, len(data))
	}
}

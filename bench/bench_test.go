//go:build cgo && linux

package bench_test

import (
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/bench"
)

var sink int32

func BenchmarkAdd(b *testing.B) {
	def, err := jitffi.Bind2At[int32, int32, int32](bench.AddAddr())
	if err != nil {
		b.Fatal(err)
	}
	fast, err := jitffi.Bind2At[int32, int32, int32](bench.AddAddr(), jitffi.Fast())
	if err != nil {
		b.Fatal(err)
	}
	var reflective func(int32, int32) int32
	if err := jitffi.BindFuncAt(bench.AddAddr(), &reflective); err != nil {
		b.Fatal(err)
	}
	b.Run("cgo", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink = bench.CgoAdd(int32(i), 1)
		}
	})
	b.Run("jitffi-default", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink = def.Call(int32(i), 1)
		}
	})
	b.Run("jitffi-fast", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink = fast.Call(int32(i), 1)
		}
	})
	b.Run("jitffi-bindfunc", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink = reflective(int32(i), 1)
		}
	})
}

// TestAddAgrees makes sure the benchmark measures working calls: all three paths must
// compute the same sums.
func TestAddAgrees(t *testing.T) {
	def, err := jitffi.Bind2At[int32, int32, int32](bench.AddAddr())
	if err != nil {
		t.Fatal(err)
	}
	fast := must(jitffi.Bind2At[int32, int32, int32](bench.AddAddr(), jitffi.Fast()))
	for _, c := range [][2]int32{{1, 2}, {-5, 3}, {1 << 30, 1 << 30}} {
		want := bench.CgoAdd(c[0], c[1])
		if got := def.Call(c[0], c[1]); got != want {
			t.Errorf("default add(%d, %d) = %d, cgo says %d", c[0], c[1], got, want)
		}
		if got := fast.Call(c[0], c[1]); got != want {
			t.Errorf("fast add(%d, %d) = %d, cgo says %d", c[0], c[1], got, want)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

//go:build linux && (cgo || amd64 || arm64)

package jitffi_test

import (
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// speedSource is the C the call benchmarks call: an add, and a function that calls a
// callback once.
const speedSource = `
#include <stdint.h>
int32_t jitffi_speed_add(int32_t a, int32_t b) { return a + b; }
int64_t jitffi_speed_call(int64_t (*f)(int64_t), int64_t x) { return f(x); }
`

var speedSink int64

// BenchmarkCallBuilds measures a call of a C int add(int, int) in both call modes, and a
// Go -> C -> Go round trip through a callback, in whichever build the test binary is: the
// README compares a CGO_ENABLED=1 and a CGO_ENABLED=0 run of it.
func BenchmarkCallBuilds(b *testing.B) {
	path, err := ctest.Compile(b.TempDir(), speedSource)
	if err != nil {
		b.Fatalf("compiling with %v: %v", ctest.Compiler(), err)
	}
	lib := openLib(b, path)
	add := must(jitffi.Bind2[int32, int32, int32](lib, "jitffi_speed_add"))
	addFast := must(jitffi.Bind2[int32, int32, int32](lib, "jitffi_speed_add", jitffi.Fast()))
	call := must(jitffi.Bind2[*jitffi.Callback, int64, int64](lib, "jitffi_speed_call"))
	cb := must(jitffi.NewCallback1(func(x int64) int64 { return x + 1 }))
	defer cb.Free()
	b.Run("default", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			speedSink += int64(add.Call(int32(i), 1))
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			speedSink += int64(addFast.Call(int32(i), 1))
		}
	})
	b.Run("callback", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			speedSink += call.Call(cb, int64(i))
		}
	})
}

// Package callbacktest provides C functions that call back into Go, through cgo's
// //export, and grow the calling goroutine's stack there. Tests use them to check that a
// jitffi call survives its goroutine stack being moved while C runs.
package callbacktest

/*
#include <stdint.h>
extern void jitffiGrowStack(void);
typedef struct { int64_t a, b, c; } jitffi_big;
static int64_t jitffi_cb_scalar(int64_t x) { jitffiGrowStack(); return x * 2; }
static jitffi_big jitffi_cb_big(int64_t x) { jitffiGrowStack(); jitffi_big r = {x, x + 1, x + 2}; return r; }
static uintptr_t jitffi_cb_scalar_addr(void) { return (uintptr_t)&jitffi_cb_scalar; }
static uintptr_t jitffi_cb_big_addr(void) { return (uintptr_t)&jitffi_cb_big; }
*/
import "C"

import "sync/atomic"

// Depth is how many 1 KiB frames the callback pushes; enough of them makes the runtime
// copy the goroutine stack to a bigger one.
var Depth atomic.Int64

var sink int

//export jitffiGrowStack
func jitffiGrowStack() { sink = grow(int(Depth.Load())) }

//go:noinline
func grow(n int) int {
	var buf [1024]byte
	buf[n%len(buf)] = byte(n)
	if n <= 0 {
		return int(buf[0])
	}
	return grow(n-1) + int(buf[n%len(buf)])
}

// Big is the C struct jitffi_big: 24 bytes, returned through a hidden pointer.
type Big struct{ A, B, C int64 }

// ScalarAddr is the address of `int64_t f(int64_t x)`, which calls back and returns 2x.
func ScalarAddr() uintptr { return uintptr(C.jitffi_cb_scalar_addr()) }

// BigAddr is the address of `jitffi_big f(int64_t x)`, which calls back and returns
// {x, x+1, x+2}.
func BigAddr() uintptr { return uintptr(C.jitffi_cb_big_addr()) }

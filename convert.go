package jitffi

import (
	"sync"
	"unsafe"
)

// conversions are the per-call steps a typed binding needs for Go values that are not C
// values as they are: string arguments (a NUL-terminated copy), slice arguments (NULL
// when empty) and a string result (a copy of the C string). The frame slots of strings and
// slices hold the Go header, whose first word is what the stub passes (see
// jit.Options.GoStringArgs). *Callback arguments need none: the stub passes the word
// they point to, the callback's C address (jit.Options.DerefArgs).
type conversions struct {
	strings, slices []uintptr // frame offsets of such arguments
	stringResult    int       // frame offset of a string result, or -1
}

// before turns the Go arguments in frame into what C receives.
func (c *conversions) before(frame unsafe.Pointer) {
	for _, off := range c.slices {
		h := (*sliceHeader)(unsafe.Add(frame, off))
		if h.len == 0 {
			h.data = nil
		}
	}
	for _, off := range c.strings {
		h := (*stringHeader)(unsafe.Add(frame, off))
		h.data = cStringCopy(h.data, h.len)
	}
}

// after releases what before took and turns a C string result into a Go string.
func (c *conversions) after(frame unsafe.Pointer) {
	for _, off := range c.strings {
		h := (*stringHeader)(unsafe.Add(frame, off))
		releaseCStringCopy(hide(h.data), h.len)
	}
	if c.stringResult >= 0 {
		h := (*stringHeader)(unsafe.Add(frame, c.stringResult))
		s := GoString((*byte)(h.data))
		*(*string)(unsafe.Pointer(h)) = s
	}
}

// hide returns p, through a uintptr so that escape analysis loses track of it: the pool
// buffers after hands back come from the pools, not from the frame's pointer arguments,
// which must not escape for that (a NoEscape view's arguments stay on the stack). The
// buffer stays reachable meanwhile through the frame slot it came from.
//
//go:nosplit
func hide(p unsafe.Pointer) unsafe.Pointer {
	x := uintptr(p)
	return *(*unsafe.Pointer)(unsafe.Pointer(&x))
}

type stringHeader struct {
	data unsafe.Pointer
	len  int
}

type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

// String arguments are copied, with a NUL appended, into buffers of a few sizes kept in
// pools, so that a call with a string argument allocates nothing once the pools are warm;
// a string too long for the largest size (65536 bytes or more) gets a buffer of its own.
// The sizes go up to 64 KiB because a fresh buffer costs far more than its copy: a call
// with a 4 KiB string took about 2.8 µs and an allocation when 4 KiB was the largest size,
// and about 180 ns with the 16 KiB pool (BenchmarkCall/strlen-string-4KiB in bench/).
var cStringPools = [...]struct {
	size int
	pool sync.Pool
}{{size: 64}, {size: 256}, {size: 1024}, {size: 4096}, {size: 16384}, {size: 65536}}

func init() {
	for i := range cStringPools {
		size := cStringPools[i].size
		cStringPools[i].pool.New = func() any { return unsafe.Pointer(unsafe.SliceData(make([]byte, size))) }
	}
}

// cStringCopy returns a NUL-terminated copy of the n bytes at s.
func cStringCopy(s unsafe.Pointer, n int) unsafe.Pointer {
	var buf unsafe.Pointer
	if k := cStringPool(n); k >= 0 {
		buf = cStringPools[k].pool.Get().(unsafe.Pointer)
	} else {
		buf = unsafe.Pointer(unsafe.SliceData(make([]byte, n+1)))
	}
	b := unsafe.Slice((*byte)(buf), n+1)
	copy(b, unsafe.Slice((*byte)(s), n))
	b[n] = 0
	return buf
}

// releaseCStringCopy gives a copy of an n-byte string back to its pool.
func releaseCStringCopy(buf unsafe.Pointer, n int) {
	if k := cStringPool(n); k >= 0 {
		cStringPools[k].pool.Put(buf)
	}
}

// cStringPool returns the pool whose buffers hold an n-byte string and its NUL, or -1.
func cStringPool(n int) int {
	for k := range cStringPools {
		if n < cStringPools[k].size {
			return k
		}
	}
	return -1
}

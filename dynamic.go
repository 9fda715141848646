package jitffi

import (
	"fmt"
	"syscall"
	"unsafe"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/asm"
)

// A Dynamic is a C function bound to a signature known only at run time, such as one
// parsed from text with abi.ParseSignature. Its calls take a Frame of raw argument bytes.
type Dynamic struct{ b *binding }

// BindDynamic binds symbol in lib to sig. The options are Bind's; a variadic split comes
// from sig itself.
func BindDynamic(lib *Library, symbol string, sig *abi.Signature, opts ...Option) (*Dynamic, error) {
	addr, err := lib.lookupFunc(symbol)
	if err != nil {
		return nil, err
	}
	return BindDynamicAt(addr, sig, opts...)
}

// BindDynamicAt binds the C function at addr to sig.
func BindDynamicAt(addr uintptr, sig *abi.Signature, opts ...Option) (*Dynamic, error) {
	cfg := newBindConfig(opts)
	if cfg.fixed != -1 {
		return nil, fmt.Errorf("jitffi: BindDynamic takes the variadic split from the signature (Signature.Fixed), not from the Variadic option: %w", ErrBadVariadic)
	}
	b, err := bindSignature(addr, sig, cfg)
	if err != nil {
		return nil, err
	}
	return &Dynamic{b: b}, nil
}

// Signature returns a copy of the C signature the function is bound to.
func (d *Dynamic) Signature() *abi.Signature { return d.b.signature.Clone() }

// Plan returns the call plan the stub was compiled from.
func (d *Dynamic) Plan() *abi.Plan { return d.b.plan }

// NewFrame returns a zeroed frame for one call; a frame can be reused for later calls.
func (d *Dynamic) NewFrame() *Frame {
	if d == nil || d.b == nil {
		panic("jitffi: NewFrame of a nil or zero Dynamic")
	}
	return &Frame{words: make([]uint64, d.b.layout.Size/8), d: d}
}

// Call calls the function with the arguments in f and leaves the result in f.
func (d *Dynamic) Call(f *Frame) { d.call(f, d.b.stub) }

// CallErrno is Call that also returns errno as read right after the call.
func (d *Dynamic) CallErrno(f *Frame) syscall.Errno {
	d.call(f, d.b.errno)
	return syscall.Errno(uint32(f.header().Errno))
}

func (d *Dynamic) call(f *Frame, stub uintptr) {
	if f == nil || f.d != d {
		panic("jitffi: a Dynamic is called with a frame made by its own NewFrame")
	}
	h := f.header()
	h.Stub, h.Fn = stub, d.b.fn
	d.b.run(unsafe.Pointer(&f.words[0]))
}

// A Frame holds the arguments and the result of one Dynamic call as C lays them out. Its
// memory is not scanned for Go pointers: keep whatever a pointer argument points to alive
// (runtime.KeepAlive) until the call returns. A Frame is for one goroutine at a time.
type Frame struct {
	words []uint64
	d     *Dynamic
}

func (f *Frame) header() *asm.Header { return (*asm.Header)(unsafe.Pointer(&f.words[0])) }

func (f *Frame) bytes(off, n int) []byte {
	if n == 0 {
		// An empty value's slot can start at the frame's end; a slice there would point
		// past the allocation, at whatever object follows it, and the garbage collector
		// aborts ("found pointer to free object") when that object is free.
		return []byte{}
	}
	return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(&f.words[0]), off)), n)
}

// Arg returns the bytes of argument i, as many as its C type's size, to read or fill in.
func (f *Frame) Arg(i int) []byte {
	sig := f.d.b.signature
	if i < 0 || i >= len(sig.Params) {
		panic(fmt.Sprintf("jitffi: argument %d of %d", i, len(sig.Params)))
	}
	return f.bytes(f.d.b.layout.Args[i], sig.Params[i].Size())
}

// Result returns the bytes of the result, as many as its C type's size. A narrow integer
// result is stored widened to 64 bits, so reading 8 bytes at Result's start is safe too.
func (f *Frame) Result() []byte {
	return f.bytes(f.d.b.layout.Result, f.d.b.signature.Result.Size())
}

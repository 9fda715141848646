package jitffi

import (
	"fmt"
	"unsafe"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/asm"
	"github.com/jitffi/jitffi/jit"
)

// A Dynamic is a C function bound to a signature known only at run time, such as one
// parsed from a header's prototype with abi.Parser. Its calls take a Frame, filled and
// read with typed accessors (SetInt, SetArg, ResultFloat, ...) or as bytes.
type Dynamic struct{ b *binding }

// BindDynamic binds symbol in lib to sig. The options are Bind's; a variadic split comes
// from sig itself.
func BindDynamic(lib *Library, symbol string, sig *abi.Signature, opts ...Option) (*Dynamic, error) {
	addr, o, err := lib.lookupFunc(symbol)
	if err != nil {
		return nil, err
	}
	return bindDynamic(o, addr, sig, opts)
}

// BindDynamicAt binds the C function at addr to sig.
func BindDynamicAt(addr uintptr, sig *abi.Signature, opts ...Option) (*Dynamic, error) {
	return bindDynamic(atAddress(addr), addr, sig, opts)
}

func bindDynamic(o origin, addr uintptr, sig *abi.Signature, opts []Option) (*Dynamic, error) {
	cfg := newBindConfig(opts)
	if cfg.fixed != -1 {
		return nil, errDynamicVariadic
	}
	b, err := bindSignature(o, addr, sig, cfg)
	if err != nil {
		return nil, err
	}
	return &Dynamic{b: b}, nil
}

// Signature returns a copy of the C signature the function is bound to.
func (d *Dynamic) Signature() *abi.Signature { return d.binding("Signature").signature.Clone() }

// Plan returns the call plan the stub was compiled from.
func (d *Dynamic) Plan() *abi.Plan { return d.binding("Plan").plan }

// binding returns d's binding, or panics with a clear message, naming the method, for a
// nil or zero Dynamic (one whose Bind failed or that was never bound).
func (d *Dynamic) binding(method string) *binding {
	if d == nil || d.b == nil {
		panic("jitffi: " + method + " of a nil or zero Dynamic (its BindDynamic returned an error or was never called)")
	}
	return d.b
}

// NewFrame returns a zeroed frame for one call; a frame can be reused for later calls.
func (d *Dynamic) NewFrame() *Frame {
	return &Frame{words: make([]uint64, d.binding("NewFrame").layout.Size/8), d: d}
}

// Call calls the function with the arguments in f and leaves the result in f.
func (d *Dynamic) Call(f *Frame) { d.call(f, false) }

// CallErrno is Call that also returns errno as read right after the call.
func (d *Dynamic) CallErrno(f *Frame) Errno {
	d.call(f, true)
	return Errno(uint32(f.header().Errno))
}

func (d *Dynamic) call(f *Frame, withErrno bool) {
	b := d.binding("Call")
	if f == nil || f.d != d || len(f.words) == 0 {
		panic("jitffi: a Dynamic is called with a frame made by its own NewFrame")
	}
	h := f.header()
	h.Stub, h.Fn = b.stub, b.fn
	if withErrno {
		h.Stub = b.errnoStub()
	}
	b.run(unsafe.Pointer(&f.words[0]))
}

// A Frame holds the arguments and the result of one call as C lays them out: of a Dynamic
// call, made by Dynamic.NewFrame, or of a dynamic callback, handed to its Go function.
// Set and read its values with the accessors checked against their C types: SetInt,
// SetUint, SetBool, SetFloat, SetPointer, Int, Uint, Bool, Float, Pointer, their Result
// forms (ResultInt, SetResultInt, ...), and SetArg, ArgAs, SetResult and ResultAs for any
// Go value of the C type's layout, a struct say; or as bytes with Arg and Result.
// Its memory is not scanned for Go pointers: keep whatever a pointer argument points to
// alive (runtime.KeepAlive) until the call returns. A Frame is for one goroutine at a time.
type Frame struct {
	words []uint64
	d     *Dynamic
	// upcall is the upcall frame on the C stack of a dynamic callback's call, valid only
	// until the callback returns, when it is cleared; cb describes it.
	upcall unsafe.Pointer
	cb     *dynamicCallback
}

func (f *Frame) header() *asm.Header { return (*asm.Header)(unsafe.Pointer(&f.words[0])) }

// bytes returns n bytes at off of the frame memory mem.
func bytesAt(mem unsafe.Pointer, off, n int) []byte {
	if n == 0 {
		// An empty value's slot can start at the frame's end; a slice there would point
		// past the allocation, at whatever object follows it, and the garbage collector
		// aborts ("found pointer to free object") when that object is free.
		return []byte{}
	}
	return unsafe.Slice((*byte)(unsafe.Add(mem, off)), n)
}

// Arg returns the bytes of argument i, as many as its C type's size, to read or fill in
// in the host's byte order; the typed accessors (SetInt, SetArg, ...) do this for you.
func (f *Frame) Arg(i int) []byte {
	mem, layout, sig := f.view("Arg")
	if i < 0 || i >= len(sig.Params) {
		panic(fmt.Sprintf("jitffi: argument %d of %d", i, len(sig.Params)))
	}
	return bytesAt(mem, layout.Args[i], sig.Params[i].Size())
}

// Result returns the bytes of the result, as many as its C type's size. After a Dynamic
// call, a narrow integer result is stored widened to 64 bits, so reading 8 bytes at
// Result's start is safe too; a callback writes only the result's own bytes.
func (f *Frame) Result() []byte {
	mem, layout, sig := f.view("Result")
	return bytesAt(mem, layout.Result, sig.Result.Size())
}

// view returns the memory, layout and signature of f, or panics with a clear message,
// naming the method, for a nil or zero Frame (one not made by Dynamic.NewFrame) and for a
// callback's Frame used after its callback returned.
func (f *Frame) view(method string) (unsafe.Pointer, *jit.Layout, *abi.Signature) {
	switch {
	case f != nil && f.cb != nil:
		if f.upcall == nil {
			panic("jitffi: " + method + " of a callback's Frame after the callback returned (its memory was C's stack)")
		}
		return f.upcall, &f.cb.layout, f.cb.sig
	case f != nil && f.d != nil && f.d.b != nil && len(f.words) > 0:
		return unsafe.Pointer(&f.words[0]), &f.d.b.layout, f.d.b.signature
	}
	panic("jitffi: " + method + " of a nil or zero Frame (make frames with Dynamic.NewFrame)")
}

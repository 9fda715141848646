package jitffi

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/asm"
	"github.com/jitffi/jitffi/jit"
)

// MaxParams is the most parameters a binding may have. The typed family Func0..Func16
// stops at 16; BindFunc and BindDynamic take up to MaxParams.
const MaxParams = 64

// MaxStackBytes bounds the system stack a call may need for stack arguments, by-reference
// copies and its result. System stacks are small (glibc's default thread stack is 8 MiB,
// musl's 128 KiB, and C code needs room of its own), so larger by-value arguments are
// refused at bind time instead of overflowing the stack at call time.
const MaxStackBytes = 64 << 10

// slot holds one argument or result in a call frame. The zero-length array gives every
// slot 8-byte alignment and a size rounded up to 8, which is the frame layout jit.LayoutOf
// computes, so a struct of slots is a frame the stub can read.
type slot[T any] struct {
	_ [0]uint64
	v T
}

// A binding is what every typed, dynamic or reflective binding shares: the target and the
// two stubs compiled for its signature (one also reads errno right after the call).
type binding struct {
	fn   uintptr
	stub uintptr
	// errno compiles, at the first CallErrno, the stub that also reads errno: most
	// bindings never need it, and a bind then compiles one stub instead of two. Bindings
	// of the same signature and options share it.
	errno *lazyStub
	// mode is what a typed call does, decided once so that the call pays one branch:
	// callDefault and callFast run the stub; callSlow (conversions to make, or a closed
	// library) goes through slowCall.
	mode uint8
	fast bool
	// lib is the state of the Library the function came from, whose closed flag run checks
	// (unowned for a raw address); symbol names the function in messages.
	lib    *libState
	symbol string
	// conv holds the conversions a typed call makes for *Callback, string and slice
	// arguments and a string result, or is nil.
	conv      *conversions
	plan      *abi.Plan
	signature *abi.Signature
	layout    jit.Layout
}

// A lazyStub is a stub compiled when first needed.
type lazyStub struct {
	req  jit.Request
	once sync.Once
	addr atomic.Uintptr
	err  error
}

// errnoStub returns the address of b's errno-reading stub, compiling it on first use. A
// compile error, which the bind of the same plan would have met already, panics with it.
func (b *binding) errnoStub() uintptr {
	if a := b.errno.addr.Load(); a != 0 {
		return a
	}
	l := b.errno
	l.once.Do(func() {
		stub, err := jit.Compile(l.req.Plan, l.req.Options)
		if err != nil {
			l.err = err
			return
		}
		l.addr.Store(stub.Addr)
	})
	if l.err != nil {
		panic(fmt.Sprintf("jitffi: CallErrno of %s: compiling its errno stub: %v", b.symbol, l.err))
	}
	return l.addr.Load()
}

// The modes of a binding's calls.
const (
	callDefault = iota
	callFast
	callSlow
)

// seal sets b's call mode and registers b with its library, whose Close switches it to
// callSlow. Every constructor calls it last.
func (b *binding) seal() *binding {
	switch {
	case b.conv != nil:
		b.mode = callSlow
	case b.fast:
		b.mode = callFast
	default:
		b.mode = callDefault
	}
	b.lib.register(b)
	return b
}

// slowCall is a typed call in mode callSlow: it panics after Close, and makes the
// conversions around the call.
func (b *binding) slowCall(frame unsafe.Pointer) {
	if b.conv != nil {
		b.conv.before(frame)
	}
	b.run(frame)
	if b.conv != nil {
		b.conv.after(frame)
	}
}

// run runs a stub on the system stack. frame starts with an asm.Header.
func (b *binding) run(frame unsafe.Pointer) {
	if b.lib.closed {
		panicCall(b)
	}
	if b.fast {
		asm.CallFast(frame)
	} else {
		asm.CallDefault(frame)
	}
}

// panicCall reports a call that must not reach the stub: through a Func whose binding
// failed or was never made (the runtime would abort the process on the nil stub), or of a
// function whose Library was closed (the call would jump into unloaded code). Calls test
// "b == nil || b.lib.closed" and only then call it, so that the common path stays one
// load and one branch more than the call itself.
//
//go:noinline
func panicCall(b *binding) {
	if b == nil {
		panic("jitffi: call of a zero Func (its Bind returned an error or was never called)")
	}
	name := b.symbol
	if name == "" {
		name = fmt.Sprintf("%#x", b.fn)
	}
	panic(fmt.Sprintf("jitffi: call of %s from %s after the Library was closed", name, b.lib.name))
}

// escapeSink is never switched on; the typed calls' stores into it, behind that never-taken
// branch, are enough for the compiler's escape analysis to move whatever a pointer argument
// points to onto the heap.
var escapeSink struct {
	on bool
	v  any
}

// newBinding binds addr to the C signature of a typed binding's Go types: types returns
// the parameter and result types and the offsets the Go frame type, frame, gives them. It
// classifies the signature for the host, compiles (or finds in the cache) its stubs and
// checks that the frame has the offsets the stubs use. What depends only on frame and the
// options is cached, so binding another function of the same Go types costs neither
// reflection nor classification.
func newBinding(o origin, addr uintptr, frame goType, types func() ([]goType, goType, []uintptr, uintptr), opts []Option) (*binding, error) {
	cfg := newBindConfig(opts)
	key := typedBindingKey{frame: frame, cfg: cfg}
	if t, ok := typedBindings.Load(key); ok {
		return t.(*binding).bindTo(o, addr)
	}
	params, result, goOffsets, goResult := types()
	sig, cfg, err := signatureOf(params, result, opts)
	if err != nil {
		return nil, err
	}
	cfg.goArgs(params, result)
	b, err := bindSignature(o, addr, sig, cfg)
	if err != nil {
		return nil, err
	}
	for i, off := range goOffsets {
		if int(off) != b.layout.Args[i] {
			return nil, fmt.Errorf("jitffi: internal error: frame slot %d at Go offset %d, stub expects %d", i, off, b.layout.Args[i])
		}
	}
	if int(goResult) != b.layout.Result {
		return nil, fmt.Errorf("jitffi: internal error: result slot at Go offset %d, stub expects %d", goResult, b.layout.Result)
	}
	b.conv = conversionsOf(params, result, b.layout)
	typedBindings.Store(key, b)
	c := *b // the cache keeps its template apart from the bindings made of it
	return c.seal(), nil
}

// goArgs sets, in cfg, the masks of the parameters whose frame slots hold what the stub
// does not pass as it is: Go strings and slices (headers), *Callback (a pointer to the
// callback, whose first word is its C address), and whether the result is a string.
func (cfg *bindConfig) goArgs(params []goType, result goType) {
	for i, p := range params {
		switch {
		case p == callbackPtrType:
			cfg.callbacks |= 1 << i
		case p.Kind() == reflect.String:
			cfg.goStrings |= 1 << i
		case p.Kind() == reflect.Slice:
			cfg.goSlices |= 1 << i
		}
	}
	cfg.goStringResult = result.Kind() == reflect.String
}

// conversionsOf returns the per-call conversions the Go types need in a frame of the
// given layout, or nil when there are none.
func conversionsOf(params []goType, result goType, layout jit.Layout) *conversions {
	c := &conversions{stringResult: -1}
	for i, p := range params {
		off := uintptr(layout.Args[i])
		switch {
		case p.Kind() == reflect.String:
			c.strings = append(c.strings, off)
		case p.Kind() == reflect.Slice:
			c.slices = append(c.slices, off)
		}
	}
	if result.Kind() == reflect.String {
		c.stringResult = layout.Result
	}
	if c.strings == nil && c.slices == nil && c.stringResult < 0 {
		return nil
	}
	return c
}

// typedBindings caches, per Go frame type and options, a binding of the typed family:
// every later binding of the same types copies it with its own function.
var typedBindings sync.Map // typedBindingKey -> *binding

type typedBindingKey struct {
	frame goType
	cfg   bindConfig
}

// bindTo returns a copy of b bound to the function at addr, which came from o. It makes
// the checks bindSignature makes that do not depend on the signature.
func (b *binding) bindTo(o origin, addr uintptr) (*binding, error) {
	if err := checkRuntime(); err != nil {
		return nil, err
	}
	if addr == 0 {
		return nil, fmt.Errorf("jitffi: bind %s: %w", brief(b.signature), ErrNilAddress)
	}
	c := *b
	c.fn, c.lib, c.symbol = addr, o.lib, o.symbol
	return c.seal(), nil
}

// signatureOf builds the C signature for Go parameter and result types.
func signatureOf(params []goType, result goType, opts []Option) (*abi.Signature, bindConfig, error) {
	cfg := newBindConfig(opts)
	if len(params) > MaxParams {
		return nil, cfg, fmt.Errorf("jitffi: %d parameters, more than %d: %w", len(params), MaxParams, ErrTooManyParams)
	}
	if cfg.fixed < -1 || cfg.fixed > len(params) {
		return nil, cfg, fmt.Errorf("jitffi: Variadic(%d) with %d parameters: the fixed count must be between 0 and %d: %w", cfg.fixed, len(params), len(params), ErrBadVariadic)
	}
	sig := &abi.Signature{Params: make([]*abi.Type, len(params)), Fixed: cfg.fixed}
	for i, p := range params {
		t, err := cParamType(p, i)
		if err != nil {
			return nil, cfg, err
		}
		sig.Params[i] = t
	}
	r, err := cResultType(result)
	if err != nil {
		return nil, cfg, err
	}
	sig.Result = r
	return sig, cfg, nil
}

// bindSignature compiles the stubs for sig under the host ABI (or WithABI's) and binds them
// to addr, which came from o.
func bindSignature(o origin, addr uintptr, sig *abi.Signature, cfg bindConfig) (*binding, error) {
	p, err := preparePending(o, addr, sig, cfg)
	if err != nil {
		return nil, err
	}
	r := p.request()
	stub, err := jit.Compile(r.Plan, r.Options)
	if err != nil {
		return nil, fmt.Errorf("jitffi: compile %s: %w", brief(p.sig), err)
	}
	return p.finish(stub)
}

// A pendingBinding has passed every check a bind makes and waits for its stubs, which
// BindAll compiles for many bindings at once.
type pendingBinding struct {
	o     origin
	addr  uintptr
	sig   *abi.Signature
	plan  *abi.Plan
	cfg   bindConfig
	errno jit.Options // how the errno stub reads the error code
}

// preparePending makes the checks of a bind of sig to addr and classifies sig.
func preparePending(o origin, addr uintptr, sig *abi.Signature, cfg bindConfig) (*pendingBinding, error) {
	if err := checkRuntime(); err != nil {
		return nil, err
	}
	if cfg.fast {
		if err := checkFast(); err != nil {
			return nil, err
		}
	}
	sig, plan, err := prepare(sig, cfg)
	if err != nil {
		return nil, err
	}
	if addr == 0 {
		return nil, fmt.Errorf("jitffi: bind %s: %w", brief(sig), ErrNilAddress)
	}
	p := &pendingBinding{o: o, addr: addr, sig: sig, plan: plan, cfg: cfg, errno: hostErrnoOptions()}
	if cfg.errnoFrom != nil {
		fn, err := cfg.errnoFrom.Lookup(crtErrnoFunc)
		if err != nil {
			return nil, fmt.Errorf("jitffi: bind %s: ErrnoFrom: the C runtime's %s: %w", brief(sig), crtErrnoFunc, err)
		}
		p.errno = jit.Options{Errno: jit.ErrnoLocation, ErrnoFunc: uint64(fn)}
	}
	return p, nil
}

// request is the stub the binding needs at once; the one reading errno waits for the
// first CallErrno (see lazyStub).
func (p *pendingBinding) request() jit.Request {
	return jit.Request{Plan: p.plan, Options: p.cfg.stubOptions(jit.Options{})}
}

// finish makes the binding of its stub, the one request asked for.
func (p *pendingBinding) finish(stub *jit.Stub) (*binding, error) {
	layout := jit.LayoutWith(p.sig, stub.Options)
	if !equalLayouts(layout, stub.Layout) {
		return nil, fmt.Errorf("jitffi: internal error: %v: cached stub expects frame layout %+v, signature has %+v", p.sig, stub.Layout, layout)
	}
	errno := &lazyStub{req: jit.Request{Plan: p.plan, Options: p.cfg.stubOptions(p.errno)}}
	return &binding{
		fn: p.addr, stub: stub.Addr, errno: errno, fast: p.cfg.fast,
		lib: p.o.lib, symbol: p.o.symbol,
		plan: p.plan, signature: p.sig, layout: layout,
	}, nil
}

// CheckSignature reports whether BindDynamic accepts sig with opts, as far as that can be
// known without a function: nil, or the error BindDynamic would return. It checks the
// types against package abi's limits, the parameter count against MaxParams, classifies
// the signature under the convention the options select and checks the system stack the
// call needs against MaxStackBytes. It compiles no stub, so an error of the stub compiler
// (a convention this host's stubs cannot call, under WithABI) shows only when binding.
// Use it to refuse a signature before spending anything on its arguments.
func CheckSignature(sig *abi.Signature, opts ...Option) error {
	cfg := newBindConfig(opts)
	if cfg.fixed != -1 {
		return errDynamicVariadic
	}
	_, _, err := prepare(sig, cfg)
	return err
}

// errDynamicVariadic refuses the Variadic option where the split comes from a Signature.
var errDynamicVariadic = fmt.Errorf("jitffi: BindDynamic takes the variadic split from the signature (Signature.Fixed), not from the Variadic option: %w", ErrBadVariadic)

// prepare makes every bind-time check of sig that needs neither an address nor a stub,
// and returns the binding's own copy of sig and its plan.
func prepare(sig *abi.Signature, cfg bindConfig) (*abi.Signature, *abi.Plan, error) {
	if sig == nil || sig.Result == nil {
		return nil, nil, fmt.Errorf("jitffi: bind: nil signature or result type (use abi.Scalar(abi.Void) for void): %w", ErrUnsupportedType)
	}
	if sig.Fixed < -1 || sig.Fixed > len(sig.Params) {
		return nil, nil, fmt.Errorf("jitffi: variadic split %d with %d parameters: %w", sig.Fixed, len(sig.Params), ErrBadVariadic)
	}
	if len(sig.Params) > MaxParams {
		return nil, nil, fmt.Errorf("jitffi: %d parameters, more than %d: %w", len(sig.Params), MaxParams, ErrTooManyParams)
	}
	// Checked before the signature is copied or printed: a hand-made type may contain
	// itself, or hold millions of members.
	if err := abi.CheckSignature(sig); err != nil {
		if errors.Is(err, abi.ErrTooLarge) {
			return nil, nil, fmt.Errorf("jitffi: bind: %w: %w", err, ErrTooLarge)
		}
		return nil, nil, fmt.Errorf("jitffi: bind: %w", err)
	}
	// The binding keeps its own copy: its caller may go on changing sig, and frame slot
	// sizes must stay those the stub was compiled for.
	sig = sig.Clone()
	plan, err := abi.Classify(sig, cfg.targetABI())
	if err != nil {
		return nil, nil, fmt.Errorf("jitffi: classify %s: %w", brief(sig), err)
	}
	if n := plan.ShadowSize + plan.StackSize + plan.CopySize + plan.Result.Type.Size(); n > MaxStackBytes {
		return nil, nil, fmt.Errorf("jitffi: bind %s: the call needs %d bytes of system stack for arguments, copies and result, more than %d (pass large structs by pointer): %w", brief(sig), n, MaxStackBytes, ErrTooLarge)
	}
	return sig, plan, nil
}

// brief returns the text of a signature for an error message, cut short when a struct
// with thousands of members would make it long.
func brief(sig *abi.Signature) string {
	const longest = 200
	s := sig.String()
	if len(s) > longest {
		s = s[:longest] + "…"
	}
	return s
}

func equalLayouts(a, b jit.Layout) bool {
	if a.Result != b.Result || a.Size != b.Size || len(a.Args) != len(b.Args) {
		return false
	}
	for i := range a.Args {
		if a.Args[i] != b.Args[i] {
			return false
		}
	}
	return true
}

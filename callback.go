package jitffi

import (
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/asm"
	"github.com/jitffi/jitffi/jit"
)

// A Callback is a C function pointer that calls a Go function: pass it to C wherever C
// takes a function pointer. Make one with NewCallback0..NewCallback16, NewCallbackFunc or
// NewCallbackDynamic; a binding's parameter of type *Callback passes its address, and Addr
// returns it for anything else (a struct field, a Dynamic frame).
//
// A Callback lives until Free. Each has its own code address, taken from pre-built
// trampoline pages: making and freeing one writes no executable memory, and their number
// is bounded only by memory.
type Callback struct {
	// tramp comes first, and its Addr first in it: a binding's *Callback parameter
	// passes the word the pointer points to (jit.Options.DerefArgs).
	tramp jit.Trampoline
	rec   *callbackRecord
	freed atomic.Bool
}

// The stubs of bindings with *Callback parameters read a Callback's first word as its C
// address: these fail to compile if tramp.Addr moves.
var (
	_ = [1]struct{}{}[unsafe.Offsetof(Callback{}.tramp)]
	_ = [1]struct{}{}[unsafe.Offsetof(jit.Trampoline{}.Addr)]
)

// Addr returns the C function pointer of c. After Free the address may be given to another
// callback.
func (c *Callback) Addr() uintptr {
	if c == nil {
		return 0
	}
	return c.tramp.Addr
}

// Free releases c. Afterwards C must not call it; the address may be reused by a later
// callback. Until it is, a call through it ends the process with a fatal error naming the
// callback rather than running anything. Free is safe to call from any goroutine;
// freeing a Callback again, or a nil one, does nothing.
func (c *Callback) Free() {
	if c == nil || !c.freed.CompareAndSwap(false, true) {
		return
	}
	// The slot lets go of the record, and with it of the Go function and everything it
	// captured; it keeps, until another callback takes it, only what a fatal error about
	// a late call needs to name this one, in memory the garbage collector never scans.
	chunk, i := callbackChunkOf(c.tramp.Index)
	chunk.freed[i].stub.Store(c.rec.stub)
	chunk.freed[i].fnPC.Store(c.rec.fnPC)
	chunk.live[i].Store(nil)
	jit.FreeTrampoline(c.tramp)
}

// String names the callback: its Go function and C signature.
func (c *Callback) String() string {
	if c == nil {
		return "<nil callback>"
	}
	return c.rec.name()
}

// A callbackRecord is what the dispatcher finds for a trampoline slot: the Go side of one
// live callback.
type callbackRecord struct {
	invoke func(frame unsafe.Pointer)
	stub   uintptr // the upcall stub the slot jumps to
	fnPC   uintptr // the Go function's entry, for messages
	sig    *abi.Signature
}

func (r *callbackRecord) name() string { return callbackName(r.fnPC, r.sig) }

func callbackName(fnPC uintptr, sig *abi.Signature) string {
	fn := "?"
	if f := runtime.FuncForPC(fnPC); f != nil {
		fn = f.Name()
	}
	return fmt.Sprintf("callback %s (%v)", fn, sig)
}

// callbacks maps trampoline slot indexes, the context word of every upcall, to records.
// The dispatcher reads it without locking: a fixed table of lazily allocated chunks.
var callbacks struct {
	sync.Mutex // serialises chunk allocation
	chunks     [callbackChunks]atomic.Pointer[callbackChunk]
}

// A callbackChunk holds the records of callbackChunkSize slots, and for each slot whose
// callback was freed, until another callback takes it, what the message about a late
// call needs. That second part holds no pointers, so the garbage collector neither scans
// it nor keeps anything alive through it, however many callbacks were freed.
type callbackChunk struct {
	live  [callbackChunkSize]atomic.Pointer[callbackRecord]
	freed [callbackChunkSize]struct{ stub, fnPC atomic.Uintptr }
}

// upcallSigs maps the address of every upcall stub made so far to the C signature it was
// first compiled for, which the message about a freed callback prints.
var upcallSigs struct {
	sync.RWMutex
	m map[uintptr]*abi.Signature
}

// noteUpcallSig records stub's signature in upcallSigs, once per stub.
func noteUpcallSig(stub *jit.Stub) {
	upcallSigs.RLock()
	_, ok := upcallSigs.m[stub.Addr]
	upcallSigs.RUnlock()
	if ok {
		return
	}
	upcallSigs.Lock()
	if upcallSigs.m == nil {
		upcallSigs.m = map[uintptr]*abi.Signature{}
	}
	upcallSigs.m[stub.Addr] = stub.Plan.Sig
	upcallSigs.Unlock()
}

const (
	callbackChunkSize = 4096
	callbackChunks    = 1 << 14 // 67 million callbacks alive at once
	// MaxCallbacks is the most callbacks that can be alive at once.
	MaxCallbacks = callbackChunks * callbackChunkSize
)

// callbackChunkOf returns the chunk of slot index, allocating it if need be, and the
// slot's place in it.
func callbackChunkOf(index int) (*callbackChunk, int) {
	chunk := callbacks.chunks[index/callbackChunkSize].Load()
	if chunk == nil {
		callbacks.Lock()
		if chunk = callbacks.chunks[index/callbackChunkSize].Load(); chunk == nil {
			chunk = new(callbackChunk)
			callbacks.chunks[index/callbackChunkSize].Store(chunk)
		}
		callbacks.Unlock()
	}
	return chunk, index % callbackChunkSize
}

func init() { asm.SetCallbackDispatcher(dispatchCallback) }

// runtimeThrow ends the process with a fatal error, as the runtime does for broken
// invariants; a panic would be recoverable and unwind through C frames that were never
// meant to be left that way.
//
//go:linkname runtimeThrow runtime.throw
func runtimeThrow(s string)

// dispatchCallback is the Go function every callback enters, on the goroutine that made
// the C call or on one the runtime attached to a C-created thread. frame is the upcall
// frame the stub built on the C stack.
func dispatchCallback(frame unsafe.Pointer) {
	h := (*asm.UpcallHeader)(frame)
	var chunk *callbackChunk
	if h.Context < MaxCallbacks {
		chunk = callbacks.chunks[h.Context/callbackChunkSize].Load()
	}
	if chunk == nil {
		runtimeThrow(fmt.Sprintf("jitffi: C called a callback trampoline (slot %d) that no callback owns", h.Context))
	}
	i := h.Context % callbackChunkSize
	rec := chunk.live[i].Load()
	switch {
	case rec == nil:
		stub, fnPC := chunk.freed[i].stub.Load(), chunk.freed[i].fnPC.Load()
		if stub == 0 {
			runtimeThrow(fmt.Sprintf("jitffi: C called a callback trampoline (slot %d) that no callback owns", h.Context))
		}
		upcallSigs.RLock()
		sig := upcallSigs.m[stub]
		upcallSigs.RUnlock()
		runtimeThrow("jitffi: C called " + callbackName(fnPC, sig) + " after it was freed")
	case rec.stub != h.Stub:
		runtimeThrow("jitffi: C called " + rec.name() + " through a stale address: the callback that had it was freed and its address reused")
	}
	rec.invoke(frame)
}

// newCallback makes a callback of the C signature of params and result that runs invoke,
// after checking that the Go frame type the caller reads (goOffsets, goResult) matches the
// stub's layout. fn is the user's function; its type and the options find the stub again
// for the next callback of the same type.
func newCallback(fn any, params []goType, result goType, goOffsets []uintptr, goResult uintptr, invoke func(unsafe.Pointer), opts []Option) (*Callback, error) {
	fv := reflect.ValueOf(fn)
	if fv.IsNil() {
		return nil, fmt.Errorf("jitffi: new callback: nil func: %w", ErrUnsupportedType)
	}
	cfg := newBindConfig(opts)
	key := callbackTypeKey{fn: fv.Type(), abi: cfg.abi}
	if c, ok := callbackTypes.Load(key); ok && !cfg.fast && cfg.fixed == -1 {
		c := c.(*callbackType)
		return registerCallback(c.stub, c.sig, fv.Pointer(), invoke)
	}
	if err := refuseCallbackTypes(params, result); err != nil {
		return nil, err
	}
	sig, cfg, err := signatureOf(params, result, opts)
	if err != nil {
		return nil, err
	}
	stub, sig, err := upcallStub(sig, cfg)
	if err != nil {
		return nil, err
	}
	for i, off := range goOffsets {
		if int(off) != stub.Layout.Args[i] {
			return nil, fmt.Errorf("jitffi: internal error: callback frame slot %d at Go offset %d, stub expects %d", i, off, stub.Layout.Args[i])
		}
	}
	if int(goResult) != stub.Layout.Result {
		return nil, fmt.Errorf("jitffi: internal error: callback result slot at Go offset %d, stub expects %d", goResult, stub.Layout.Result)
	}
	callbackTypes.Store(key, &callbackType{stub: stub, sig: sig})
	return registerCallback(stub, sig, fv.Pointer(), invoke)
}

// callbackTypes caches, per Go func type and target convention, the upcall stub and C
// signature of the typed callbacks made so far: making another callback of a type already
// seen then costs no reflection, classification or stub lookup.
var callbackTypes sync.Map // callbackTypeKey -> *callbackType

type callbackTypeKey struct {
	fn  reflect.Type
	abi abi.ABI
}

type callbackType struct {
	stub *jit.Stub
	sig  *abi.Signature
}

// refuseCallbackTypes refuses the Go types a binding converts per call but a callback
// cannot: *Callback parameters (C passes a callback a plain function pointer), and strings
// and slices (C passes a char* or a pointer, with no length or ownership to go by).
func refuseCallbackTypes(params []goType, result goType) error {
	for i, p := range params {
		switch {
		case p == callbackPtrType:
			return fmt.Errorf("jitffi: new callback: parameter %d: C passes a function pointer, not a *Callback: use uintptr or unsafe.Pointer: %w", i, ErrUnsupportedType)
		case p.Kind() == reflect.String || p.Kind() == reflect.Slice:
			return fmt.Errorf("jitffi: new callback: parameter %d: Go type %v: C passes a callback a bare pointer; take *byte (GoString copies a C string) or unsafe.Pointer: %w", i, p, ErrUnsupportedType)
		}
	}
	if result.Kind() == reflect.String {
		return fmt.Errorf("jitffi: new callback: result: a callback cannot return a Go string to C (nobody would own the copy); return *byte: %w", ErrUnsupportedType)
	}
	return nil
}

// upcallStub checks sig and the options for a callback and returns its upcall stub and
// the callback's own copy of sig.
func upcallStub(sig *abi.Signature, cfg bindConfig) (*jit.Stub, *abi.Signature, error) {
	if err := checkRuntime(); err != nil {
		return nil, nil, err
	}
	sig, plan, err := prepareCallback(sig, cfg)
	if err != nil {
		return nil, nil, err
	}
	opts := jit.Options{Upcall: true, Door: uint64(asm.CallbackEntryFunc())}
	if cfg.abi != 0 && cfg.abi != abi.Host {
		opts.Entry = abi.Host
	}
	stub, err := jit.Compile(plan, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("jitffi: compile the callback stub for %s: %w", brief(sig), err)
	}
	noteUpcallSig(stub)
	return stub, sig, nil
}

// CheckCallbackSignature reports whether a callback of sig could be made with opts: nil,
// or the error NewCallbackDynamic would return, without making one. It needs no C
// runtime, so it answers on any host.
func CheckCallbackSignature(sig *abi.Signature, opts ...Option) error {
	_, _, err := prepareCallback(sig, newBindConfig(opts))
	return err
}

// prepareCallback makes every check of a callback's signature and options that needs no
// stub, and returns the callback's own copy of sig and its plan.
func prepareCallback(sig *abi.Signature, cfg bindConfig) (*abi.Signature, *abi.Plan, error) {
	switch {
	case cfg.fast:
		return nil, nil, fmt.Errorf("jitffi: new callback: Fast is for calls into C; a callback is a call into Go: %w", ErrBadOption)
	case cfg.fixed != -1 || (sig != nil && sig.IsVariadic()):
		return nil, nil, fmt.Errorf("jitffi: new callback: a callback cannot be variadic (its Go side cannot know the C types of the variadic arguments): %w", ErrBadVariadic)
	}
	sig, plan, err := prepare(sig, cfg)
	if err != nil {
		return nil, nil, err
	}
	if n := jit.LayoutOf(sig).Size; n > MaxStackBytes {
		return nil, nil, fmt.Errorf("jitffi: new callback %s: its frame of arguments and result needs %d bytes of C stack, more than %d (pass large structs by pointer): %w", brief(sig), n, MaxStackBytes, ErrTooLarge)
	}
	return sig, plan, nil
}

// registerCallback gives the callback a trampoline slot and registers its record under the
// slot's index before pointing the slot at the stub.
func registerCallback(stub *jit.Stub, sig *abi.Signature, fnPC uintptr, invoke func(unsafe.Pointer)) (*Callback, error) {
	t, err := jit.NewTrampoline()
	if err != nil {
		return nil, fmt.Errorf("jitffi: new callback: %w", err)
	}
	if t.Index >= MaxCallbacks {
		jit.FreeTrampoline(t)
		return nil, fmt.Errorf("jitffi: new callback: more than %d callbacks alive at once: %w", MaxCallbacks, ErrTooLarge)
	}
	rec := &callbackRecord{invoke: invoke, stub: stub.Addr, fnPC: fnPC, sig: sig}
	chunk, i := callbackChunkOf(t.Index)
	chunk.live[i].Store(rec)
	if err := jit.SetTrampoline(t, stub.Addr, uintptr(t.Index)); err != nil {
		chunk.live[i].Store(nil)
		jit.FreeTrampoline(t)
		return nil, fmt.Errorf("jitffi: new callback: %w", err)
	}
	return &Callback{tramp: t, rec: rec}, nil
}

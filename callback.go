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
	chunk.freed[i].sig.Store(uintptr(c.rec.sigID))
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
	sigID  uint32 // sig's number in callbackSigs
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
// call needs: its stub, its Go function's entry and the number of its C signature in
// callbackSigs. That second part holds no pointers, so the garbage collector neither
// scans it nor keeps anything alive through it, however many callbacks were freed.
type callbackChunk struct {
	live  [callbackChunkSize]atomic.Pointer[callbackRecord]
	freed [callbackChunkSize]struct{ stub, fnPC, sig atomic.Uintptr }
}

// callbackSigs numbers the C signatures of the callbacks made so far, one number per
// spelling, for the messages about freed callbacks: a freed slot keeps its callback's
// number, not a pointer. (Upcall stubs are shared by every signature of the same layout,
// so a stub cannot tell which of them a callback had.) It grows with the number of
// distinct spellings, as the stub cache grows with the number of layouts.
var callbackSigs struct {
	sync.RWMutex
	ids  map[string]uint32 // spelling -> number
	list []*abi.Signature  // number -> signature
}

// internCallbackSig returns the number of sig's spelling, recording sig under a new
// number if the spelling is new.
func internCallbackSig(sig *abi.Signature) uint32 {
	spelling := sig.String()
	callbackSigs.RLock()
	id, ok := callbackSigs.ids[spelling]
	callbackSigs.RUnlock()
	if ok {
		return id
	}
	callbackSigs.Lock()
	defer callbackSigs.Unlock()
	if id, ok = callbackSigs.ids[spelling]; !ok {
		if callbackSigs.ids == nil {
			callbackSigs.ids = map[string]uint32{}
		}
		id = uint32(len(callbackSigs.list))
		callbackSigs.ids[spelling] = id
		callbackSigs.list = append(callbackSigs.list, sig)
	}
	return id
}

// callbackSigOf returns the signature numbered id by internCallbackSig.
func callbackSigOf(id uint32) *abi.Signature {
	callbackSigs.RLock()
	defer callbackSigs.RUnlock()
	return callbackSigs.list[id]
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
		if chunk.freed[i].stub.Load() == 0 {
			runtimeThrow(fmt.Sprintf("jitffi: C called a callback trampoline (slot %d) that no callback owns", h.Context))
		}
		runtimeThrow("jitffi: C called " + freedCallbackName(chunk, i) + " after it was freed")
	case rec.stub != h.Stub:
		// The call read the slot's old stub before a new callback took the slot over:
		// a late call of the callback freed before, if that one had this stub.
		if chunk.freed[i].stub.Load() == h.Stub {
			runtimeThrow("jitffi: C called " + freedCallbackName(chunk, i) + " after it was freed; its address now belongs to " + rec.name())
		}
		runtimeThrow("jitffi: C called a freed callback through an address that now belongs to " + rec.name())
	}
	rec.invoke(frame)
}

// freedCallbackName names the callback last freed from slot i of chunk.
func freedCallbackName(chunk *callbackChunk, i uintptr) string {
	return callbackName(chunk.freed[i].fnPC.Load(), callbackSigOf(uint32(chunk.freed[i].sig.Load())))
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
		return registerCallback(c.stub, c.sig, c.sigID, fv.Pointer(), invoke)
	}
	if err := refuseCallbackTypes(params, result); err != nil {
		return nil, err
	}
	sig, cfg, err := signatureOf(params, result, opts)
	if err != nil {
		return nil, err
	}
	stub, sig, sigID, err := upcallStub(sig, cfg)
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
	callbackTypes.Store(key, &callbackType{stub: stub, sig: sig, sigID: sigID})
	return registerCallback(stub, sig, sigID, fv.Pointer(), invoke)
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
	stub  *jit.Stub
	sig   *abi.Signature
	sigID uint32
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

// upcallStub checks sig and the options for a callback and returns its upcall stub, the
// callback's own copy of sig and the number of its spelling in callbackSigs.
func upcallStub(sig *abi.Signature, cfg bindConfig) (*jit.Stub, *abi.Signature, uint32, error) {
	if err := checkRuntime(); err != nil {
		return nil, nil, 0, err
	}
	sig, plan, err := prepareCallback(sig, cfg)
	if err != nil {
		return nil, nil, 0, err
	}
	opts := jit.Options{Upcall: true, Door: uint64(asm.CallbackEntryFunc())}
	if cfg.abi != 0 && cfg.abi != abi.Host {
		opts.Entry = abi.Host
	}
	stub, err := jit.Compile(plan, opts)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("jitffi: compile the callback stub for %s: %w", brief(sig), err)
	}
	return stub, sig, internCallbackSig(sig), nil
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
func registerCallback(stub *jit.Stub, sig *abi.Signature, sigID uint32, fnPC uintptr, invoke func(unsafe.Pointer)) (*Callback, error) {
	t, err := jit.NewTrampoline()
	if err != nil {
		return nil, fmt.Errorf("jitffi: new callback: %w", err)
	}
	if t.Index >= MaxCallbacks {
		jit.FreeTrampoline(t)
		return nil, fmt.Errorf("jitffi: new callback: more than %d callbacks alive at once: %w", MaxCallbacks, ErrTooLarge)
	}
	rec := &callbackRecord{invoke: invoke, stub: stub.Addr, fnPC: fnPC, sig: sig, sigID: sigID}
	chunk, i := callbackChunkOf(t.Index)
	chunk.live[i].Store(rec)
	if err := jit.SetTrampoline(t, stub.Addr, uintptr(t.Index)); err != nil {
		chunk.live[i].Store(nil)
		jit.FreeTrampoline(t)
		return nil, fmt.Errorf("jitffi: new callback: %w", err)
	}
	return &Callback{tramp: t, rec: rec}, nil
}

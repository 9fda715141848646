//go:build (amd64 || arm64) && (cgo || windows || linux)

package jitffi_test

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/fixtures"
)

// framePair and frameMixed are the Go forms of the fixture's struct frame_pair and
// struct frame_mixed.
type framePair struct {
	A int32
	B float64
}

type frameMixed struct {
	Tag int8
	Pos [2]int16
	P   unsafe.Pointer
}

// frameFixture opens the "frame" fixture and returns a function that binds one of its
// functions from its prototype in fixtures.FrameHeader, and the parser that read it.
func frameFixture(t *testing.T) (func(name string) *jitffi.Dynamic, abi.Parser) {
	t.Helper()
	lib := fixtureLib(t, "frame")
	env := abi.NewTypeEnv()
	if err := env.Declare(fixtures.FrameHeader); err != nil {
		t.Fatal(err)
	}
	p := abi.Parser{Model: abi.Host.DataModel(), Env: env}
	return func(name string) *jitffi.Dynamic {
		t.Helper()
		proto, err := p.ParsePrototype(name)
		if err != nil {
			t.Fatal(err)
		}
		return must(jitffi.BindDynamic(lib, proto.Symbol, proto.Signature))
	}, p
}

// mustPanic runs fn and checks that it panics with a message containing want.
func mustPanic(t *testing.T, want string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if msg := fmt.Sprint(r); r == nil || !strings.Contains(msg, want) {
			t.Errorf("panic %v, want one containing %q", r, want)
		}
	}()
	fn()
}

// TestFrameAccessors fills Dynamic frames with the typed setters, calls C, and reads the
// results with the typed getters: every integer width and signedness, float, double,
// bool, pointers, structs and unions as Go values.
func TestFrameAccessors(t *testing.T) {
	bind, _ := frameFixture(t)

	sum := bind("frame_sum")
	f := sum.NewFrame()
	f.SetInt(0, -128)
	f.SetUint(1, 255)
	f.SetInt(2, -32768)
	f.SetUint(3, 65535)
	f.SetInt(4, math.MinInt32)
	f.SetUint(5, math.MaxUint32)
	f.SetInt(6, -1<<40)
	f.SetUint(7, 1<<50)
	f.SetFloat(8, 0.5)
	f.SetFloat(9, 0.25)
	f.SetBool(10, true)
	sum.Call(f)
	want := -128.0 + 255 - 32768 + 65535 + math.MinInt32 + math.MaxUint32 - (1 << 40) + (1 << 50) + 0.5 + 0.25 + 1000
	if got := f.ResultFloat(); got != want {
		t.Errorf("frame_sum = %v, want %v", got, want)
	}
	if f.Int(0) != -128 || f.Uint(1) != 255 || f.Int(4) != math.MinInt32 || f.Uint(5) != math.MaxUint32 ||
		f.Int(6) != -1<<40 || f.Uint(7) != 1<<50 || f.Float(8) != 0.5 || !f.Bool(10) || f.Int(10) != 1 {
		t.Errorf("the getters do not read back what the setters wrote")
	}
	f.SetInt(10, 0)
	f.SetUint(4, 7) // a signed argument takes an unsigned value in its range
	sum.Call(f)
	if got, want := f.ResultFloat(), want-1000-math.MinInt32+7; got != want {
		t.Errorf("frame_sum after changes = %v, want %v", got, want)
	}

	neg := bind("frame_neg8")
	f = neg.NewFrame()
	f.SetInt(0, 5)
	neg.Call(f)
	if got := f.ResultInt(); got != -5 {
		t.Errorf("frame_neg8(5) = %d", got)
	}

	big := bind("frame_big")
	f = big.NewFrame()
	big.Call(f)
	if got := f.ResultUint(); got != 0xFFFFFFFFFFFFFFF0 {
		t.Errorf("frame_big = %#x", got)
	}
	mustPanic(t, "ResultInt: the result (uint64_t) holds 18446744073709551600, beyond int64; read it with Uint", func() { f.ResultInt() })
	mn := bind("frame_min")
	f = mn.NewFrame()
	mn.Call(f)
	if got := f.ResultInt(); got != math.MinInt64 {
		t.Errorf("frame_min = %d", got)
	}
	mustPanic(t, "ResultUint: the result (int64_t) holds -9223372036854775808, which is negative; read it with Int", func() { f.ResultUint() })

	not := bind("frame_not")
	f = not.NewFrame()
	for _, v := range []bool{false, true} {
		f.SetBool(0, v)
		not.Call(f)
		if f.ResultBool() == v || f.ResultUint() != b2u(!v) {
			t.Errorf("frame_not(%v) = %v", v, f.ResultBool())
		}
	}

	halve := bind("frame_halve")
	f = halve.NewFrame()
	f.SetFloat(0, 3)
	halve.Call(f)
	if got := f.ResultFloat(); got != 1.5 {
		t.Errorf("frame_halve(3) = %v", got)
	}

	name := bind("frame_name")
	f = name.NewFrame()
	f.SetInt(0, 1)
	name.Call(f)
	if got := jitffi.GoString((*byte)(f.ResultPointer())); got != "one" {
		t.Errorf("frame_name(1) = %q", got)
	}

	echo := bind("frame_echo")
	f = echo.NewFrame()
	buf := make([]byte, 8)
	f.SetPointer(0, unsafe.Pointer(&buf[0]))
	echo.Call(f)
	runtime.KeepAlive(buf)
	if f.ResultPointer() != unsafe.Pointer(&buf[0]) || f.ResultUint() != uint64(uintptr(unsafe.Pointer(&buf[0]))) {
		t.Errorf("frame_echo returned %p, want %p", f.ResultPointer(), &buf[0])
	}
	f.SetUint(0, 0x1234)
	echo.Call(f)
	if got := jitffi.ResultAs[uintptr](f); got != 0x1234 {
		t.Errorf("frame_echo(0x1234) = %#x", got)
	}
	f.SetPointer(0, nil)
	echo.Call(f)
	if f.ResultPointer() != nil {
		t.Errorf("frame_echo(NULL) = %p", f.ResultPointer())
	}

	swap := bind("frame_swap")
	f = swap.NewFrame()
	jitffi.SetArg(f, 0, framePair{A: 4, B: 6.5})
	jitffi.SetArg(f, 1, int32(3))
	swap.Call(f)
	if got := jitffi.ResultAs[framePair](f); got != (framePair{A: 18, B: 4}) {
		t.Errorf("frame_swap = %+v", got)
	}
	if got := jitffi.ArgAs[framePair](f, 0); got != (framePair{A: 4, B: 6.5}) {
		t.Errorf("ArgAs[framePair] = %+v", got)
	}
	// Any struct is also a byte array of its size.
	raw := jitffi.ResultAs[[16]byte](f)
	if a := *(*int32)(unsafe.Pointer(&raw[0])); a != 18 {
		t.Errorf("ResultAs[[16]byte] starts with %d", a)
	}
	var blank struct {
		A int32
		_ [4]byte
		B float64
	}
	blank.A, blank.B = 1, 2
	jitffi.SetArg(f, 0, blank)
	swap.Call(f)
	if got := jitffi.ResultAs[framePair](f); got != (framePair{A: 6, B: 1}) {
		t.Errorf("frame_swap with a blank field = %+v", got)
	}

	mix := bind("frame_mix")
	f = mix.NewFrame()
	jitffi.SetArg(f, 0, frameMixed{Tag: 'a', Pos: [2]int16{100, -30}, P: unsafe.Pointer(&buf[0])})
	mix.Call(f)
	got := jitffi.ResultAs[frameMixed](f)
	runtime.KeepAlive(buf)
	if got.Tag != 'b' || got.Pos != [2]int16{70, -30} || got.P != unsafe.Pointer(&buf[1]) {
		t.Errorf("frame_mix = %+v", got)
	}

	union := bind("frame_union")
	f = union.NewFrame()
	jitffi.SetArg(f, 0, 2.75)
	f.SetInt(1, 1)
	union.Call(f)
	if got := f.ResultFloat(); got != 2.75 {
		t.Errorf("frame_union(double 2.75) = %v", got)
	}
	jitffi.SetArg(f, 0, int64(-9))
	f.SetInt(1, 0)
	union.Call(f)
	if got := f.ResultFloat(); got != -9 {
		t.Errorf("frame_union(int64 -9) = %v", got)
	}
	if got := jitffi.ArgAs[[8]byte](f, 0); got != [8]byte{0xf7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff} && runtime.GOARCH != "s390x" {
		t.Errorf("ArgAs[[8]byte] of the union = %x", got)
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// TestFrameAccessorMisuse checks each way an accessor refuses: a kind that does not
// match, a value out of range, an index out of range, a Go type of another layout.
func TestFrameAccessorMisuse(t *testing.T) {
	bind, _ := frameFixture(t)
	f := bind("frame_sum").NewFrame()
	for _, c := range []struct {
		want string
		fn   func()
	}{
		{"SetInt: 128 does not fit argument 0 (int8_t)", func() { f.SetInt(0, 128) }},
		{"SetInt: -1 does not fit argument 1 (uint8_t)", func() { f.SetInt(1, -1) }},
		{"SetUint: 256 does not fit argument 1 (uint8_t)", func() { f.SetUint(1, 256) }},
		{"SetUint: 2147483648 does not fit argument 4 (int32_t)", func() { f.SetUint(4, 1<<31) }},
		{"SetInt: 2 does not fit argument 10 (bool)", func() { f.SetInt(10, 2) }},
		{"SetFloat: argument 0 is int8_t, not float or double", func() { f.SetFloat(0, 1) }},
		{"SetInt: argument 9 is double, not an integer", func() { f.SetInt(9, 1) }},
		{"SetPointer: argument 6 is int64_t, not a pointer", func() { f.SetPointer(6, nil) }},
		{"Uint: argument 8 is float, not an integer or a pointer", func() { f.Uint(8) }},
		{"Int: argument 11 of 11", func() { f.Int(11) }},
		{"SetBool: argument -1 of 11", func() { f.SetBool(-1, true) }},
		{"SetResultPointer: the result is double, not a pointer", func() { f.SetResultPointer(nil) }},
		{"SetArg: Go type float32 does not match argument 9 (double): 4 bytes, the C type 8", func() { jitffi.SetArg(f, 9, float32(1)) }},
		{"SetArg: Go type uint64 does not match argument 9 (double): uint64 cannot hold a C double", func() { jitffi.SetArg(f, 9, uint64(1)) }},
		{"ArgAs: Go type string does not match argument 6 (int64_t)", func() { jitffi.ArgAs[string](f, 6) }},
		{"ResultAs: Go type unsafe.Pointer does not match the result (double)", func() { jitffi.ResultAs[unsafe.Pointer](f) }},
		{"SetArg: argument 0 is int8_t, not a pointer, for a *Callback", func() { jitffi.SetArg[*jitffi.Callback](f, 0, nil) }},
		{"Float: argument -1 of 11", func() { f.Float(math.MinInt) }},
	} {
		mustPanic(t, c.want, c.fn)
	}
	swap := bind("frame_swap").NewFrame()
	type swapped struct {
		B float64
		A int32
	}
	type short struct{ A int32 }
	type longer struct {
		A    int32
		B    float64
		More int64
	}
	type wrongKind struct {
		A float32
		B float64
	}
	for _, c := range []struct {
		want string
		fn   func()
	}{
		{"8 bytes at .B, the C type 4", func() { jitffi.SetArg(swap, 0, swapped{}) }},
		{"4 bytes, the C type 16", func() { jitffi.ArgAs[short](swap, 0) }},
		{"24 bytes, the C type 16", func() { jitffi.ResultAs[longer](swap) }},
		{"float32 at .A cannot hold a C int32_t", func() { jitffi.SetArg(swap, 0, wrongKind{}) }},
		{"[4]int32 cannot hold a C struct", func() { jitffi.SetArg(swap, 0, [4]int32{}) }},
	} {
		mustPanic(t, c.want, c.fn)
	}
	union := bind("frame_union").NewFrame()
	mustPanic(t, "[2]float32 matches no member of the union, nor is it a byte array", func() { jitffi.SetArg(union, 0, [2]float32{}) })
	type offsets struct {
		A int32
		B int32
		C float64
	}
	mustPanic(t, "field B is at offset 4, the C member \"b\" at 8", func() { jitffi.SetArg(swap, 0, offsets{}) })
	mustPanic(t, "the C function returns void", func() { jitffi.ResultAs[struct{}](bind("void frame_big(void)").NewFrame()) })
	var zero jitffi.Frame
	mustPanic(t, "SetInt of a nil or zero Frame", func() { zero.SetInt(0, 1) })
}

// TestFrameAccessorsAllocate checks that the accessors allocate nothing.
func TestFrameAccessorsAllocate(t *testing.T) {
	bind, _ := frameFixture(t)
	swap := bind("frame_swap")
	f := swap.NewFrame()
	var sink framePair
	var n int64
	allocs := testing.AllocsPerRun(100, func() {
		jitffi.SetArg(f, 0, framePair{A: 1, B: 2})
		f.SetInt(1, 3)
		swap.Call(f)
		sink = jitffi.ResultAs[framePair](f)
		n += f.Int(1)
	})
	if allocs != 0 || sink.A != 6 || n != 300+3 {
		t.Errorf("%v allocations per call, result %+v, %d", allocs, sink, n)
	}
}

// TestFrameAccessorsInCallbacks reads a dynamic callback's arguments and writes its
// result with the typed accessors, while C calls it.
func TestFrameAccessorsInCallbacks(t *testing.T) {
	bind, p := frameFixture(t)
	callback := func(typedef string, fn func(*jitffi.Frame)) *jitffi.Callback {
		t.Helper()
		sig, err := p.ParseSignature(typedef) // the function type a typedef'd pointer points to
		if err != nil {
			t.Fatal(err)
		}
		cb, err := jitffi.NewCallbackDynamic(sig, fn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(cb.Free)
		return cb
	}

	var seen string
	cb := callback("frame_cb", func(f *jitffi.Frame) {
		pair := jitffi.ArgAs[framePair](f, 4)
		seen = fmt.Sprintf("%d %d %v %s %v %v", f.Int(0), f.Uint(1), f.Float(2), jitffi.GoString((*byte)(f.Pointer(3))), pair, f.Bool(5))
		f.SetResultFloat(float64(f.Int(0)) + f.Float(2) + pair.B)
	})
	call := bind("frame_call")
	f := call.NewFrame()
	jitffi.SetArg(f, 0, cb) // a *Callback stores its C address
	call.Call(f)
	if got := f.ResultFloat(); got != -3+1.25+2.5 || seen != "-3 4000000000 1.25 hi {7 2.5} true" {
		t.Errorf("frame_call = %v, the callback saw %q", got, seen)
	}

	cbPair := callback("frame_pair_cb", func(f *jitffi.Frame) {
		p := jitffi.ArgAs[framePair](f, 0)
		scale := f.Float(1)
		jitffi.SetResult(f, framePair{A: p.A * int32(scale), B: p.B * scale})
	})
	callPair := bind("frame_call_pair")
	f = callPair.NewFrame()
	f.SetUint(0, uint64(cbPair.Addr()))
	callPair.Call(f)
	if got := f.ResultFloat(); got != 6*1000+1 {
		t.Errorf("frame_call_pair = %v", got)
	}

	var data [4]byte
	cbPtr := callback("frame_ptr_cb", func(f *jitffi.Frame) {
		if f.Uint(1) != math.MaxUint64 {
			f.SetResultInt(-1)
			return
		}
		(*[4]byte)(f.Pointer(0))[2] = 42
		f.SetResultInt(math.MinInt64 + 1)
	})
	callPtr := bind("frame_call_ptr")
	f = callPtr.NewFrame()
	jitffi.SetArg(f, 0, cbPtr)
	f.SetPointer(1, unsafe.Pointer(&data))
	callPtr.Call(f)
	runtime.KeepAlive(&data)
	if got := f.ResultInt(); got != math.MinInt64+1 || data[2] != 42 {
		t.Errorf("frame_call_ptr = %d, data %v", got, data)
	}

	// A callback's Frame refuses what its C types refuse, and its use after return.
	var kept *jitffi.Frame
	var msg string
	cbBad := callback("frame_ptr_cb", func(f *jitffi.Frame) {
		kept = f
		defer func() { msg = fmt.Sprint(recover()); f.SetResultInt(7) }()
		f.SetResultFloat(1)
	})
	jitffi.SetArg(f, 0, cbBad)
	callPtr.Call(f)
	if f.ResultInt() != 7 || !strings.Contains(msg, "SetResultFloat: the result is int64_t, not float or double") {
		t.Errorf("misuse in a callback: result %d, panic %q", f.ResultInt(), msg)
	}
	mustPanic(t, "Uint of a callback's Frame after the callback returned", func() { kept.Uint(1) })
}

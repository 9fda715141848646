//go:build linux && amd64

package jitffi_test

import (
	"encoding/binary"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// gcc on Linux compiles __attribute__((ms_abi)) functions with the Win64 convention, so
// these tests run Win64 plans for real, in the ordinary test run, against callees that
// record every byte they receive: the fast inner loop for the Win64 classifier and the
// stub emitter's Win64 side. The stubs are entered SysV-style (WithABI) and call the
// callee Win64-style.

// w64CompileCases builds one gcc fixture of ms_abi recording callees.
func w64CompileCases(t *testing.T, ns []ctest.NamedSig, flags ...string) ([]ctest.Case, *jitffi.Library) {
	t.Helper()
	cases, err := ctest.ParseCases(ns)
	if err != nil {
		t.Fatal(err)
	}
	src, err := ctest.Generate(cases, ctest.GenOptions{MSABI: true})
	if err != nil {
		t.Fatal(err)
	}
	path, err := ctest.Compile(t.TempDir(), src, flags...)
	if err != nil {
		t.Fatalf("compiling the ms_abi C fixture with %v: %v", ctest.Compiler(), err)
	}
	return cases, openLib(t, path)
}

// TestWin64AgainstGCC calls every Win64 case (each Win64 rule of abi/RULES.md, each Windows
// peer bug, results of every size 1-32) and every System V case (all fixed-width, so just as
// meaningful under ms_abi) through Win64 stubs, in both call modes and with both stubs,
// against gcc-compiled ms_abi callees at -O2 and -O0.
func TestWin64AgainstGCC(t *testing.T) {
	all := append(append([]ctest.NamedSig(nil), ctest.Win64Cases...), ctest.SysVCases...)
	win64 := jitffi.WithABI(abi.Win64)
	for _, opt := range []struct {
		name  string
		flags []string
	}{{"O2", nil}, {"O0", []string{"-O0"}}} {
		t.Run(opt.name, func(t *testing.T) {
			cases, lib := w64CompileCases(t, all, opt.flags...)
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					callCase(t, lib, c, 1, win64)
					callCase(t, lib, c, 0x5eed, win64, jitffi.Fast())
				})
			}
		})
	}
}

// TestWin64UpcallsAgainstGCC is the upcall oracle under Win64 on Linux: gcc-compiled C
// callers (-O2 and -O0) call, through __attribute__((ms_abi)) function pointers, dynamic
// callbacks made WithABI(abi.Win64), with every fixed-signature Win64 case and System V
// case, and both directions of bytes are compared (see upcallCase). These stubs are
// called Win64-style and call the door System V-style.
func TestWin64UpcallsAgainstGCC(t *testing.T) {
	all := append(append([]ctest.NamedSig(nil), ctest.Win64Cases...), ctest.SysVCases...)
	for _, opt := range []struct {
		name  string
		seed  uint64
		flags []string
	}{{"O2", 1, nil}, {"O0", 0x5eed, []string{"-O0"}}} {
		t.Run(opt.name, func(t *testing.T) {
			cases := upcallCases(t, all)
			lib := compileUpcallers(t, cases, ctest.GenOptions{MSABI: true, Seed: opt.seed}, opt.flags...)
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) { upcallCase(t, lib, c, opt.seed, abi.Win64) })
			}
		})
	}
}

// TestWithABIPlan checks that WithABI classifies under the requested convention and that
// the same signature without it still gets the host's plan.
func TestWithABIPlan(t *testing.T) {
	cases, lib := w64CompileCases(t, ctest.Win64Cases[:1])
	c := cases[0]
	d := must(jitffi.BindDynamic(lib, c.Name, c.Sig, jitffi.WithABI(abi.Win64)))
	if got := d.Plan().ABI; got != abi.Win64 {
		t.Errorf("WithABI(Win64) plan is %v", got)
	}
	if p := d.Plan(); p.ShadowSize != 32 || p.Args[4].Passing != abi.ByReference {
		t.Errorf("not a Win64 plan:\n%v", p)
	}
	h := must(jitffi.BindDynamic(lib, c.Name, c.Sig))
	if got := h.Plan().ABI; got != abi.Host {
		t.Errorf("plan without WithABI is %v, want the host's %v", got, abi.Host)
	}
}

// w64Fixture holds ms_abi callees that check what the generated fixtures cannot: the
// full 32-bit registers and stack slots behind narrow arguments, and a callee that
// writes to its by-reference arguments.
const w64Fixture = `
#define MS __attribute__((ms_abi))
typedef unsigned int u32;
typedef long long i64;
u32 w64_ext_seen[10];
MS void w64_ext_args(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f, u32 g, u32 h, u32 i, u32 j) {
	w64_ext_seen[0] = a; w64_ext_seen[1] = b; w64_ext_seen[2] = c; w64_ext_seen[3] = d;
	w64_ext_seen[4] = e; w64_ext_seen[5] = f; w64_ext_seen[6] = g; w64_ext_seen[7] = h;
	w64_ext_seen[8] = i; w64_ext_seen[9] = j;
}
typedef struct { i64 a, b, c; } S24;
typedef struct { char c[3]; } S3;
/* Sums its arguments, then scribbles over them through the pointers it was given: a stub
   that passed the frame's own bytes instead of a copy (libffi #305) lets the scribbles
   reach the caller. */
__attribute__((noipa)) MS i64 w64_scribble(S24 x, S3 y, S24 z) {
	i64 sum = x.a + x.b + x.c + y.c[0] + y.c[1] + y.c[2] + z.a + z.b + z.c;
	S24 *volatile px = &x, *volatile pz = &z;
	S3 *volatile py = &y;
	px->a = px->b = px->c = -1;
	pz->a = pz->b = pz->c = -1;
	py->c[0] = py->c[1] = py->c[2] = -1;
	return sum;
}
`

// TestWin64NarrowIntegersExtended checks the registers and stack slots behind narrow
// arguments in full: callees that read a whole 32-bit value (as va_arg(ap, int) does for
// a variadic char) must see it extended, as gcc's callers extend it.
func TestWin64NarrowIntegersExtended(t *testing.T) {
	path, err := ctest.Compile(t.TempDir(), w64Fixture)
	if err != nil {
		t.Fatal(err)
	}
	lib := openLib(t, path)
	sig := must(abi.ParseSignature("void (int8_t, uint8_t, int16_t, bool, int8_t, uint8_t, int16_t, uint16_t, bool, int32_t)"))
	d := must(jitffi.BindDynamic(lib, "w64_ext_args", sig, jitffi.WithABI(abi.Win64)))
	fr := d.NewFrame()
	values := []uint64{0x80, 0xF0, 0x8001, 1, 0xFF, 0x81, 0x8000, 0xFFFE, 1, 0x7fffffff}
	want := []uint32{0xFFFFFF80, 0xF0, 0xFFFF8001, 1, 0xFFFFFFFF, 0x81, 0xFFFF8000, 0xFFFE, 1, 0x7fffffff}
	for i, v := range values {
		s := slotOf(fr, i)
		binary.LittleEndian.PutUint64(s, 0xA5A5A5A5A5A5A5A5) // garbage above the width
		copy(s, binary.LittleEndian.AppendUint64(nil, v)[:len(fr.Arg(i))])
	}
	d.Call(fr)
	seen := unsafe.Slice((*uint32)(pointerAt(must(lib.Lookup("w64_ext_seen")))), len(want))
	for i := range want {
		where := "register"
		if i >= 4 {
			where = "stack slot"
		}
		if seen[i] != want[i] {
			t.Errorf("argument %d (%v, %s): callee saw 0x%08x, want 0x%08x", i, sig.Params[i], where, seen[i], want[i])
		}
	}
}

// TestWin64ByReferenceCopied is libffi #305: a callee owns its by-reference arguments'
// copies and may write to them; the caller's values must not change, and a second call
// must pass the original values again.
func TestWin64ByReferenceCopied(t *testing.T) {
	path, err := ctest.Compile(t.TempDir(), w64Fixture)
	if err != nil {
		t.Fatal(err)
	}
	lib := openLib(t, path)
	sig := must(abi.ParseSignature("int64_t (struct{int64_t a; int64_t b; int64_t c;}, struct{int8_t c[3];}, struct{int64_t a; int64_t b; int64_t c;})"))
	for _, fast := range []bool{false, true} {
		opts := []jitffi.Option{jitffi.WithABI(abi.Win64)}
		if fast {
			opts = append(opts, jitffi.Fast())
		}
		d := must(jitffi.BindDynamic(lib, "w64_scribble", sig, opts...))
		fr := d.NewFrame()
		for i, v := range []int64{1, 2, 3} {
			binary.LittleEndian.PutUint64(fr.Arg(0)[8*i:], uint64(v))
			binary.LittleEndian.PutUint64(fr.Arg(2)[8*i:], uint64(100*v))
		}
		copy(fr.Arg(1), []byte{10, 20, 30})
		before := [3]string{string(fr.Arg(0)), string(fr.Arg(1)), string(fr.Arg(2))}
		for call := range 2 {
			d.Call(fr)
			if got := int64(binary.LittleEndian.Uint64(fr.Result())); got != 666 {
				t.Errorf("fast %v, call %d: sum %d, want 666", fast, call, got)
			}
			for i := range before {
				if string(fr.Arg(i)) != before[i] {
					t.Errorf("fast %v, call %d: the callee's writes reached argument %d in the frame: % x", fast, call, i, fr.Arg(i))
				}
			}
		}
	}
}

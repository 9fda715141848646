//go:build cgo

package jitffi_test

import (
	"encoding/binary"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// compileCases builds one gcc fixture holding a recording callee per case.
func compileCases(t *testing.T, ns []ctest.NamedSig, flags ...string) ([]ctest.Case, *jitffi.Library) {
	t.Helper()
	cases, err := ctest.ParseCases(ns)
	if err != nil {
		t.Fatal(err)
	}
	src, err := ctest.Generate(cases, ctest.GenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path, err := ctest.Compile(t.TempDir(), src, flags...)
	if err != nil {
		t.Fatalf("compiling the C fixture with %v: %v", ctest.Compiler(), err)
	}
	return cases, openLib(t, path)
}

// slotOf returns argument i's whole frame slot: its C bytes and the padding up to 8 bytes.
func slotOf(fr *jitffi.Frame, i int) []byte {
	arg := fr.Arg(i)
	if len(arg) == 0 {
		return arg
	}
	return unsafe.Slice(&arg[0], (len(arg)+7)&^7)
}

// callCase calls one case's callee through a Dynamic binding with garbage in every byte
// the C value does not own, and checks what the callee recorded and returned.
func callCase(t *testing.T, lib *jitffi.Library, c ctest.Case, seed uint64, opts ...jitffi.Option) {
	t.Helper()
	d, err := jitffi.BindDynamic(lib, c.Name, c.Sig, opts...)
	if err != nil {
		t.Fatalf("bind %s: %v", ctest.Describe(c), err)
	}
	recAddr, err := lib.Lookup(c.Name + "_rec")
	if err != nil {
		t.Fatal(err)
	}
	args := ctest.CallArgs(c.Sig, seed)
	fr := d.NewFrame()
	for i, a := range args {
		s := slotOf(fr, i)
		for j := range s {
			s[j] = 0xEE // above a narrow integer's width and past a struct's end
		}
		copy(s, a)
	}
	res := fr.Result()
	for j := range res {
		res[j] = 0xDD
	}
	for _, errno := range []bool{false, true} {
		rec := unsafe.Slice((*byte)(pointerAt(recAddr)), ctest.RecordSize(c.Sig))
		clear(rec)
		if errno {
			d.CallErrno(fr)
		} else {
			d.Call(fr)
		}
		if err := ctest.CheckCall(rec, c.Sig, args, fr.Result(), c.Salt); err != nil {
			t.Errorf("%s (errno stub %v)\nplan:\n%v\n%v", ctest.Describe(c), errno, d.Plan(), err)
		}
	}
}

// TestSysVAgainstGCC calls every System V case (each rule of abi-rules.md, each amd64 peer
// bug, results of every size 1-32, spills, variadics) through the JIT stubs, in both call
// modes, against gcc-compiled callees that record every byte they receive.
func TestSysVAgainstGCC(t *testing.T) {
	for _, opt := range []struct {
		name  string
		flags []string
	}{{"O2", nil}, {"O0", []string{"-O0"}}} {
		t.Run(opt.name, func(t *testing.T) {
			cases, lib := compileCases(t, ctest.SysVCases, opt.flags...)
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					callCase(t, lib, c, 1)
					callCase(t, lib, c, 0x5eed, jitffi.Fast())
				})
			}
		})
	}
}

// extensionFixture's callees see narrow integers as the full 32-bit registers or stack
// slots a C caller fills, and return 64-bit values with garbage above a narrow result.
const extensionFixture = `
typedef unsigned int u32;
typedef unsigned long long u64;
u32 ext_seen[12];
void ext_args(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f, u32 g, u32 h, u32 i, u32 j, u32 k, u32 l) {
	ext_seen[0] = a; ext_seen[1] = b; ext_seen[2] = c; ext_seen[3] = d; ext_seen[4] = e; ext_seen[5] = f;
	ext_seen[6] = g; ext_seen[7] = h; ext_seen[8] = i; ext_seen[9] = j; ext_seen[10] = k; ext_seen[11] = l;
}
u64 ext_result(void) { return 0xDEADBEEFCAFEF085ull; }
`

// TestNarrowIntegersExtended checks rule 10 directly: a C caller extends char, short and
// bool arguments to 32 bits (in registers and in stack slots), and callers must extend
// narrow results themselves. The callee here reads whole 32-bit values, so a stub that
// passed the garbage above a narrow value's width would be caught.
func TestNarrowIntegersExtended(t *testing.T) {
	path, err := ctest.Compile(t.TempDir(), extensionFixture)
	if err != nil {
		t.Fatal(err)
	}
	lib := openLib(t, path)
	sig, err := abi.ParseSignature("void (int8_t, uint8_t, int16_t, uint16_t, bool, int32_t, int8_t, uint8_t, int16_t, uint16_t, bool, int8_t)")
	if err != nil {
		t.Fatal(err)
	}
	d := must(jitffi.BindDynamic(lib, "ext_args", sig))
	fr := d.NewFrame()
	values := []uint64{0x80, 0xF0, 0x8001, 0xFFFE, 1, 0x7fffffff, 0xFF, 0x81, 0x8000, 0x8000, 1, 0x7F}
	want := []uint32{0xFFFFFF80, 0xF0, 0xFFFF8001, 0xFFFE, 1, 0x7fffffff, 0xFFFFFFFF, 0x81, 0xFFFF8000, 0x8000, 1, 0x7F}
	for i, v := range values {
		s := slotOf(fr, i)
		binary.LittleEndian.PutUint64(s, 0xA5A5A5A5A5A5A5A5) // garbage above the width
		copy(s, binary.LittleEndian.AppendUint64(nil, v)[:len(fr.Arg(i))])
	}
	d.Call(fr)
	seenAddr := must(lib.Lookup("ext_seen"))
	seen := unsafe.Slice((*uint32)(pointerAt(seenAddr)), len(want))
	for i := range want {
		if seen[i] != want[i] {
			t.Errorf("argument %d (%v, %s): callee saw 0x%08x, want 0x%08x", i, sig.Params[i], where(i), seen[i], want[i])
		}
	}

	for _, c := range []struct {
		result string
		want   uint64
	}{
		{"int8_t", 0xFFFFFFFFFFFFFF85}, {"uint8_t", 0x85}, {"int16_t", 0xFFFFFFFFFFFFF085},
		{"uint16_t", 0xF085}, {"bool", 0x85}, {"int32_t", 0xCAFEF085}, {"uint32_t", 0xCAFEF085},
	} {
		rsig := must(abi.ParseSignature(c.result + " (void)"))
		rd := must(jitffi.BindDynamic(lib, "ext_result", rsig))
		rfr := rd.NewFrame()
		rd.Call(rfr)
		res := rfr.Result()
		// Narrow results are widened to the whole 8-byte slot; 32-bit ones own 4 bytes.
		got := binary.LittleEndian.Uint64(unsafe.Slice(&res[0], 8))
		if len(res) == 4 {
			got &= 0xFFFFFFFF
		}
		if got != c.want {
			t.Errorf("%s result: frame slot holds 0x%016x, want 0x%016x", c.result, got, c.want)
		}
	}
}

func where(i int) string {
	if i < 6 {
		return "register"
	}
	return "stack slot"
}

// pointerAt turns a C address (a symbol from Lookup) into a pointer. The memory is C's,
// never the Go heap's, so the conversion cannot hide a Go object from the collector.
func pointerAt(addr uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&addr)) }

//go:build cgo || windows || (linux && (amd64 || arm64))

package jitffi_test

import (
	"encoding/binary"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
)

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

// TestNarrowIntegersExtended checks SysV rule 10 (abi/RULES.md) directly: a C caller
// extends char, short and bool arguments to 32 bits (in registers and in stack slots), and
// callers must extend narrow results themselves. The callee here reads whole 32-bit values,
// so a stub that passed the garbage above a narrow value's width would be caught. Where the
// ABI leaves those upper bits unspecified (abi/RULES.md, Win64 rule 6), only the value's
// own bits are compared.
func TestNarrowIntegersExtended(t *testing.T) {
	lib := fixtureLib(t, "extension")
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
		if !narrowArgsExtended {
			// Only the value's own bits are specified; the stub's choice for the rest
			// is its business.
			mask := uint32(1)<<(8*len(fr.Arg(i))) - 1
			if len(fr.Arg(i)) >= 4 {
				mask = ^uint32(0)
			}
			seen[i] &= mask
			want[i] &= mask
		}
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
	if i < hostIntArgRegs {
		return "register"
	}
	return "stack slot"
}

// pointerAt turns a C address (a symbol from Lookup) into a pointer. The memory is C's,
// never the Go heap's, so the conversion cannot hide a Go object from the collector.
func pointerAt(addr uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&addr)) }

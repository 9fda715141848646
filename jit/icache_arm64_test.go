//go:build !windows

package jit

import (
	"encoding/binary"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/arch/arm64/arm64asm"
)

// CTR_EL0 fields (Arm ARM D23.2): log2 of the smallest data and instruction cache lines
// in 4-byte words. The architecture caps a line (CWG) at 2 KB, and no core has lines
// below 16 bytes.
const (
	ctrDminLineShift = 16
	ctrMinLineMask   = 0xf
	ctrWord          = 4
	minCacheLine     = 16
	maxCacheLine     = 2048
)

// TestCacheLineSizes checks that CTR_EL0, read by the same instruction flushCache uses,
// gives line sizes flushCache can step by: powers of two within the architectural range
// (a zero line size would make its loops spin forever).
// insnBytes is the size of every arm64 instruction.
const insnBytes = 4

func TestCacheLineSizes(t *testing.T) {
	ctr := cacheTypeRegister()
	dline := ctrWord << (ctr >> ctrDminLineShift & ctrMinLineMask)
	iline := ctrWord << (ctr & ctrMinLineMask)
	t.Logf("CTR_EL0 %#x: data line %d bytes, instruction line %d bytes", ctr, dline, iline)
	for name, n := range map[string]int{"data": dline, "instruction": iline} {
		if n < minCacheLine || n > maxCacheLine {
			t.Errorf("%s cache line of %d bytes is outside [%d, %d]", name, n, minCacheLine, maxCacheLine)
		}
	}
}

// TestFlushCacheRuns calls the maintenance routine on Go memory, on unaligned and empty
// ranges and on sealed code pages: it must return without faulting in each case, and
// code flushed that way must run.
func TestFlushCacheRuns(t *testing.T) {
	buf := make([]byte, 3*maxCacheLine)
	base := uintptr(unsafe.Pointer(&buf[0]))
	for _, r := range [][2]uintptr{{0, uintptr(len(buf))}, {1, 1}, {7, maxCacheLine + 3}, {5, 0}} {
		flushCache(base+r[0], r[1])
	}
	// mov w0, #42; ret: Go's arm64 register ABI returns an int in x0.
	var code [8]byte
	binary.LittleEndian.PutUint32(code[0:], 0x52800540)
	binary.LittleEndian.PutUint32(code[4:], 0xd65f03c0)
	addrs, err := allocCode([][]byte{code[:]})
	if err != nil {
		t.Fatal(err)
	}
	flushCache(addrs[0], uintptr(len(code))) // sealed read-execute: still readable
	entry := addrs[0]
	closure := &entry // a func value points at a word holding the code address
	fn := *(*func() int)(unsafe.Pointer(&closure))
	if got := fn(); got != 42 {
		t.Errorf("flushed code returned %d, want 42", got)
	}
}

// Encoding of IC IVAU, Xt: the generic SYS instruction with op1 3, CRn 7, CRm 5, op2 1,
// which golang.org/x/arch's decoder does not name.
const (
	icIVAUMask = 0xffffffe0
	icIVAU     = 0xd50b7520
)

// maxRoutineWords bounds the scan through flushCache's code for its final ret.
const maxRoutineWords = 64

// codeWords returns n instruction words starting at addr, which is in the text segment.
func codeWords(addr uintptr, n int) []byte {
	p := *(*unsafe.Pointer)(unsafe.Pointer(&addr))
	return unsafe.Slice((*byte)(p), n*insnBytes)
}

// abi0Body returns the address of the assembly body behind a Go func value of an
// assembly function: the func value points at a compiler-made wrapper (the Go register
// ABI to the assembly's stack ABI) that reaches the body with a direct bl or b.
func abi0Body(t *testing.T, wrapper uintptr) uintptr {
	t.Helper()
	code := codeWords(wrapper, maxRoutineWords)
	for pc := 0; pc < len(code); pc += insnBytes {
		inst, err := arm64asm.Decode(code[pc:])
		if err != nil || (inst.Op != arm64asm.BL && inst.Op != arm64asm.B) {
			continue
		}
		if rel, ok := inst.Args[0].(arm64asm.PCRel); ok {
			return wrapper + uintptr(pc) + uintptr(rel)
		}
	}
	t.Fatalf("no branch to the assembly body in the wrapper at %#x", wrapper)
	return 0
}

// TestFlushCacheInstructions reads flushCache's machine code and checks the maintenance
// sequence abi/RULES.md prescribes (AAPCS64 rule 9): read CTR_EL0, dc cvau per data line,
// dsb ish, ic ivau per instruction line, dsb ish, isb.
func TestFlushCacheInstructions(t *testing.T) {
	body := abi0Body(t, reflect.ValueOf(flushCache).Pointer())
	code := codeWords(body, maxRoutineWords)
	var ops []string
	for pc := 0; pc < len(code); pc += insnBytes {
		w := binary.LittleEndian.Uint32(code[pc:])
		inst, err := arm64asm.Decode(code[pc:])
		switch {
		case w&icIVAUMask == icIVAU:
			ops = append(ops, "ic ivau")
		case err != nil:
			ops = append(ops, fmt.Sprintf(".word %#08x", w))
		default:
			ops = append(ops, arm64asm.GNUSyntax(inst))
		}
		if ops[len(ops)-1] == "ret" {
			break
		}
	}
	listing := strings.Join(ops, "\n")
	t.Logf("flushCache at %#x:\n%s", body, listing)
	want := []string{"mrs x2, s3_3_c0_c0_1", "dc cvau", "dsb ish", "ic ivau", "dsb ish", "isb", "ret"}
	at := 0
	for _, w := range want {
		i := strings.Index(listing[at:], w)
		if i < 0 {
			t.Fatalf("%q missing or out of order after offset %d", w, at)
		}
		at += i + len(w)
	}
}

package jit

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/jit/internal/amd64"
	"github.com/jitffi/jitffi/jit/internal/arm64"
)

// TestTrampolineCodeGolden pins one trampoline of each architecture, as it sits in a
// block: its data slot one block further on.
func TestTrampolineCodeGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		code []byte
		abi  abi.ABI
	}{
		{"amd64", amd64.Trampoline(TrampolineBlockSize), abi.SysV},
		{"arm64", arm64.Trampoline(TrampolineBlockSize), abi.AAPCS64},
	} {
		t.Run(c.name, func(t *testing.T) {
			if len(c.code) > TrampolineSize {
				t.Fatalf("trampoline is %d bytes, more than its %d-byte slot", len(c.code), TrampolineSize)
			}
			listing, err := Disassemble(c.code, c.abi)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", c.name, "trampoline.golden"),
				"trampoline; its data slot at +0x10000: upcall stub address, then context\n"+listing)
		})
	}
}

// TestTrampolineReachesItsData checks the address arithmetic of both encodings for every
// slot position in a block: each slot's pc-relative operand lands on its own data slot.
func TestTrampolineReachesItsData(t *testing.T) {
	for slot := 0; slot < trampolinesPerBlock; slot += 97 {
		delta := TrampolineBlockSize
		amd := amd64.Trampoline(delta)
		if disp := int(int32(uint32(amd[3]) | uint32(amd[4])<<8 | uint32(amd[5])<<16 | uint32(amd[6])<<24)); 7+disp != delta {
			t.Fatalf("amd64: lea reaches +%d, want +%d", 7+disp, delta)
		}
		arm := arm64.Trampoline(delta)
		w := uint32(arm[0]) | uint32(arm[1])<<8 | uint32(arm[2])<<16 | uint32(arm[3])<<24
		imm := int(int32((w>>5&0x7FFFF)<<2|w>>29&3) << 11 >> 11)
		if imm != delta || w&0x1F != 17 {
			t.Fatalf("arm64: adr x%d reaches +%d, want x17 and +%d", w&0x1F, imm, delta)
		}
	}
}

func TestTrampolineSlots(t *testing.T) {
	if trampolineCode == nil {
		t.Skipf("no trampolines on %s", runtime.GOARCH)
	}
	const target, n = 0x1000, 10
	var ts []Trampoline
	for i := 0; i < n; i++ {
		tr := newTestTrampoline(t, target+uintptr(i), uintptr(1000+i))
		ts = append(ts, tr)
	}
	for i, tr := range ts {
		if tgt, ctx := TrampolineWords(tr); tgt != target+uintptr(i) || ctx != uintptr(1000+i) {
			t.Errorf("slot %d holds (%#x, %d), want (%#x, %d)", tr.Index, tgt, ctx, target+uintptr(i), 1000+i)
		}
		if i > 0 && (tr.Index != ts[i-1].Index+1 || tr.Addr != ts[i-1].Addr+TrampolineSize) {
			t.Errorf("slot %d at %#x does not follow slot %d at %#x", tr.Index, tr.Addr, ts[i-1].Index, ts[i-1].Addr)
		}
		want := trampolineCode(TrampolineBlockSize)
		if got := codeAt(tr.Addr, len(want)); string(got) != string(want) {
			t.Errorf("slot %d code % x, want % x", tr.Index, got, want)
		}
	}
	checkWX(t, []uintptr{ts[0].Addr})
	checkDataNotExecutable(t, ts[0])

	// Freed slots keep their words and come back oldest first.
	FreeTrampoline(ts[3])
	FreeTrampoline(ts[1])
	if tgt, ctx := TrampolineWords(ts[3]); tgt != target+3 || ctx != 1003 {
		t.Errorf("freed slot holds (%#x, %d), want its old words", tgt, ctx)
	}
	again, err := NewTrampoline()
	if err != nil {
		t.Fatal(err)
	}
	if again.Index != ts[3].Index || again.Addr != ts[3].Addr {
		t.Errorf("new slot %d, want the oldest freed slot %d", again.Index, ts[3].Index)
	}
	if tgt, ctx := TrampolineWords(again); tgt != target+3 || ctx != 1003 {
		t.Errorf("reused slot holds (%#x, %d) before it is set, want its old words", tgt, ctx)
	}
	if err := SetTrampoline(again, 0x2000, 7); err != nil {
		t.Fatal(err)
	}
	if tgt, ctx := TrampolineWords(again); tgt != 0x2000 || ctx != 7 {
		t.Errorf("reused slot holds (%#x, %d), want (0x2000, 7)", tgt, ctx)
	}
	if err := SetTrampoline(again, 0, 1); err == nil {
		t.Error("a trampoline was pointed at address 0")
	}
}

// TestTrampolineBlocksGrow makes more trampolines than a block holds.
func TestTrampolineBlocksGrow(t *testing.T) {
	if trampolineCode == nil {
		t.Skipf("no trampolines on %s", runtime.GOARCH)
	}
	before := trampolineBlocks.Load()
	var last Trampoline
	for i := 0; i < trampolinesPerBlock+1; i++ {
		last = newTestTrampoline(t, 0x1000, uintptr(i))
	}
	if got := trampolineBlocks.Load() - before; got < 1 {
		t.Fatalf("%d slots made %d new blocks", trampolinesPerBlock+1, got)
	}
	if tgt, ctx := TrampolineWords(last); tgt != 0x1000 || ctx != trampolinesPerBlock {
		t.Fatalf("last slot holds (%#x, %d)", tgt, ctx)
	}
	checkWX(t, []uintptr{last.Addr})
}

func newTestTrampoline(t *testing.T, target, context uintptr) Trampoline {
	t.Helper()
	tr, err := NewTrampoline()
	if err != nil {
		t.Fatal(err)
	}
	if err := SetTrampoline(tr, target, context); err != nil {
		t.Fatal(err)
	}
	return tr
}

// checkDataNotExecutable fails if t's data slot is in an executable mapping (Linux only).
func checkDataNotExecutable(t *testing.T, tr Trampoline) {
	t.Helper()
	if runtime.GOOS != "linux" {
		return
	}
	data := tr.Addr + TrampolineBlockSize
	for _, m := range readMaps(t) {
		if m.lo <= data && data < m.hi && m.perms[:3] != "rw-" {
			t.Errorf("data slot %#x is in mapping %#x-%#x %s, want rw-", data, m.lo, m.hi, m.perms)
		}
	}
}

// checkGolden compares got with the golden file at path, or rewrites the file under the
// package's -update flag (defined by the black-box tests of the same test binary).
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if u := flag.Lookup("update"); u != nil && u.Value.String() == "true" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("differs from %s (rerun with -update if intended):\n%s", path, got)
	}
}

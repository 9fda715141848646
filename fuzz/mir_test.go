package fuzz

import (
	"slices"
	"testing"
)

// The snippets are cut from clang 14 and llc 14 output for arm64-apple-macos11.
const sampleIR = `define %struct.F3 @f1(i32 noundef %0, [3 x float] %1, i8 noundef signext %2, [2 x i64] %4, %struct.L3* noundef %5, i128 %7) #0 {
define void @f2(%struct.L3* noalias sret(%struct.L3) align 8 %0, i32 noundef %1, ...) #0 {
define zeroext i1 @h3() #0 {
`

const sampleMIR = `--- |
  ; ModuleID
...
---
name:            f1
fixedStack:
  - { id: 0, type: default, offset: 8, size: 8, alignment: 8, stack-id: default,
  - { id: 1, type: default, offset: 0, size: 8, alignment: 16, stack-id: default,
stack:
  - { id: 0, name: '', type: default, offset: 0, size: 12, alignment: 4,
body:             |
  bb.1 (%ir-block.14):
    liveins: $s0, $s1, $s2, $w0, $w1, $x2, $x3, $x4
    %0:_(s32) = COPY $w0
    %1:_(s32) = COPY $s0
    %2:_(s32) = COPY $s1
    %3:_(s32) = COPY $s2
    %20:_(s32) = COPY $w1
    %6:_(s64) = COPY $x2
    %7:_(s64) = COPY $x3
    %8:_(p0) = COPY $x4
    %27:_(p0) = G_FRAME_INDEX %fixed-stack.1
    %26:_(s64) = G_LOAD %27(p0) :: (invariant load (s64) from %fixed-stack.1, align 16)
    %28:_(p0) = G_FRAME_INDEX %fixed-stack.0
    %29:_(s64) = G_LOAD %28(p0) :: (invariant load (s64) from %fixed-stack.0)
    RET_ReallyLR implicit $s0, implicit $s1, implicit $s2
...
---
name:            call2
fixedStack:      []
body:             |
  bb.1 (%ir-block.4):
    %33:_(p0) = COPY $sp
    G_STORE %23(s32), %35(p0) :: (store (s32) into stack, align 1)
    G_STORE %28(p0), %39(p0) :: (store (p0) into stack + 16, align 1)
    BL @f2, csr_darwin_aarch64_aapcs, implicit-def $lr, implicit $sp, implicit $x8, implicit $w0, implicit-def $x0
    %40:_(s64) = COPY $x0
    RET_ReallyLR
...
`

func TestReadIR(t *testing.T) {
	defs := irDefines(sampleIR)
	f1 := defs["f1"]
	var types []string
	var pieces []int
	for _, p := range f1 {
		types = append(types, p.Type)
		pieces = append(pieces, p.Pieces)
	}
	if want := []string{"i32", "[3 x float]", "i8", "[2 x i64]", "%struct.L3*", "i128"}; !slices.Equal(types, want) {
		t.Errorf("f1 types %q, want %q", types, want)
	}
	if want := []int{1, 3, 1, 2, 1, 2}; !slices.Equal(pieces, want) {
		t.Errorf("f1 pieces %v, want %v", pieces, want)
	}
	if f1[2].Ext != "signext" || f1[0].Ext != "" {
		t.Errorf("f1 extensions %q %q", f1[2].Ext, f1[0].Ext)
	}
	if f2 := defs["f2"]; len(f2) != 2 || !f2[0].Sret || f2[1].Sret {
		t.Errorf("f2: %+v", f2)
	}
	if h3, ok := defs["h3"]; !ok || len(h3) != 0 {
		t.Errorf("h3: %+v, %v", h3, ok)
	}
	rets := irResultExt(sampleIR)
	if len(rets) != 3 || rets["f1"] != "" || rets["f2"] != "" || rets["h3"] != "zeroext" {
		t.Errorf("result extensions %q, want f1 and f2 none, h3 zeroext", rets)
	}
}

func TestReadMIR(t *testing.T) {
	fs := readMIR(sampleMIR)
	f1 := fs["f1"]
	if f1 == nil {
		t.Fatal("no f1")
	}
	want := []piece{{Reg: "x0"}, {Reg: "v0"}, {Reg: "v1"}, {Reg: "v2"}, {Reg: "x1"}, {Reg: "x2"}, {Reg: "x3"}, {Reg: "x4"},
		{Offset: 0, Size: 8}, {Offset: 8, Size: 8}}
	if !slices.Equal(f1.Pieces, want) {
		t.Errorf("f1 pieces %v, want %v", f1.Pieces, want)
	}
	if want := []string{"v0", "v1", "v2"}; !slices.Equal(f1.Returns, want) {
		t.Errorf("f1 returns %v, want %v", f1.Returns, want)
	}
	c := fs["call2"]
	if c == nil || c.Calls["f2"] == nil {
		t.Fatal("no call of f2 in call2")
	}
	bl := c.Calls["f2"]
	if want := []string{"x8", "x0"}; !slices.Equal(bl.Regs, want) {
		t.Errorf("call registers %v, want %v (results are not arguments)", bl.Regs, want)
	}
	if want := []piece{{Offset: 0, Size: 4}, {Offset: 16, Size: 8}}; !slices.Equal(bl.Stores, want) {
		t.Errorf("call stores %v, want %v", bl.Stores, want)
	}
	if len(c.Pieces) != 0 {
		t.Errorf("call2 has no parameters, got pieces %v (a copy after a call is a result)", c.Pieces)
	}
}

func TestWidenedStore(t *testing.T) {
	pieces := []piece{{Offset: 0, Size: 1}, {Offset: 1, Size: 1}, {Offset: 4, Size: 2}, {Offset: 8, Size: 8}}
	for _, c := range []struct {
		s  piece
		ok bool
	}{
		{piece{Offset: 4, Size: 4}, true},  // a short widened to 4 bytes
		{piece{Offset: 8, Size: 8}, true},  // exactly a piece
		{piece{Offset: 0, Size: 4}, false}, // covers two pieces: the caller packs differently
		{piece{Offset: 2, Size: 2}, false}, // where the callee reads nothing
		{piece{Offset: 12, Size: 4}, true}, // inside a piece
		{piece{Offset: 6, Size: 4}, false}, // starts where the callee reads nothing
	} {
		if got := widenedStore(c.s, pieces); got != c.ok {
			t.Errorf("widenedStore(%v) = %v, want %v", c.s, got, c.ok)
		}
	}
}

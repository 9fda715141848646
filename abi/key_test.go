package abi_test

import (
	"testing"

	"github.com/jitffi/jitffi/abi"
)

// TestLayoutKeyIgnoresNamesOnly checks that the stub cache key tells layouts apart even
// when a member name is crafted to print like another layout, and that names alone do
// not split the cache.
func TestLayoutKeyIgnoresNamesOnly(t *testing.T) {
	i32 := abi.Scalar(abi.Int32)
	sig := func(s *abi.Type) *abi.Signature {
		return &abi.Signature{Result: i32, Params: []*abi.Type{s}, Fixed: -1}
	}
	crafted := sig(abi.StructOf(abi.Field{Name: "a; int32_t b", Type: i32}))
	honest := sig(abi.StructOf(abi.Field{Name: "a", Type: i32}, abi.Field{Name: "b", Type: i32}))
	if crafted.String() != honest.String() {
		t.Fatalf("premise: the crafted name should print alike: %q vs %q", crafted, honest)
	}
	if abi.LayoutKey(crafted) == abi.LayoutKey(honest) {
		t.Error("a 4-byte and an 8-byte struct share a layout key")
	}
	renamed := sig(abi.StructOf(abi.Field{Name: "x", Type: i32}, abi.Field{Name: "y", Type: i32}))
	if abi.LayoutKey(renamed) != abi.LayoutKey(honest) {
		t.Error("structs differing only in member names have different layout keys")
	}
	packed := sig(abi.PackedStructOf(abi.Field{Name: "a", Type: abi.Scalar(abi.Int8)}, abi.Field{Name: "b", Type: i32}))
	loose := sig(abi.StructOf(abi.Field{Name: "a", Type: abi.Scalar(abi.Int8)}, abi.Field{Name: "b", Type: i32}))
	if abi.LayoutKey(packed) == abi.LayoutKey(loose) {
		t.Error("packed and unpacked structs share a layout key")
	}
	variadic := &abi.Signature{Result: i32, Params: []*abi.Type{i32, i32}, Fixed: 1}
	fixed := &abi.Signature{Result: i32, Params: []*abi.Type{i32, i32}, Fixed: -1}
	if abi.LayoutKey(variadic) == abi.LayoutKey(fixed) {
		t.Error("variadic and fixed calls share a layout key")
	}
}

// TestCloneIsDeep checks that changing a signature after cloning it leaves the clone alone.
func TestCloneIsDeep(t *testing.T) {
	s, err := abi.ParseSignature("struct{int32_t a; float b[2];} (struct{double d;}, int8_t)")
	if err != nil {
		t.Fatal(err)
	}
	c := s.Clone()
	want := c.String()
	s.Params[0] = abi.Scalar(abi.Int64)
	s.Result.Fields[1].Name = "changed"
	s.Result.Fields[1].Type.Len = 99
	if got := c.String(); got != want || !abi.EqualSignatures(c, c.Clone()) {
		t.Errorf("clone changed with its original: %q, want %q", got, want)
	}
}

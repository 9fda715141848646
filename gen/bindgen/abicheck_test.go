package bindgen

import (
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
)

// TestABIRechecksRecords shows that package abi lays out again every struct and union the
// generated package declares, and that those it cannot model are listed with the reason.
func TestABIRechecksRecords(t *testing.T) {
	o, _ := generateFeatures(t)
	s := o.Summary
	if s.ABIChecked == 0 {
		t.Fatalf("package abi checked no record of things.h: %+v", s)
	}
	// A record is either generated or skipped; every generated one was checked or listed.
	if got, want := s.ABIChecked+len(s.ABIUnmodelled), s.Structs+s.Unions; got != want {
		t.Errorf("abi checked %d records and could not model %d, but the package declares %d structs and unions",
			s.ABIChecked, len(s.ABIUnmodelled), want)
	}
	unmodelled := map[string]string{}
	for _, u := range s.ABIUnmodelled {
		unmodelled[u.Kind+" "+u.Name] = u.Reason
	}
	for name, reason := range map[string]string{
		"struct struct bits": "member f1 is a bit-field",
		"struct struct flex": "member data is a flexible array member",
		"struct struct cplx": "member z: package abi has no _Complex double",
	} {
		if got, ok := unmodelled[name]; !ok || !strings.Contains(got, reason) {
			t.Errorf("%s: abi's reason %q (listed: %v), want %q in it", name, got, ok, reason)
		}
	}
	for _, checked := range []string{"struct struct point", "struct struct nested", "struct struct list", "union Anon_1"} {
		if reason, ok := unmodelled[checked]; ok {
			t.Errorf("%s was not checked by package abi: %s", checked, reason)
		}
	}
	if !strings.Contains(s.String(), " records laid out again by package abi (3 it cannot model)") {
		t.Errorf("the summary does not count abi's checks: %s", s)
	}
}

// TestABIDisagreementSkipsTheType makes package abi's layout of three structs wrong (size,
// a member's offset, the member count): each is skipped with the reason, and so is what
// uses it by value.
func TestABIDisagreementSkipsTheType(t *testing.T) {
	needGCC(t)
	i32, u8, u64 := abi.Scalar(abi.Int32), abi.Scalar(abi.Uint8), abi.Scalar(abi.Uint64)
	wrong := map[string]*abi.Type{
		// 16 bytes aligned to 8, where C has 8 aligned to 4.
		"struct point": abi.StructOf(abi.Field{Name: "x", Type: i32}, abi.Field{Name: "y", Type: abi.Scalar(abi.Int64)}),
		// The right size and alignment, value at 12 instead of 8.
		"struct list": abi.AlignedStructOf(8, false, abi.Field{Name: "next", Type: abi.ArrayOf(u8, 12)}, abi.Field{Name: "value", Type: i32}),
		// The right size and alignment, one member instead of two.
		"struct with_union": abi.StructOf(abi.Field{Name: "kind", Type: abi.ArrayOf(u64, 2)}),
	}
	seen := map[string]bool{}
	o, err := Generate(Config{
		Headers: []string{"testdata/things.h"}, Package: "things", Target: HostTarget(),
		abiModel: func(name string, model *abi.Type) *abi.Type {
			seen[name] = true
			if w, ok := wrong[name]; ok {
				return w
			}
			return model
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !seen["struct nested"] || !seen["Anon_1"] {
		t.Errorf("the hook did not see every record: %v", seen)
	}
	skipped := map[string]string{}
	for _, s := range o.Summary.Skipped {
		skipped[s.Kind+" "+s.Name] = s.Reason
	}
	for name, reason := range map[string]string{
		"struct struct point":      "the front end lays it out in 8 bytes aligned to 4, package abi in 16 aligned to 8",
		"struct struct list":       "member value: the front end puts it at 8, package abi at 12",
		"struct struct with_union": "the front end reads 2 members, package abi 1",
		"function by_value_point":  "struct point: the front end lays it out in 8 bytes",
		"field struct nested.pts":  "struct point: the front end lays it out in 8 bytes",
	} {
		if got, ok := skipped[name]; !ok || !strings.Contains(got, reason) {
			t.Errorf("%s: skipped %v because %q, want %q in it", name, ok, got, reason)
		}
	}
	src := string(o.Files["things.go"])
	for _, gone := range []string{"type Point struct", "type List struct", "type With_union struct", "By_value_point "} {
		if strings.Contains(src, gone) {
			t.Errorf("generated although abi disagrees: %s", gone)
		}
	}
	if !strings.Contains(src, "type Nested struct") {
		t.Errorf("struct nested, which holds the skipped points, is gone too")
	}
}

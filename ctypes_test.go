//go:build cgo || windows || (linux && (amd64 || arm64))

package jitffi_test

import (
	"reflect"
	"testing"

	"github.com/jitffi/jitffi"
)

// TestCTypesMatchTheCompiler checks every C type name's Go size and signedness against
// what the target's C compiler says of the C type (gcc here, aarch64 gcc under qemu,
// mingw-w64 under wine).
func TestCTypesMatchTheCompiler(t *testing.T) {
	goTypes := []struct {
		c      string
		goType reflect.Type
	}{
		{"char", reflect.TypeFor[jitffi.Char]()}, {"signed char", reflect.TypeFor[jitffi.SChar]()},
		{"unsigned char", reflect.TypeFor[jitffi.UChar]()}, {"short", reflect.TypeFor[jitffi.Short]()},
		{"unsigned short", reflect.TypeFor[jitffi.UShort]()}, {"int", reflect.TypeFor[jitffi.Int]()},
		{"unsigned int", reflect.TypeFor[jitffi.UInt]()}, {"long", reflect.TypeFor[jitffi.Long]()},
		{"unsigned long", reflect.TypeFor[jitffi.ULong]()}, {"long long", reflect.TypeFor[jitffi.LongLong]()},
		{"unsigned long long", reflect.TypeFor[jitffi.ULongLong]()}, {"size_t", reflect.TypeFor[jitffi.SizeT]()},
		{"ssize_t", reflect.TypeFor[jitffi.SSizeT]()}, {"intptr_t", reflect.TypeFor[jitffi.IntPtrT]()},
		{"uintptr_t", reflect.TypeFor[jitffi.UIntPtrT]()}, {"ptrdiff_t", reflect.TypeFor[jitffi.PtrDiffT]()},
		{"wchar_t", reflect.TypeFor[jitffi.WChar]()}, {"_Bool", reflect.TypeFor[jitffi.Bool]()},
	}
	lib := fixtureLib(t, "ctypes")
	count := must(jitffi.Global[int64](lib, "ctype_count"))
	if int(*count) != len(goTypes) {
		t.Fatalf("the fixture has %d rows, the test %d", *count, len(goTypes))
	}
	rows := must(jitffi.GlobalSlice[[2]int64](lib, "ctype_rows", int(*count)))
	for i, gt := range goTypes {
		signed := gt.goType.Kind() >= reflect.Int && gt.goType.Kind() <= reflect.Int64
		if size, cSigned := rows[i][0], rows[i][1] != 0; int64(gt.goType.Size()) != size || signed != cSigned {
			t.Errorf("%s: C says %d bytes, signed %v; jitffi.%s is %v (%d bytes)", gt.c, size, cSigned, gt.goType.Name(), gt.goType.Kind(), gt.goType.Size())
		}
	}
}

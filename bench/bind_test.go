//go:build linux

package bench_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/ebitengine/purego"
	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
	"github.com/jupiterrider/ffi"
)

const (
	noBindCgo      = "cgo: functions are bound when the program is built; nothing happens at run time"
	noBindSyscallN = "purego SyscallN: nothing to bind (the address goes to every call)"
	noBindFloor    = "c-floor: a C function pointer needs no binding"
)

// A fieldKind is one scalar a fresh struct may hold, in each path's vocabulary.
type fieldKind struct {
	abi  abi.Kind
	goTy reflect.Type
	ffi  *ffi.Type
}

// fieldKinds holds 8-byte members only: purego v0.11 ignores member offsets when it
// places a struct in registers and panics on many padded structs ("tryPlaceRegisters
// shift > 64"), and the cells must bind the same signatures on every path.
var fieldKinds = []fieldKind{
	{abi.Int64, reflect.TypeFor[int64](), &ffi.TypeSint64},
	{abi.Float64, reflect.TypeFor[float64](), &ffi.TypeDouble},
}

// freshCount numbers the fresh structs of the whole process, so that no two binds, in any
// cell or -count round, ever share one.
var freshCount atomic.Uint64

// freshFields returns the member kinds of the next never-seen struct: the process's n-th
// struct spells n in bijective base 2 over fieldKinds (int64 and double), so every n gives
// a different sequence of members (hence a different layout) and the structs grow with n:
// 1 to 16 members (8 to 128 bytes, in registers and in memory) for the first 131070.
func freshFields() []fieldKind {
	return fieldsOf(freshCount.Add(1))
}

func fieldsOf(n uint64) []fieldKind {
	var fs []fieldKind
	base := uint64(len(fieldKinds))
	for n > 0 {
		n--
		fs = append(fs, fieldKinds[n%base])
		n /= base
	}
	return fs
}

// freshSig is the jitffi description of uint16_t f(struct S) for S's members.
func freshSig(fs []fieldKind) *abi.Signature {
	fields := make([]abi.Field, len(fs))
	for i, f := range fs {
		fields[i] = abi.Field{Name: "f" + strconv.Itoa(i), Type: abi.Scalar(f.abi)}
	}
	return &abi.Signature{Result: abi.Scalar(abi.Uint16), Params: []*abi.Type{abi.StructOf(fields...)}, Fixed: -1}
}

// freshFuncType is the purego description: func(S) uint16 with S a reflect.StructOf.
func freshFuncType(fs []fieldKind) reflect.Type {
	fields := make([]reflect.StructField, len(fs))
	for i, f := range fs {
		fields[i] = reflect.StructField{Name: "F" + strconv.Itoa(i), Type: f.goTy}
	}
	return reflect.FuncOf([]reflect.Type{reflect.StructOf(fields)}, []reflect.Type{reflect.TypeFor[uint16]()}, false)
}

// freshCif prepares the libffi description into cif.
func freshCif(cif *ffi.Cif, fs []fieldKind) ffi.Status {
	elems := make([]*ffi.Type, len(fs)+1) // nil-terminated
	for i, f := range fs {
		elems[i] = f.ffi
	}
	st := &ffi.Type{Type: ffi.Struct, Elements: &elems[0]}
	return ffi.PrepCif(cif, ffi.DefaultAbi, 1, &ffi.TypeUint16, st)
}

// benchBindFresh binds perOp never-seen signatures per op and reports the executable
// memory the process mapped for them.
func benchBindFresh(b *testing.B, perOp int) {
	c := theC(b)
	addr := c.addr.Noop
	want := c.ref.Add(-7, 1<<30)
	skipCell(b, pathCgo, noBindCgo)
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			// The check: add bound from a run-time signature, called, compared with the reference.
			sig := must(abi.ParseSignature("int32_t (int32_t, int32_t)"))(b)
			d := must(jitffi.BindDynamicAt(c.addr.Add, sig, opts...))(b)
			f := d.NewFrame()
			m7 := int32(-7)
			binary.LittleEndian.PutUint32(f.Arg(0), uint32(m7))
			binary.LittleEndian.PutUint32(f.Arg(1), 1<<30)
			d.Call(f)
			agree(b, "add bound at run time", int32(binary.LittleEndian.Uint32(f.Result())), want)
			measureExec(b, perOp, func() {
				for range perOp {
					if _, err := jitffi.BindDynamicAt(addr, freshSig(freshFields()), opts...); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		i32 := reflect.TypeFor[int32]()
		fn := reflect.New(reflect.FuncOf([]reflect.Type{i32, i32}, []reflect.Type{i32}, false))
		purego.RegisterFunc(fn.Interface(), c.addr.Add)
		out := fn.Elem().Call([]reflect.Value{reflect.ValueOf(int32(-7)), reflect.ValueOf(int32(1 << 30))})
		agree(b, "add bound at run time", int32(out[0].Int()), want)
		measureExec(b, perOp, func() {
			for range perOp {
				purego.RegisterFunc(reflect.New(freshFuncType(freshFields())).Interface(), addr)
			}
		})
	})
	skipCell(b, pathSyscallN, noBindSyscallN)
	cell(b, pathLibffi, func(b *testing.B) {
		var cif ffi.Cif
		if st := ffi.PrepCif(&cif, ffi.DefaultAbi, 2, &ffi.TypeSint32, &ffi.TypeSint32, &ffi.TypeSint32); st != ffi.OK {
			b.Fatalf("libffi: ffi_prep_cif: %v", st)
		}
		x, y := int32(-7), int32(1<<30)
		var r ffi.Arg
		ffi.Call(&cif, c.addr.Add, unsafe.Pointer(&r), unsafe.Pointer(&x), unsafe.Pointer(&y))
		agree(b, "add bound at run time", int32(r), want)
		measureExec(b, perOp, func() {
			for range perOp {
				cif := new(ffi.Cif)
				if st := freshCif(cif, freshFields()); st != ffi.OK {
					b.Fatalf("libffi: ffi_prep_cif: %v", st)
				}
			}
		})
	})
	skipCell(b, pathFloor, noBindFloor)
}

// measureExec runs op b.N times on the clock and reports the executable bytes mapped
// meanwhile per bound function (perOp functions per op).
func measureExec(b *testing.B, perOp int, op func()) {
	before := execBytes(b)
	b.ResetTimer()
	for range b.N {
		op()
	}
	b.StopTimer()
	after := execBytes(b)
	b.ReportMetric(float64(after-before)/float64(b.N*perOp), "exec-B/func")
}

// execBytes sums the process's executable mappings that hold code made at run time:
// anonymous ones, and memory files (memfd, which jitffi's code arena maps twice, once
// executable; its writable view is not counted).
func execBytes(b *testing.B) int64 {
	b.Helper()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	sc := bufio.NewScanner(bytes.NewReader(maps))
	for sc.Scan() {
		// start-end perms offset dev inode [path]
		f := strings.Fields(sc.Text())
		if len(f) < 5 || !strings.HasPrefix(f[1], "r-x") {
			continue
		}
		if len(f) > 5 && !strings.HasPrefix(f[5], "/memfd:") {
			continue
		}
		var start, end uint64
		if _, err := fmt.Sscanf(f[0], "%x-%x", &start, &end); err != nil {
			b.Fatalf("/proc/self/maps: %q: %v", sc.Text(), err)
		}
		total += int64(end - start)
	}
	return total
}

func benchBindCached(b *testing.B) {
	c := theC(b)
	addr := c.addr.Add
	want := c.ref.Add(-7, 1<<30)
	skipCell(b, pathCgo, noBindCgo)
	jit := func(opts ...jitffi.Option) func(*testing.B) {
		return func(b *testing.B) {
			f := must(jitffi.Bind2At[int32, int32, int32](addr, opts...))(b)
			agree(b, "add", f.Call(-7, 1<<30), want)
			b.ResetTimer()
			for range b.N {
				if _, err := jitffi.Bind2At[int32, int32, int32](addr, opts...); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	cell(b, pathJit, jit())
	cell(b, pathJitFast, jit(jitffi.Fast()))
	cell(b, pathPurego, func(b *testing.B) {
		var f func(int32, int32) int32
		purego.RegisterFunc(&f, addr)
		agree(b, "add", f(-7, 1<<30), want)
		b.ResetTimer()
		for range b.N {
			purego.RegisterFunc(&f, addr)
		}
	})
	skipCell(b, pathSyscallN, noBindSyscallN)
	cell(b, pathLibffi, func(b *testing.B) {
		cif := prepCif(b, &ffi.TypeSint32, &ffi.TypeSint32, &ffi.TypeSint32)
		x, y := int32(-7), int32(1<<30)
		var r ffi.Arg
		ffi.Call(cif, addr, unsafe.Pointer(&r), unsafe.Pointer(&x), unsafe.Pointer(&y))
		agree(b, "add", int32(r), want)
		b.ResetTimer()
		for range b.N {
			if st := ffi.PrepCif(cif, ffi.DefaultAbi, 2, &ffi.TypeSint32, &ffi.TypeSint32, &ffi.TypeSint32); st != ffi.OK {
				b.Fatalf("libffi: ffi_prep_cif: %v", st)
			}
		}
	})
	skipCell(b, pathFloor, noBindFloor)
}

// TestFreshSignaturesDiffer makes sure the cold cells bind signatures jitffi has never
// compiled: the first 100000 fresh structs all have different layouts.
func TestFreshSignaturesDiffer(t *testing.T) {
	seen := map[string]uint64{}
	for n := uint64(1); n <= 100000; n++ {
		k := abi.LayoutKey(freshSig(fieldsOf(n)))
		if m, dup := seen[k]; dup {
			t.Fatalf("fresh structs %d and %d have the same layout %s", m, n, k)
		}
		seen[k] = n
	}
}

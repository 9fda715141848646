package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jitffi/jitffi/abi"
)

// How much of a value formatValue spells out: a long array shows its first arrayHead and
// last arrayTail elements and how many are left out, and after maxShown values in all
// the rest of the value is "…", so that a result of a billion empty structs prints a
// line, not gigabytes.
const (
	arrayHead = 4
	arrayTail = 2
	maxShown  = 1000
)

// formatValue formats the C value of type t held in b: integers in decimal, floats with
// %g, pointers in hex, structs and unions as {name: value, ...}, arrays as [v, ...] or,
// when long, [v0, v1, v2, v3, …994 more…, v998, v999].
func formatValue(b []byte, t *abi.Type) string {
	f := formatter{left: maxShown}
	f.value(b, t)
	return f.b.String()
}

// A formatter writes values, counting how many more it may write.
type formatter struct {
	b    strings.Builder
	left int
}

func (f *formatter) value(b []byte, t *abi.Type) {
	if f.left <= 0 {
		f.b.WriteString("…")
		return
	}
	f.left--
	switch k := t.Kind; {
	case k == abi.Void:
	case k == abi.Bool:
		f.b.WriteString(strconv.FormatBool(b[0] != 0))
	case k.IsSigned():
		bits := 8 * len(b)
		v := int64(getUint(b)<<(64-bits)) >> (64 - bits) // sign-extend
		f.b.WriteString(strconv.FormatInt(v, 10))
	case k.IsInteger():
		f.b.WriteString(strconv.FormatUint(getUint(b), 10))
	case k == abi.Float32:
		fmt.Fprintf(&f.b, "%g", math.Float32frombits(binary.NativeEndian.Uint32(b)))
	case k == abi.Float64:
		fmt.Fprintf(&f.b, "%g", math.Float64frombits(binary.NativeEndian.Uint64(b)))
	case k == abi.Pointer:
		fmt.Fprintf(&f.b, "%#x", getUint(b))
	case k == abi.Array:
		size := t.Elem.Size()
		elem := func(i int) {
			if i > 0 {
				f.b.WriteString(", ")
			}
			f.value(b[i*size:(i+1)*size], t.Elem)
		}
		f.b.WriteString("[")
		if n := t.Len; n <= arrayHead+arrayTail+1 {
			for i := range n {
				elem(i)
			}
		} else {
			for i := range arrayHead {
				elem(i)
			}
			fmt.Fprintf(&f.b, ", …%d more…", n-arrayHead-arrayTail)
			for i := n - arrayTail; i < n; i++ {
				elem(i)
			}
		}
		f.b.WriteString("]")
	case k == abi.Struct || k == abi.Union:
		f.b.WriteString("{")
		for i, m := range t.Fields {
			if i > 0 {
				f.b.WriteString(", ")
			}
			if m.Name != "" {
				f.b.WriteString(m.Name + ": ")
			}
			f.value(b[m.Offset:m.Offset+m.Type.Size()], m.Type)
		}
		f.b.WriteString("}")
	default:
		fmt.Fprintf(&f.b, "<%v>", t.Kind)
	}
}

// getUint reads an unsigned integer of len(b) bytes in the host's byte order.
func getUint(b []byte) uint64 {
	switch len(b) {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(binary.NativeEndian.Uint16(b))
	case 4:
		return uint64(binary.NativeEndian.Uint32(b))
	}
	return binary.NativeEndian.Uint64(b)
}

// cStringIn returns the bytes of mem up to its first NUL, or all of them if it has none.
func cStringIn(mem []byte) string {
	if i := bytes.IndexByte(mem, 0); i >= 0 {
		return string(mem[:i])
	}
	return string(mem)
}

package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

// maxBuffer is the largest buf:N argument accepted.
const maxBuffer = 1 << 30

// An argEncoder converts command-line arguments to the bytes of C values. Pointer
// arguments point into Go memory the encoder allocates and keeps: it must stay reachable
// (runtime.KeepAlive) until the call returns, as a call frame is not scanned by the
// garbage collector.
type argEncoder struct {
	// keep holds the Go memory that pointer arguments point to.
	keep [][]byte
	// bufs lists the buf:N arguments, to print after the call.
	bufs []outBuffer
}

// An outBuffer is a buf:N argument.
type outBuffer struct {
	name string // "arg 0", or "arg 1 .x" for a struct member
	mem  []byte
}

// encode converts the text s of argument i, of C type t, to the value's bytes.
func (e *argEncoder) encode(i int, t *abi.Type, s string) ([]byte, error) {
	dst := make([]byte, t.Size())
	if !t.Kind.IsAggregate() {
		if err := e.encodeScalar(dst, t.Kind, s, fmt.Sprintf("arg %d", i)); err != nil {
			return nil, fmt.Errorf("argument %d (%v): %w", i, t, err)
		}
		return dst, nil
	}
	values, err := parseBraceList(s)
	if err != nil {
		return nil, fmt.Errorf("argument %d (%v): %w", i, t, err)
	}
	var ls []leaf
	leaves(t, 0, "", &ls)
	if len(values) != len(ls) {
		return nil, fmt.Errorf("argument %d (%v): want %d values in braces, one per member, got %d", i, t, len(ls), len(values))
	}
	for j, l := range ls {
		if err := e.encodeScalar(dst[l.offset:l.offset+l.kindSize()], l.kind, values[j], fmt.Sprintf("arg %d %s", i, l.path)); err != nil {
			return nil, fmt.Errorf("argument %d (%v), member %s: %w", i, t, l.path, err)
		}
	}
	return dst, nil
}

// A leaf is a scalar member of an aggregate, at an offset from the aggregate's start.
type leaf struct {
	kind   abi.Kind
	offset int
	path   string // such as .pos.x or [2]
}

func (l leaf) kindSize() int { return abi.Scalar(l.kind).Size() }

// leaves appends t's scalar members in declaration order, as C's brace initializers list
// them: every member of a struct, every element of an array, and a union's first member.
// A member of size zero holds no scalar, however many elements its arrays have, and is
// skipped whole. The caller has checked t against the bind limits, so the rest holds at
// most jitffi.MaxStackBytes scalars.
func leaves(t *abi.Type, off int, path string, out *[]leaf) {
	if t.Size() == 0 {
		return
	}
	switch t.Kind {
	case abi.Struct:
		for i, f := range t.Fields {
			leaves(f.Type, off+f.Offset, path+"."+fieldName(f, i), out)
		}
	case abi.Union:
		if len(t.Fields) > 0 {
			leaves(t.Fields[0].Type, off, path+"."+fieldName(t.Fields[0], 0), out)
		}
	case abi.Array:
		for i := range t.Len {
			leaves(t.Elem, off+i*t.Elem.Size(), fmt.Sprintf("%s[%d]", path, i), out)
		}
	default:
		*out = append(*out, leaf{kind: t.Kind, offset: off, path: path})
	}
}

// fieldName returns a member's name, or "#i" for an unnamed member.
func fieldName(f abi.Field, i int) string {
	if f.Name == "" {
		return fmt.Sprintf("#%d", i)
	}
	return f.Name
}

// parseBraceList splits a brace list such as {1, {2.5, "a,b"}, null} into its leaf values
// in order; nested braces only group, as C's brace elision allows. A double-quoted value
// may hold commas and braces; a trailing comma is allowed, as in C.
func parseBraceList(s string) ([]string, error) {
	p := braceParser{text: s}
	p.skipSpace()
	if p.peek() != '{' {
		return nil, fmt.Errorf("want a brace list such as {1,2.5}, got %q", s)
	}
	if err := p.list(); err != nil {
		return nil, err
	}
	if p.skipSpace(); p.pos < len(s) {
		return nil, fmt.Errorf("text after the closing '}' in %q", s)
	}
	return p.values, nil
}

// A braceParser reads a brace list.
type braceParser struct {
	text   string
	pos    int
	values []string
}

func (p *braceParser) peek() byte {
	if p.pos < len(p.text) {
		return p.text[p.pos]
	}
	return 0
}

func (p *braceParser) skipSpace() {
	for p.pos < len(p.text) && strings.IndexByte(" \t\n\r", p.text[p.pos]) >= 0 {
		p.pos++
	}
}

// list reads '{' [item {',' item} [',']] '}' at p.pos.
func (p *braceParser) list() error {
	p.pos++ // '{'
	for {
		p.skipSpace()
		if p.peek() == '}' {
			p.pos++
			return nil
		}
		if err := p.item(); err != nil {
			return err
		}
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return nil
		default:
			return fmt.Errorf("want ',' or '}' at offset %d of %q", p.pos, p.text)
		}
	}
}

// item reads a nested list or one value at p.pos.
func (p *braceParser) item() error {
	start := p.pos
	switch p.peek() {
	case '{':
		return p.list()
	case '"':
		for p.pos++; p.pos < len(p.text) && p.text[p.pos] != '"'; p.pos++ {
			if p.text[p.pos] == '\\' {
				p.pos++
			}
		}
		if p.pos >= len(p.text) {
			return fmt.Errorf("unterminated string in %q", p.text)
		}
		p.pos++
	default:
		for p.pos < len(p.text) && strings.IndexByte("{},", p.text[p.pos]) < 0 {
			p.pos++
		}
	}
	v := strings.TrimSpace(p.text[start:p.pos])
	if v == "" {
		return fmt.Errorf("empty value at offset %d of %q", start, p.text)
	}
	p.values = append(p.values, v)
	return nil
}

// encodeScalar converts s to a scalar of kind k and stores it in dst, which has the
// kind's size. name says where a buf:N argument is, for printing it.
func (e *argEncoder) encodeScalar(dst []byte, k abi.Kind, s, name string) error {
	switch {
	case k == abi.Bool:
		switch s {
		case "true", "1":
			dst[0] = 1
		case "false", "0":
			dst[0] = 0
		default:
			return fmt.Errorf("want true, false, 1 or 0, got %q", s)
		}
	case k.IsInteger():
		v, err := parseInteger(s, 8*len(dst), k.IsSigned())
		if err != nil {
			return err
		}
		putUint(dst, v)
	case k == abi.Float32:
		v, err := strconv.ParseFloat(s, 32)
		if err != nil {
			return numberError(s, "float", err)
		}
		binary.NativeEndian.PutUint32(dst, math.Float32bits(float32(v)))
	case k == abi.Float64:
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return numberError(s, "double", err)
		}
		binary.NativeEndian.PutUint64(dst, math.Float64bits(v))
	case k == abi.Pointer:
		p, err := e.pointer(s, name)
		if err != nil {
			return err
		}
		binary.NativeEndian.PutUint64(dst, uint64(p))
	default:
		return fmt.Errorf("cannot pass a %v", k)
	}
	return nil
}

// pointer converts the text of a pointer argument to an address (see callUsage).
func (e *argEncoder) pointer(s, name string) (uintptr, error) {
	switch {
	case s == "null" || s == "NULL":
		return 0, nil
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		v, err := strconv.ParseUint(s[2:], 16, 64)
		if err != nil {
			return 0, numberError(s, "address", err)
		}
		return uintptr(v), nil
	case strings.HasPrefix(s, "buf:"):
		n, err := strconv.Atoi(s[len("buf:"):])
		if err != nil || n <= 0 || n > maxBuffer {
			return 0, fmt.Errorf("bad buffer %q: want buf:N with N from 1 to %d", s, maxBuffer)
		}
		mem := make([]byte, n)
		e.keep = append(e.keep, mem)
		e.bufs = append(e.bufs, outBuffer{name: name, mem: mem})
		return uintptr(unsafe.Pointer(&mem[0])), nil
	case strings.HasPrefix(s, "str:"):
		return e.cString(s[len("str:"):])
	case len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"':
		text, err := strconv.Unquote(s)
		if err != nil {
			return 0, fmt.Errorf("bad quoted string %s: %v", s, err)
		}
		return e.cString(text)
	}
	return e.cString(s)
}

// cString returns the address of a NUL-terminated copy of s that e keeps.
func (e *argEncoder) cString(s string) (uintptr, error) {
	p, err := jitffi.CString(s)
	if err != nil {
		return 0, fmt.Errorf("string %q: %w", s, err)
	}
	e.keep = append(e.keep, unsafe.Slice(p, len(s)+1))
	return uintptr(unsafe.Pointer(p)), nil
}

// parseInteger parses a decimal or 0x-hexadecimal integer, optionally negative, that
// fits in bits bits, signed or not, and returns its two's-complement bits. Unlike
// strconv's base 0, it does not read a leading 0 as octal.
func parseInteger(s string, bits int, signed bool) (uint64, error) {
	digits, neg := s, false
	if strings.HasPrefix(digits, "-") {
		digits, neg = digits[1:], true
	} else if strings.HasPrefix(digits, "+") {
		digits = digits[1:]
	}
	base := 10
	if strings.HasPrefix(digits, "0x") || strings.HasPrefix(digits, "0X") {
		digits, base = digits[2:], 16
	}
	if digits == "" || digits[0] == '+' || digits[0] == '-' {
		return 0, fmt.Errorf("bad integer %q", s)
	}
	mag, err := strconv.ParseUint(digits, base, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("bad integer %q", s)
	}
	outOfRange := &rangeError{fmt.Sprintf("%s is out of range for %s", s, integerTypeName(bits, signed))}
	if err != nil {
		return 0, outOfRange
	}
	if !signed {
		if neg && mag != 0 || bits < 64 && mag >= 1<<bits {
			return 0, outOfRange
		}
		return mag, nil
	}
	limit := uint64(1) << (bits - 1) // magnitude of the most negative value
	if neg && mag > limit || !neg && mag >= limit {
		return 0, outOfRange
	}
	if neg {
		return -mag, nil
	}
	return mag, nil
}

// A rangeError reports a well-formed number too large or too small for its type.
type rangeError struct{ msg string }

func (e *rangeError) Error() string { return e.msg }

// integerTypeName names a C integer type of the given width.
func integerTypeName(bits int, signed bool) string {
	if signed {
		return fmt.Sprintf("int%d_t", bits)
	}
	return fmt.Sprintf("uint%d_t", bits)
}

// numberError says that s is not a valid number of the named C type.
func numberError(s, typ string, err error) error {
	if errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("%s is out of range for %s", s, typ)
	}
	return fmt.Errorf("bad %s %q", typ, s)
}

// putUint stores the low len(dst) bytes of v in dst, in the host's byte order.
func putUint(dst []byte, v uint64) {
	switch len(dst) {
	case 1:
		dst[0] = byte(v)
	case 2:
		binary.NativeEndian.PutUint16(dst, uint16(v))
	case 4:
		binary.NativeEndian.PutUint32(dst, uint32(v))
	default:
		binary.NativeEndian.PutUint64(dst, v)
	}
}

package abi

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Limits on every Type. They keep each size and offset computation far from integer
// overflow, and every walk over a type (classifying, printing, copying, comparing) short
// and shallow, whatever the type was built from: text, the constructors, Go types or a
// struct literal. The constructors record a limit a type breaks (see CheckType), the
// parser refuses the text, and Classify refuses the signature, all with an error naming
// the type.
const (
	// MaxTypeSize is the largest size, alignment, member offset and array length a type
	// may have, in bytes or elements (2 GiB - 1; C compilers accept larger, but no value
	// that large can be passed by value on any system stack).
	MaxTypeSize = 1<<31 - 1
	// MaxTypeDepth is the deepest nesting of structs, unions and arrays: struct{int a;}
	// has depth 1, struct{int a[2][3];} depth 3.
	MaxTypeDepth = 200
	// MaxMembers is the most members a type, and all the types of a signature together,
	// may hold: the members of each struct and union inside, counted every time the
	// struct or union appears, plus one element type per array (however long the array).
	MaxMembers = 1 << 16
)

// Errors for types Classify (and CheckType, CheckSignature) refuses; match them with
// errors.Is.
var (
	// ErrTooLarge: a size, alignment, offset or array length is larger than MaxTypeSize.
	ErrTooLarge = errors.New("type too large")
	// ErrTooDeep: a type is nested deeper than MaxTypeDepth or holds more than MaxMembers
	// members (a type that contains itself is both).
	ErrTooDeep = errors.New("type too deeply nested or too many members")
	// ErrMalformed: a type breaks a rule every constructor keeps (a member with no type,
	// a scalar not made with Scalar, an offset outside the struct, ...), or a signature
	// one every C declaration keeps.
	ErrMalformed = errors.New("malformed type or signature")
)

// A typeError is a limit or rule a type breaks: what, and which of ErrTooLarge,
// ErrTooDeep and ErrMalformed it is.
type typeError struct {
	msg  string
	kind error
}

func (e *typeError) Error() string { return e.msg + ": " + e.kind.Error() }
func (e *typeError) Unwrap() error { return e.kind }

func typeErrorf(kind error, format string, args ...any) *typeError {
	return &typeError{fmt.Sprintf(format, args...), kind}
}

// tooBig is the first size past MaxTypeSize: sizes are computed in int64 and saturate
// there, so no sum or product of valid sizes can wrap, on 32-bit hosts either.
const tooBig = int64(MaxTypeSize) + 1

func addSat(a, b int64) int64 { return min(a+b, tooBig) }

// mulSat returns a*n, or tooBig when that exceeds MaxTypeSize; a and n are at least 0.
func mulSat(a, n int64) int64 {
	if a != 0 && n > tooBig/a {
		return tooBig
	}
	return min(a*n, tooBig)
}

func alignUp64(n, a int64) int64 { return min((n+a-1)&^(a-1), tooBig) }

func isPowerOfTwo(n int) bool { return n > 0 && n&(n-1) == 0 }

// CheckType reports whether t is a type Classify accepts as a member, parameter or
// result: nil when it is, or an error wrapping ErrTooLarge, ErrTooDeep or ErrMalformed
// that names the type. The constructors cannot return an error, so a type they made
// beyond a limit carries one, which CheckType returns; types built as struct literals
// are checked member by member.
func CheckType(t *Type) error {
	c := checker{subject: checkingType, left: MaxMembers + 1}
	if err := c.check(t, 1); err != nil {
		return fmt.Errorf("abi: %w", err)
	}
	return nil
}

// CheckSignature reports whether sig is a signature Classify accepts under some ABI: its
// types pass CheckType, it has a result, and its variadic split and parameters are ones a
// C declaration can have. Classify runs it first.
func CheckSignature(sig *Signature) error {
	if err := checkSignature(sig); err != nil {
		return fmt.Errorf("abi: %w", err)
	}
	return nil
}

// checkSignature rejects signatures no C compiler would accept.
func checkSignature(sig *Signature) error {
	if sig == nil {
		return fmt.Errorf("no signature: %w", ErrMalformed)
	}
	if sig.Result == nil {
		return fmt.Errorf("signature has no result type (use void): %w", ErrMalformed)
	}
	if sig.Fixed > len(sig.Params) || sig.Fixed < -1 {
		return fmt.Errorf("variadic split %d out of range for %d parameters: %w", sig.Fixed, len(sig.Params), ErrMalformed)
	}
	// Fixed's zero value would otherwise make every Signature literal that forgot it a
	// variadic call, silently promoting floats; C before C23 has no variadic function
	// without a named parameter, and gcc 12 cannot define one.
	if sig.Fixed == 0 {
		return fmt.Errorf("Fixed is 0: a variadic function needs at least one fixed parameter (set Fixed to -1 for a function that is not variadic): %w", ErrMalformed)
	}
	// Hand-made types can be malformed in ways the constructors never produce; every
	// classifier relies on what these checks establish.
	// One budget for the whole signature, so that copying or printing it stays small
	// even when every parameter shares one large type.
	c := checker{subject: checkingResult, left: MaxMembers + 1 + len(sig.Params)}
	if err := c.check(sig.Result, 1); err != nil {
		return err
	}
	if sig.Result.Kind == Array {
		return fmt.Errorf("a C function cannot return an array: %w", ErrMalformed)
	}
	for i, p := range sig.Params {
		switch {
		case p == nil:
			return fmt.Errorf("parameter %d has no type: %w", i, ErrMalformed)
		case p.Kind == Void:
			return fmt.Errorf("parameter %d is void: %w", i, ErrMalformed)
		case p.Kind == Array:
			return fmt.Errorf("parameter %d is an array; C passes arrays as pointers: %w", i, ErrMalformed)
		}
		c.subject = i
		if err := c.check(p, 1); err != nil {
			return err
		}
	}
	return nil
}

// A checker walks one type for CheckType and Classify. The walk is bounded before it
// recurses: an aggregate deeper than MaxTypeDepth stops it, and so does visiting more
// than MaxMembers members, so neither a type that contains itself nor one that shares
// members many times over (each level holding the previous one twice) can exhaust the
// stack or the time.
type checker struct {
	// subject says what is being checked, for messages: a parameter's index, or one of
	// checkingType and checkingResult. It is formatted only when there is an error, so
	// that a cold bind does not build a string per parameter.
	subject int
	left    int // types still allowed to be visited
}

const (
	checkingType   = -1
	checkingResult = -2
)

// what names the subject for messages.
func (c *checker) what() string {
	switch c.subject {
	case checkingType:
		return "type"
	case checkingResult:
		return "the result"
	}
	return "parameter " + strconv.Itoa(c.subject)
}

// check checks t, at nesting level level (1 for a parameter or result itself).
func (c *checker) check(t *Type, level int) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s: %w", c.what(), fmt.Sprintf(format, args...), ErrMalformed)
	}
	if c.left--; c.left < 0 {
		return fmt.Errorf("%s: the signature's types hold more than %d members in all (or one contains itself): %w", c.what(), MaxMembers, ErrTooDeep)
	}
	switch {
	case t == nil:
		return bad("a member has no type")
	case t.err != nil:
		return fmt.Errorf("%s: %w", c.what(), t.err)
	case t.Kind > Array:
		return bad("a member has unknown kind %v", t.Kind)
	case t.Kind.IsScalar() || t.Kind == Void:
		// A scalar made as a literal rather than with Scalar has no size, and the
		// classifiers divide by it.
		if s := Scalar(t.Kind); t.size != s.size || t.align != s.align {
			return bad("a %v not made with abi.Scalar", t.Kind)
		}
		return nil
	case level > MaxTypeDepth:
		return fmt.Errorf("%s: structs, unions and arrays nested more than %d deep (or a type that contains itself): %w", c.what(), MaxTypeDepth, ErrTooDeep)
	case !isPowerOfTwo(t.align) || t.align > MaxTypeSize:
		return bad("%v with alignment %d", t.Kind, t.align)
	case t.size < 0 || t.size > MaxTypeSize:
		return fmt.Errorf("%s: a %v of %d bytes, more than %d: %w", c.what(), t.Kind, t.size, MaxTypeSize, ErrTooLarge)
	case t.AlignAttr != 0 && (!isPowerOfTwo(t.AlignAttr) || t.AlignAttr > t.align):
		return bad("%v with aligned(%d) and alignment %d", t.Kind, t.AlignAttr, t.align)
	}
	if t.Kind == Array {
		switch {
		case t.Elem == nil:
			return bad("an array with no element type")
		case t.Len < 0:
			return bad("an array of length %d", t.Len)
		case t.Len > MaxTypeSize:
			return fmt.Errorf("%s: an array of %d elements, more than %d: %w", c.what(), t.Len, MaxTypeSize, ErrTooLarge)
		case t.Elem.Kind == Void:
			return bad("an array of void")
		}
		if err := c.check(t.Elem, level+1); err != nil {
			return err
		}
		if int64(t.size) != mulSat(int64(t.Elem.size), int64(t.Len)) || t.align != t.Elem.align {
			return bad("an array of %d elements of %d bytes with size %d and alignment %d", t.Len, t.Elem.size, t.size, t.align)
		}
		return nil
	}
	for _, f := range t.Fields {
		if f.Type != nil && f.Type.Kind == Void {
			return bad("a void member %q", f.Name)
		}
		if err := c.check(f.Type, level+1); err != nil {
			return err
		}
		if f.Offset < 0 || f.Offset > MaxTypeSize || int64(f.Offset)+int64(f.Type.size) > int64(t.size) {
			return bad("member %q at offset %d of %d bytes outside its %d-byte %v", f.Name, f.Offset, f.Type.size, t.size, t.Kind)
		}
	}
	return nil
}

// brief names a type in an error message: its text, cut short when long.
func brief(t *Type) string {
	const longest = 80
	s := t.String()
	if len(s) > longest {
		s = s[:longest] + "…"
	}
	return strings.TrimSpace(s)
}

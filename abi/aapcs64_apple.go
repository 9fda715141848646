package abi

// This file holds Apple's variant of AAPCS64 ("Writing ARM64 code for Apple platforms"),
// as clang implements it for arm64-apple-macos (DarwinPCS): clang is the only compiler for
// the platform, so it is the oracle. The stage C machinery is shared with aapcs64.go; what
// differs is decided here and in the apple branches there:
//   - a named argument on the stack takes only its own size at its natural alignment
//     (char at sp+0, short at sp+2, int at sp+4), an HFA its members' size and alignment;
//   - no even-register rounding for 16-aligned composites, though still no split between
//     x7 and the stack;
//   - the caller extends arguments narrower than 32 bits;
//   - every variadic argument, HFAs included, goes on the stack in 8-byte slots;
//   - plain char is signed (a parser matter: use the LP64 data model).
// Like the Linux classifier it is portable and can be tested on any host.

func init() { classifiers[AppleARM64] = classifyAppleARM64 }

// classifyAppleARM64 places every argument and the result of sig under Apple's AAPCS64.
func classifyAppleARM64(sig *Signature) (*Plan, error) {
	return a64Classify(sig, a64Variant{abi: AppleARM64, apple: true})
}

// appleCompositeAlign is the alignment of a composite of up to 16 bytes that is not an
// HFA: clang coerces it to 64-bit words, or to a 128-bit integer when the type's own
// alignment (aligned attribute included, unlike gcc on Linux) reaches 16.
func appleCompositeAlign(t *Type) int { return min(16, max(8, t.Align())) }

// appleHomogeneous follows clang's isHomogeneousAggregate, which is gcc's rule except
// that a member which is an empty struct, or an array of them, is skipped before anything
// else is asked of it, and an empty struct there includes one that holds only zero-length
// arrays: struct{float f; struct{int32_t a[0];} z;} is an HFA of one float for clang but
// not for gcc. A zero-length array member still rules the aggregate out.
func appleHomogeneous(t *Type, base *Kind) (n int, ok bool) {
	switch t.Kind {
	case Float32, Float64:
		if *base == Void {
			*base = t.Kind
		}
		return 1, *base == t.Kind
	case Array:
		if t.Len == 0 {
			return 0, false
		}
		m, ok := appleHomogeneous(t.Elem, base)
		return m * t.Len, ok
	case Struct, Union:
		for _, f := range t.Fields {
			ft := f.Type
			for ft.Kind == Array {
				if ft.Len == 0 {
					return 0, false
				}
				ft = ft.Elem
			}
			// In this type model an aggregate is empty, in clang's sense, exactly when
			// its size is zero.
			if ft.Kind.IsAggregate() && ft.Size() == 0 {
				continue
			}
			m, ok := appleHomogeneous(f.Type, base)
			if !ok {
				return 0, false
			}
			if t.Kind == Union {
				n = max(n, m)
			} else {
				n += m
			}
		}
		return n, *base != Void && n > 0 && t.Size() == n*Scalar(*base).Size()
	}
	return 0, false
}

package jitffi

// Go types named after C's, for bindings and callbacks that read like the C declarations
// they bind: `Bind1[Int, Int](libc, "abs")` is C's `int abs(int)` on every platform, where
// Go's int would be 64 bits. They are defined types, as cgo's C.int is: convert Go values
// to them explicitly. The integer types whose width or signedness differs between
// platforms (Char, Long, ULong, WChar) are defined per platform in ctypes_*.go; the README's
// type table says what each is where. They follow each platform's C on every platform the
// package compiles for, also those where jitffi binds nothing (TestCTypesOnEveryTarget
// compares them with clang's), but for wasm: there Go's pointers are 64 bits and C's
// (wasm32) 32, so SizeT, SSizeT, IntPtrT, UIntPtrT and PtrDiffT cannot be C's.
type (
	// SChar is C's signed char.
	SChar int8
	// UChar is C's unsigned char.
	UChar uint8
	// Short is C's short.
	Short int16
	// UShort is C's unsigned short.
	UShort uint16
	// Int is C's int: 32 bits on every platform jitffi runs on.
	Int int32
	// UInt is C's unsigned int.
	UInt uint32
	// LongLong is C's long long.
	LongLong int64
	// ULongLong is C's unsigned long long.
	ULongLong uint64
	// SizeT is C's size_t.
	SizeT uintptr
	// SSizeT is POSIX's ssize_t (Windows' SSIZE_T).
	SSizeT int
	// IntPtrT is C's intptr_t.
	IntPtrT int
	// UIntPtrT is C's uintptr_t.
	UIntPtrT uintptr
	// PtrDiffT is C's ptrdiff_t.
	PtrDiffT int
	// Bool is C's _Bool (bool in C23 and C++): one byte, 0 or 1.
	Bool bool
)

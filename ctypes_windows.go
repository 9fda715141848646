package jitffi

// The C types that differ between platforms, as Windows (LLP64) defines them.
type (
	// Long is C's long: 32 bits on Windows, 64 on LP64 systems.
	Long int32
	// ULong is C's unsigned long.
	ULong uint32
	// WChar is C's wchar_t: a UTF-16 code unit on Windows.
	WChar uint16
	// Char is C's char: signed on Windows.
	Char int8
)

package abi

import (
	"fmt"
	"strings"
)

// The C type specifiers the parser knows: qualifiers, the basic specifier keywords and
// how they combine into a scalar kind under a data model, the stdint.h and stddef.h
// typedef names, and the type names jitffi refuses with a reason.

var qualifiers = map[string]bool{
	"const": true, "volatile": true, "restrict": true,
	"__const": true, "__volatile__": true, "__restrict": true, "__restrict__": true,
}

// typedefNames are the stdint.h and stddef.h names the parser knows. They are the same
// in every data model.
var typedefNames = map[string]Kind{
	"int8_t": Int8, "int16_t": Int16, "int32_t": Int32, "int64_t": Int64,
	"uint8_t": Uint8, "uint16_t": Uint16, "uint32_t": Uint32, "uint64_t": Uint64,
	"size_t": Uint64, "ssize_t": Int64, "intptr_t": Int64, "uintptr_t": Uint64, "ptrdiff_t": Int64,
}

// unsupportedTypes are names of C types jitffi does not model, with the reason.
var unsupportedTypes = map[string]string{
	"_Complex":    "_Complex types are not supported",
	"__complex__": "_Complex types are not supported",
	"_Imaginary":  "_Imaginary types are not supported",
	"__int128":    "__int128 is not supported",
	"__int128_t":  "__int128 is not supported",
	"__uint128_t": "__int128 is not supported",
	"_Float16":    "_Float16 is not supported",
	"__fp16":      "__fp16 is not supported",
	"__bf16":      "__bf16 is not supported",
	"_Float128":   "_Float128 is not supported",
	"__float128":  "__float128 is not supported",
	"__float80":   "__float80 is not supported",
	"_Decimal32":  "decimal floating-point types are not supported",
	"_Decimal64":  "decimal floating-point types are not supported",
	"_Decimal128": "decimal floating-point types are not supported",
	"_BitInt":     "_BitInt is not supported",
	"enum":        "enum types are not supported; use int or a fixed-width integer type",
	"typedef":     "typedef is not supported; write types out in full",
}

// basicSpecifiers are the keywords that combine into C's basic types.
var basicSpecifiers = map[string]bool{
	"void": true, "char": true, "short": true, "int": true, "long": true, "float": true,
	"double": true, "signed": true, "unsigned": true, "_Bool": true, "bool": true,
	"__signed__": true, "__signed": true,
}

// specs collects the type specifiers of one declaration.
type specs struct {
	words []string       // basic specifier keywords, in order
	count map[string]int // basic specifier keyword counts ("_Bool" counts as "bool")
	named *Type          // a typedef name's or an aggregate's type
}

func describeNamed(t *Type) string {
	switch t.Kind {
	case Struct:
		return "struct"
	case Union:
		return "union"
	}
	return "typedef name"
}

func (sp *specs) add(w string) {
	switch w {
	case "_Bool":
		w = "bool"
	case "__signed__", "__signed":
		w = "signed"
	}
	if sp.count == nil {
		sp.count = map[string]int{}
	}
	sp.words = append(sp.words, w)
	sp.count[w]++
}

// check returns an error message if the specifiers so far cannot be part of a C type.
func (sp *specs) check() string {
	c := sp.count
	bad := func() string {
		return fmt.Sprintf("type specifiers '%s' do not form a C type", strings.Join(sp.words, " "))
	}
	for w, n := range c {
		if n > 1 && !(w == "long" && n == 2) {
			return bad()
		}
	}
	if c["signed"]+c["unsigned"] > 1 {
		return bad()
	}
	if c["long"] > 0 && c["double"] > 0 {
		if len(c) == 2 && c["long"] == 1 {
			return "long double is not supported"
		}
		return bad()
	}
	// Specifiers that stand alone.
	for _, w := range []string{"void", "bool", "float", "double"} {
		if c[w] > 0 && len(sp.words) > 1 {
			return bad()
		}
	}
	// Each size keyword excludes the others; int goes with short and long, not with char.
	sizes := 0
	for _, w := range []string{"char", "short", "long"} {
		if c[w] > 0 {
			sizes++
		}
	}
	if sizes > 1 || (c["char"] > 0 && c["int"] > 0) {
		return bad()
	}
	return ""
}

// kind resolves a valid specifier set to a scalar kind under a data model.
func (sp *specs) kind(m DataModel) Kind {
	c := sp.count
	unsigned := c["unsigned"] > 0
	pick := func(s, u Kind) Kind {
		if unsigned {
			return u
		}
		return s
	}
	switch {
	case c["void"] > 0:
		return Void
	case c["bool"] > 0:
		return Bool
	case c["float"] > 0:
		return Float32
	case c["double"] > 0:
		return Float64
	case c["char"] > 0:
		if c["signed"] == 0 && c["unsigned"] == 0 && m == LP64UnsignedChar {
			return Uint8
		}
		return pick(Int8, Uint8)
	case c["short"] > 0:
		return pick(Int16, Uint16)
	case c["long"] == 2 || (c["long"] == 1 && m != LLP64):
		return pick(Int64, Uint64)
	}
	return pick(Int32, Uint32)
}

package ctest

import (
	"fmt"
	"strings"

	"github.com/jitffi/jitffi/abi"
)

// Names of what GenerateUpcallers defines for a case called Name: the caller, the record of
// the arguments it passed and the bytes of the result it got back.
const (
	UpcallerSuffix = "_up"     // void Name_up(Name_fn cb)
	PassedSuffix   = "_passed" // unsigned char Name_passed[]
	GotSuffix      = "_got"    // unsigned char Name_got[]
)

// GenerateUpcallers returns a C file that calls function pointers, the mirror image of
// Generate's callees: for each case it defines
//
//	typedef R (*Name_fn)(T0, T1, ...);
//	unsigned char Name_passed[N];  // the leaves of the arguments it passed
//	unsigned char Name_got[M];     // the bytes of the result it got back
//	void Name_up(Name_fn cb);
//
// Name_up builds every argument from the bytes CallArgs(sig, seed) gives, padding included,
// so that a struct's padding holds PaddingByte (seed is opt.Seed, or the case's own in
// opt.Seeds), records the leaves of each, by C member paths, in Name_passed in
// RecordLayout order, calls cb with them, and copies the whole result it gets back into
// Name_got. Name_passed is written before the call, so it
// holds what C passed whatever the callee does with its copies; a caller of Name_up
// compares what cb received with Name_passed, and Name_got with what cb returned.
//
// With opt.MSABI the function pointer type is __attribute__((ms_abi)) while Name_up itself
// keeps the compiler's default convention, so gcc on Linux calls cb Win64-style. Variadic
// cases are refused: a callback has a fixed signature.
func GenerateUpcallers(cases []Case, opt GenOptions) (string, error) {
	g, err := newGen(cases, opt)
	if err != nil {
		return "", err
	}
	for _, c := range cases {
		if c.Sig.IsVariadic() {
			return "", fmt.Errorf("ctest: case %s: an upcall caller cannot call a variadic function pointer: a callback's signature is fixed", c.Name)
		}
	}
	var b strings.Builder
	b.WriteString(header)
	b.WriteString(Prelude)
	b.WriteString(g.types.Decls())
	for _, c := range cases {
		g.upcaller(&b, c)
	}
	return b.String(), nil
}

// FixedCases returns the cases that are not variadic, the ones GenerateUpcallers takes.
func FixedCases(cases []Case) []Case {
	var out []Case
	for _, c := range cases {
		if !c.Sig.IsVariadic() {
			out = append(out, c)
		}
	}
	return out
}

// fnType writes the typedef of case c's function pointer type, Name_fn.
func (g *gen) fnType(b *strings.Builder, c Case) {
	var ps []string
	for _, p := range c.Sig.Params {
		ps = append(ps, g.types.Name(p))
	}
	if len(ps) == 0 {
		ps = append(ps, "void")
	}
	fmt.Fprintf(b, "typedef %s(%s*%s_fn)(%s);\n", g.types.Name(c.Sig.Result)+" ", g.abi, c.Name, strings.Join(ps, ", "))
}

func (g *gen) upcaller(b *strings.Builder, c Case) {
	sig := c.Sig
	fmt.Fprintf(b, "\n/* %s */\n", strings.ReplaceAll(sig.String(), "*/", "* /"))
	g.fnType(b, c)
	fmt.Fprintf(b, "unsigned char %s%s[%d];\n", c.Name, PassedSuffix, recordLen(sig))
	fmt.Fprintf(b, "unsigned char %s%s[%d];\n", c.Name, GotSuffix, max(1, sig.Result.Size()))
	fmt.Fprintf(b, "CTEST_NOIPA void %s%s(%s_fn cb) {\n", c.Name, UpcallerSuffix, c.Name)
	_, names := g.callArgs(b, c)
	// The leaves are reached by C member paths, as the callees record them, so the
	// compiler, not package abi, decides where each one is.
	for _, s := range RecordLayout(sig) {
		at := s.Offset
		walkLeaves(sig.Params[s.Arg], 0, fmt.Sprintf("a%d", s.Arg), func(l Leaf, path string) {
			fmt.Fprintf(b, "\t__builtin_memcpy(%s%s + %d, (const void *)&%s, %d);\n", c.Name, PassedSuffix, at, path, l.Size)
			at += l.Size
		})
	}
	call := fmt.Sprintf("cb(%s)", strings.Join(names, ", "))
	if sig.Result.Kind == abi.Void {
		fmt.Fprintf(b, "\t%s;\n", call)
	} else {
		fmt.Fprintf(b, "\t%s r = %s;\n", g.types.Name(sig.Result), call)
		fmt.Fprintf(b, "\t__builtin_memcpy(%s%s, (const void *)&r, sizeof r);\n", c.Name, GotSuffix)
	}
	b.WriteString("}\n")
}

// ResultBytes returns the bytes a callback writes as its result in the upcall oracle:
// ExpectedResult(sig, salt) in every leaf and PaddingByte in the padding, which the caller
// must not depend on.
func ResultBytes(sig *abi.Signature, salt byte) []byte {
	r := ExpectedResult(sig, salt)
	for i, m := range ResultMask(sig) {
		if !m {
			r[i] = PaddingByte
		}
	}
	return r
}

// CheckPassedByte, plus the index of the first wrong byte, is what a GenerateUpcallChecks
// check returns when Name_passed is not the leaves of the CallArgs values.
const CheckPassedByte = 2_000_000

// GenerateUpcallChecks returns a C file to link with Generate's and GenerateUpcallers'
// output for the same cases and options: the compiler's own upcall, which proves a
// fixture right (or the compiler wrong) before a callback is blamed. For each case it
// defines "int Name_upcheck(void)", which hands Name_up the case's own callee Name and
// returns CheckOK if the callee ran once (CheckCalls), the caller passed the CallArgs
// leaves (CheckPassedByte + i), the callee recorded them (CheckRecordByte + i) and the
// caller got the callee's ExpectedResult under ResultMask (CheckResultByte + i). main runs
// every check, prints "name code" per case and exits with status 1 if any failed.
func GenerateUpcallChecks(cases []Case, opt GenOptions) (string, error) {
	if _, err := GenerateUpcallers(cases, opt); err != nil {
		return "", err
	}
	g, err := newGen(cases, opt)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(header)
	b.WriteString(Prelude)
	b.WriteString(g.types.Decls())
	for _, c := range cases {
		g.upcheck(&b, c)
	}
	b.WriteString("\nint main(void) {\n\tint code, failed = 0;\n")
	for _, c := range cases {
		fmt.Fprintf(&b, "\tcode = %s_upcheck();\n\t__builtin_printf(\"%s %%d\\n\", code);\n\tfailed += code != 0;\n", c.Name, c.Name)
	}
	b.WriteString("\treturn failed != 0;\n}\n")
	return b.String(), nil
}

func (g *gen) upcheck(b *strings.Builder, c Case) {
	sig, n := c.Sig, c.Name
	fmt.Fprintf(b, "\n/* %s */\n", strings.ReplaceAll(sig.String(), "*/", "* /"))
	g.fnType(b, c)
	fmt.Fprintf(b, "extern unsigned char %s_rec[], %s%s[], %s%s[];\nextern int %s_calls;\n", n, n, PassedSuffix, n, GotSuffix, n)
	fmt.Fprintf(b, "%s;\nvoid %s%s(%s_fn cb);\n", g.prototype(c, false), n, UpcallerSuffix, n)
	fmt.Fprintf(b, "int %s_upcheck(void) {\n\tint calls = %s_calls;\n", n, n)
	fmt.Fprintf(b, "\t%s%s(%s);\n", n, UpcallerSuffix, n)
	fmt.Fprintf(b, "\tif (%s_calls != calls + 1)\n\t\treturn %d;\n", n, CheckCalls)
	if size := RecordSize(sig); size > 0 {
		fmt.Fprintf(b, "\tstatic const unsigned char rec[] = {%s};\n", byteList(ExpectedRecord(sig, CallArgs(sig, g.seedOf(c)))))
		fmt.Fprintf(b, "\tfor (int i = 0; i < %d; i++)\n\t\tif (%s%s[i] != rec[i])\n\t\t\treturn %d + i;\n", size, n, PassedSuffix, CheckPassedByte)
		fmt.Fprintf(b, "\tfor (int i = 0; i < %d; i++)\n\t\tif (%s_rec[i] != rec[i])\n\t\t\treturn %d + i;\n", size, n, CheckRecordByte)
	}
	if size := sig.Result.Size(); size > 0 {
		mask := make([]byte, size)
		for i, m := range ResultMask(sig) {
			if m {
				mask[i] = 1
			}
		}
		fmt.Fprintf(b, "\tstatic const unsigned char want[] = {%s};\n", byteList(ExpectedResult(sig, c.Salt)))
		fmt.Fprintf(b, "\tstatic const unsigned char mask[] = {%s};\n", byteList(mask))
		fmt.Fprintf(b, "\tfor (int i = 0; i < %d; i++)\n\t\tif (mask[i] && %s%s[i] != want[i])\n\t\t\treturn %d + i;\n", size, n, GotSuffix, CheckResultByte)
	}
	b.WriteString("\treturn 0;\n}\n")
}

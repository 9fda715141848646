package abi_test

import (
	"errors"
	"math/rand"
	"testing"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/typefuzz"
)

// FuzzTypes builds types through the constructors (package typefuzz turns the input into
// calls of them: arrays of any length, structs, unions, packed and aligned ones, shared
// members) and feeds every signature to CheckSignature, Classify under every ABI,
// LayoutKey, Clone, String and the parser. Nothing may panic or run away; a signature
// CheckSignature accepts must classify everywhere into a plan that keeps to its ABI's
// registers and its own stack area, and survive Clone and a print-parse round trip with
// its layout; one it refuses must be refused by every classifier with a sentinel.
func FuzzTypes(f *testing.F) {
	for _, seed := range typefuzz.Seeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sig := typefuzz.Signature(data)
		text := sig.String()
		key := abi.LayoutKey(sig)
		if len(text) > 1<<24 || len(key) > 1<<26 {
			t.Fatalf("String %d bytes, LayoutKey %d bytes", len(text), len(key))
		}
		clone := sig.Clone()
		if abi.LayoutKey(clone) != key || clone.String() != text {
			t.Fatalf("the clone differs from %s", text)
		}
		checkErr := abi.CheckSignature(sig)
		for _, a := range allABIs {
			p, err := abi.Classify(sig, a)
			if checkErr != nil {
				if err == nil {
					t.Fatalf("%v: CheckSignature refuses (%v), Classify under %v does not", text, checkErr, a)
				}
				if !errors.Is(err, abi.ErrTooLarge) && !errors.Is(err, abi.ErrTooDeep) && !errors.Is(err, abi.ErrMalformed) {
					t.Fatalf("%v: %v: %v wraps no sentinel", text, a, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%v: CheckSignature accepts, Classify under %v: %v", text, a, err)
			}
			checkPlanShape(t, p)
		}
		if checkErr != nil {
			return
		}
		if !abi.EqualSignatures(sig, clone) {
			t.Fatalf("%v: not equal to its clone", text)
		}
		if back, err := abi.ParseSignature(text); err == nil && abi.LayoutKey(back) != key {
			t.Fatalf("%v reads back with another layout: %v", text, back)
		}
	})
}

// checkPlanShape checks what package jit relies on in a plan: registers from the ABI's
// tables, each used once, stack slots and copies inside their areas.
func checkPlanShape(t *testing.T, p *abi.Plan) {
	t.Helper()
	rs := abi.RegistersOf(p.ABI)
	used := map[abi.Reg]bool{}
	take := func(r abi.Reg, ok bool) {
		if !ok || used[r] {
			t.Fatalf("%v: register %v (allowed %v, used before %v)\n%v", p.ABI, r, ok, used[r], p)
		}
		used[r] = true
	}
	if p.Result.Indirect {
		take(p.Result.HiddenReg, p.Result.HiddenReg == rs.IndirectResult)
	}
	if p.StackSize < 0 || p.CopySize < 0 || p.ShadowSize != rs.Shadow {
		t.Fatalf("%v: areas stack %d copy %d shadow %d\n%v", p.ABI, p.StackSize, p.CopySize, p.ShadowSize, p)
	}
	for _, a := range p.Args {
		for _, part := range a.Parts {
			take(part.Reg, rs.IsArg(part.Reg))
			if part.Dup != abi.NoReg {
				take(part.Dup, rs.Duplicates && rs.IsArg(part.Dup))
			}
		}
		switch a.Passing {
		case abi.OnStack:
			if a.StackOffset < 0 || a.StackSize <= 0 || a.StackOffset+a.StackSize > p.StackSize {
				t.Fatalf("%v: stack slot [%d,+%d) outside %d\n%v", p.ABI, a.StackOffset, a.StackSize, p.StackSize, p)
			}
		case abi.ByReference:
			if a.CopyOffset < 0 || a.CopyOffset+a.Type.Size() > p.CopySize {
				t.Fatalf("%v: copy [%d,+%d) outside %d\n%v", p.ABI, a.CopyOffset, a.Type.Size(), p.CopySize, p)
			}
			if a.PointerReg != abi.NoReg {
				take(a.PointerReg, rs.IsArg(a.PointerReg))
			}
		}
	}
	used = map[abi.Reg]bool{}
	for _, part := range p.Result.Parts {
		take(part.Reg, rs.IsResult(part.Reg))
	}
}

// FuzzParseSignature parses arbitrary text as a prototype, with no declarations under
// LP64 and with the zlib and sqlite declarations under LLP64. Each parse gives a
// *ParseError with a position inside the text, or a signature that prints and parses
// back to itself.
func FuzzParseSignature(f *testing.F) {
	for _, c := range parseSigCases {
		f.Add(c.in)
	}
	for _, c := range parseErrorCases {
		f.Add(c.in)
	}
	for _, c := range prototypeCases {
		f.Add(c.in)
	}
	for _, c := range prototypeErrorCases {
		f.Add(c.in)
	}
	for _, c := range headerPrototypes {
		f.Add(c.text)
	}
	g := &sigGen{r: rand.New(rand.NewSource(2))}
	for i := 0; i < 20; i++ {
		f.Add(g.signature().String())
	}
	env := abi.NewTypeEnv()
	for _, text := range []string{zlibDecls, sqliteDecls, envOracleDecls} {
		if err := env.Declare(text); err != nil {
			f.Fatal(err)
		}
	}
	parsers := []abi.Parser{{}, {Model: abi.LLP64, Env: env}}
	f.Fuzz(func(t *testing.T, text string) {
		for _, p := range parsers {
			proto, err := p.ParsePrototype(text)
			if err != nil {
				checkParseError(t, text, err)
				continue
			}
			if len(proto.ParamNames) != len(proto.Signature.Params) {
				t.Fatalf("ParsePrototype(%q): %d parameter names for %d parameters", text, len(proto.ParamNames), len(proto.Signature.Params))
			}
			checkPrintParse(t, proto.Signature)
		}
	})
}

// FuzzDeclare declares arbitrary text in an environment holding the zlib declarations,
// then parses a prototype with it. Neither may panic or run away; each error is a
// *ParseError with a position inside its text.
func FuzzDeclare(f *testing.F) {
	for _, seed := range []string{zlibDecls, sqliteDecls, envOracleDecls,
		"#define F(a, ...) a f(__VA_ARGS__)\nF(int, char);", "#define A B\n#define B A\nA x;",
		"typedef struct n { struct n *next; enum { X = sizeof(struct n *) } e; } n;", "#undef OF\n#define OF(x) ()"} {
		f.Add(seed, "ZEXTERN uLong ZEXPORT crc32 OF((uLong crc, const Bytef *buf, uInt len));")
	}
	f.Fuzz(func(t *testing.T, decls, text string) {
		env := abi.NewTypeEnv()
		if err := env.Declare(zlibDecls); err != nil {
			t.Fatal(err)
		}
		if err := env.Declare(decls); err != nil {
			checkParseError(t, decls, err)
		}
		for m := range 3 {
			proto, err := abi.Parser{Model: abi.DataModel(m), Env: env}.ParsePrototype(text)
			if envErr := env.Err(abi.DataModel(m)); envErr != nil {
				if err != envErr {
					t.Fatalf("parse under %v with an environment that failed there: %v, want %v", abi.DataModel(m), err, envErr)
				}
				continue
			}
			if err != nil {
				checkParseError(t, text, err)
				continue
			}
			checkPrintParse(t, proto.Signature)
		}
	})
}

func checkParseError(t *testing.T, text string, err error) {
	t.Helper()
	var pe *abi.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("parse of %q: error %v is not a *ParseError", text, err)
	}
	if pe.Pos < 0 || pe.Pos > len(text) || pe.Text != text {
		t.Fatalf("parse of %q: error position %d out of range, or text %q", text, pe.Pos, pe.Text)
	}
}

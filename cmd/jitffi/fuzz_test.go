package main

import (
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

// FuzzArgumentConversion feeds signature text and an argument's text to what "jitffi
// call" does before it loads anything: parse, check against the bind limits, convert the
// argument for every parameter, and print every parameter and the result. None of it may
// panic or run away, and a converted value has its C type's size.
func FuzzArgumentConversion(f *testing.F) {
	for _, seed := range [][2]string{
		{"double (double)", "0"},
		{"int (int)", "-5"},
		{"long (long)", "-0x10"},
		{"size_t (const char*)", `"a\tb"`},
		{"int32_t (char*, size_t, char*, ..., double)", "buf:64"},
		{"struct{int quot; int rem;} (int, int)", "17"},
		{"int (struct{int a; struct{float x; float y;} p; int8_t v[2]; bool ok; void* q;})", `{-3, {2.5, 0.25}, {7, -8}, true, 0x1000}`},
		{"int (struct{char s[4]; union{int i; float f;} u;})", `{{1, 2, 3, 4}, 5}`},
		{"int (struct{struct{} a[100000000]; int x;})", "{{}, 1}"},
		{"struct{struct{} a[2147483647][2147483647];} (void)", "{}"},
		{"int (struct{char a[2000000000];})", "{}"},
		{"void (bool, float, uint64_t)", "true"},
		{"int (struct{double d[3];})", `{1e308, -inf, nan}`},
		{"int (void*)", "str:{,}"},
		{"char *strchr(const char *s, int c);", "hello"},
		{"extern int open (const char *__file, int __oflag, ...) __asm__ (\"\" \"open64\");", "0x10"},
		{"struct point {int x, y;} mid(struct point a, struct point b)", "{1, 2}"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, sigText, arg string) {
		proto, err := abi.Parser{Model: abi.Host.DataModel()}.ParsePrototype(sigText)
		if err != nil || jitffi.CheckSignature(proto.Signature) != nil {
			return
		}
		sig := proto.Signature
		var enc argEncoder
		for i, p := range sig.Params {
			b, err := enc.encode(i, p, arg)
			if err != nil {
				continue
			}
			if len(b) != p.Size() {
				t.Fatalf("%v: argument %d (%v) converted to %d bytes, want %d", sig, i, p, len(b), p.Size())
			}
			if s := formatValue(b, p); len(s) > 1<<20 {
				t.Fatalf("%v: argument %d prints as %d bytes", sig, i, len(s))
			}
		}
		if s := formatValue(make([]byte, sig.Result.Size()), sig.Result); len(s) > 1<<20 {
			t.Fatalf("%v: the result prints as %d bytes", sig, len(s))
		}
	})
}

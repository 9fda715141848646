package fuzz

import (
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/internal/ctest"
)

var writeCorpus = flag.Bool("writecorpus", false, "rewrite the seed corpora in testdata/fuzz from seeded cases")

// FuzzDowncall lets go test -fuzz drive the generator: the input's bytes are the
// generator's choices (GenerateFromBytes), so the engine's mutations become changes of
// shape, kind, size and placement. Each input builds its own one-function fixture with
// gcc and checks it in this process, so a stub that crashes takes the input with it into
// the engine's crash report.
//
//	go test ./fuzz -run '^$' -fuzz FuzzDowncall -fuzztime 1h
func FuzzDowncall(f *testing.F) { fuzzTarget(f, "sysv", Down) }

// FuzzDowncallWin64 is FuzzDowncall for Win64 plans against gcc's ms_abi callees.
func FuzzDowncallWin64(f *testing.F) { fuzzTarget(f, "win64", Down) }

// FuzzUpcall is FuzzDowncall the other way: each input's signature gets a gcc-compiled C
// caller (ctest.GenerateUpcallers) that calls a jitffi callback, and both directions of
// bytes are compared (CheckUpcall). A variadic signature has no upcall and is skipped.
func FuzzUpcall(f *testing.F) { fuzzTarget(f, "sysv", Up) }

// FuzzUpcallWin64 is FuzzUpcall for Win64 callbacks called by gcc's ms_abi callers.
func FuzzUpcallWin64(f *testing.F) { fuzzTarget(f, "win64", Up) }

func fuzzTarget(f *testing.F, name string, d Direction) {
	tg, err := Lookup(name)
	if err != nil {
		f.Fatal(err)
	}
	if err := tg.Available(); err != nil {
		f.Skipf("%s: %v", name, err)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		sig := GenerateFromBytes(tg.Profile, data)
		if d == Up && sig.IsVariadic() {
			t.Skip(noUpcallVariadic)
		}
		h := fnv.New64a()
		h.Write(data)
		c := Case{ID: ID{Target: name, Seed: h.Sum64()}, Sig: sig}
		cc := c.ctestCase("fz")
		generate, check := ctest.Generate, CheckCase
		if d == Up {
			generate, check = ctest.GenerateUpcallers, CheckUpcall
		}
		src, err := generate([]ctest.Case{cc}, ctest.GenOptions{MSABI: tg.MSABI, Seed: c.ID.ArgSeed()})
		if err != nil {
			t.Fatal(err)
		}
		path, err := ctest.CompileWith(tg.Reference.Cmd, dir, src, tg.Reference.Flags...)
		if err != nil {
			t.Fatalf("%v\nsig: %v", err, sig)
		}
		defer os.Remove(path)
		defer os.Remove(path[:len(path)-len(filepath.Ext(path))] + ".c")
		lib, err := jitffi.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer lib.Close()
		if err := check(lib, cc, c.ID.ArgSeed(), tg.BindOptions...); err != nil {
			r := &Runner{Target: tg, Dir: dir}
			if self, _ := r.selfCheck(context.Background(), tg.Reference, d, cc, c.ID.ArgSeed(), path); self != "" {
				t.Skipf("%v: %v; %s", sig, err, self)
			}
			var b bytesBuffer
			tg.Report(&b, Result{Case: c, Dir: d, Verdict: Mismatch, Ref: err})
			t.Fatalf("%s", b.String())
		}
	})
}

// TestWriteCorpus rewrites the seed corpora when run with -writecorpus: the choice bytes
// of the first seeded cases, which cover every shape the generator makes.
func TestWriteCorpus(t *testing.T) {
	if !*writeCorpus {
		t.Skip("run with -writecorpus to rewrite testdata/fuzz")
	}
	for fuzzer, name := range map[string]string{"FuzzDowncall": "sysv", "FuzzDowncallWin64": "win64", "FuzzUpcall": "sysv", "FuzzUpcallWin64": "win64"} {
		tg, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join("testdata", "fuzz", fuzzer)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := uint64(0); i < 16; i++ {
			data := ChoiceBytes(tg.Profile, 1, i)
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-1-%d", name, i)), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

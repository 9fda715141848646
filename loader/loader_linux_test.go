//go:build linux && (cgo || amd64 || arm64)

package loader_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jitffi/jitffi/internal/ctest"
	"github.com/jitffi/jitffi/loader"
)

// isMusl reports whether the C library is musl rather than glibc.
func isMusl() bool {
	m, _ := filepath.Glob("/lib/ld-musl-*")
	return len(m) > 0
}

func TestOpenLibc(t *testing.T) {
	lib, err := loader.Open("libc.so.6")
	if err != nil {
		if isMusl() {
			t.Skip("musl has no libc.so.6:", err)
		}
		t.Fatal(err)
	}
	defer lib.Close()
	if p, err := lib.Lookup("strlen"); err != nil || p == 0 {
		t.Fatalf("Lookup(strlen) = %#x, %v", p, err)
	}
	if lib.Path() != "libc.so.6" {
		t.Errorf("Path() = %q", lib.Path())
	}
}

func TestLookupNullAddress(t *testing.T) {
	lib := mustOpen(t, fixture(t))
	defer lib.Close()
	addr, err := lib.Lookup("jitffi_null_symbol")
	le := asError(t, err, loader.ErrSymbolNotFound)
	if addr != 0 || !strings.Contains(le.Text, "NULL") || !errors.Is(err, loader.ErrNullSymbol) {
		t.Errorf("Lookup = %#x, %q", addr, err)
	}
	t.Logf("message: %s", err)
}

func TestLazyDefersUnresolvedReferences(t *testing.T) {
	path := buildLib(t, "jitffi_unresolved", `
extern int jitffi_nowhere(void);
int jitffi_calls_nowhere(void) { return jitffi_nowhere(); }
`, "-Wl,-z,lazy")
	_, err := loader.Open(path)
	le := asError(t, err, loader.ErrLibraryNotFound)
	if !strings.Contains(le.Text, "jitffi_nowhere") {
		t.Errorf("message %q does not name the unresolved symbol", err)
	}
	lib, err := loader.Open(path, loader.Lazy())
	if err != nil {
		t.Fatalf("Open with Lazy: %v", err)
	}
	if _, err := lib.Lookup("jitffi_calls_nowhere"); err != nil {
		t.Error(err)
	}
	lib.Close()
}

func TestGlobalExportsSymbols(t *testing.T) {
	provider := buildLib(t, "jitffi_provider", `int jitffi_provided(void) { return 7; }`)
	consumer := buildLib(t, "jitffi_consumer", `
extern int jitffi_provided(void);
int jitffi_consume(void) { return jitffi_provided() + 1; }
`, "-Wl,-z,now")

	// RTLD_LOCAL (the default): the consumer cannot see the provider's symbol.
	p := mustOpen(t, provider)
	if c, err := loader.Open(consumer); err == nil {
		c.Close()
		t.Error("consumer resolved a symbol of a library opened without Global")
	} else {
		asError(t, err, loader.ErrLibraryNotFound)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}

	p = mustOpen(t, provider, loader.Global())
	defer p.Close()
	c, err := loader.Open(consumer)
	if err != nil {
		t.Fatalf("consumer after Global provider: %v", err)
	}
	c.Close()
}

// mappings returns the lines of /proc/self/maps.
func mappings(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skip("cannot read /proc/self/maps:", err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

func TestErrnoLocationIsCode(t *testing.T) {
	addr := loader.ErrnoLocation()
	if addr == 0 {
		t.Fatal("ErrnoLocation() = 0")
	}
	for _, line := range mappings(t) {
		f := strings.Fields(line)
		lo, hi, _ := strings.Cut(f[0], "-")
		l, _ := strconv.ParseUint(lo, 16, 64)
		h, _ := strconv.ParseUint(hi, 16, 64)
		if uint64(addr) >= l && uint64(addr) < h {
			if !strings.Contains(f[1], "x") {
				t.Errorf("ErrnoLocation() = %#x lies in a mapping that is not executable: %s", addr, line)
			}
			return
		}
	}
	t.Errorf("ErrnoLocation() = %#x is not mapped", addr)
}

// fileMappings returns the lines of /proc/self/maps that map a file, such as a library's
// segments. Anonymous mappings come and go with the Go heap (and, under -race, with the race
// detector's shadow memory), so only these are stable enough to compare.
func fileMappings(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, line := range mappings(t) {
		if f := strings.Fields(line); len(f) >= 6 && strings.HasPrefix(f[5], "/") {
			out = append(out, line)
		}
	}
	return out
}

// TestOpenCloseReleasesMappings opens and closes a library 2000 times: every dlopen must be
// matched by a dlclose, or the library stays mapped after the last Close.
func TestOpenCloseReleasesMappings(t *testing.T) {
	path := fixture(t)
	cycle := func() {
		lib, err := loader.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := lib.Lookup("jitffi_add"); err != nil {
			t.Fatal(err)
		}
		if _, err := lib.Lookup("jitffi_missing"); err == nil {
			t.Fatal("found jitffi_missing")
		}
		if err := lib.Close(); err != nil {
			t.Fatal(err)
		}
	}
	cycle() // warm up
	before := fileMappings(t)
	for i := 0; i < 2000; i++ {
		cycle()
	}
	after := fileMappings(t)
	for _, line := range after {
		if strings.Contains(line, path) {
			t.Errorf("library still mapped after its last Close: %s", line)
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d file mappings before 2000 open/close cycles, %d after", len(before), len(after))
		t.Logf("before:\n%s\nafter:\n%s", strings.Join(before, "\n"), strings.Join(after, "\n"))
	}

	// Leaking handles: opening without closing keeps the mapping, which the check above sees.
	lib := mustOpen(t, path)
	if n := len(fileMappings(t)); n <= len(before) {
		t.Errorf("an open library adds no file mapping (%d before, %d now): the check is blind", len(before), n)
	}
	lib.Close()
}

// mallocCounterSrc replaces glibc's malloc family through LD_PRELOAD and counts the blocks
// that are live, so that a child process can check that the loader frees every C string it
// allocates (paths, symbol names, copies of dlerror's text).
const mallocCounterSrc = `
#include <stddef.h>
#include <errno.h>
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

long jitffi_live_blocks;

static void *counted(void *p) {
	if (p != NULL) __atomic_add_fetch(&jitffi_live_blocks, 1, __ATOMIC_RELAXED);
	return p;
}
void *malloc(size_t n) { return counted(__libc_malloc(n)); }
void *calloc(size_t n, size_t m) { return counted(__libc_calloc(n, m)); }
void *memalign(size_t a, size_t n) { return counted(__libc_memalign(a, n)); }
void *aligned_alloc(size_t a, size_t n) { return counted(__libc_memalign(a, n)); }
int posix_memalign(void **out, size_t a, size_t n) {
	void *p = counted(__libc_memalign(a, n));
	if (p == NULL) return ENOMEM;
	*out = p;
	return 0;
}
void *realloc(void *old, size_t n) {
	void *p = __libc_realloc(old, n);
	if (old == NULL) return counted(p);
	if (n == 0 && p == NULL) __atomic_sub_fetch(&jitffi_live_blocks, 1, __ATOMIC_RELAXED);
	return p;
}
void free(void *p) {
	if (p == NULL) return;
	__atomic_sub_fetch(&jitffi_live_blocks, 1, __ATOMIC_RELAXED);
	__libc_free(p);
}
`

const leakChildEnv = "JITFFI_LOADER_LEAK_CHILD"

// TestCStringsAreFreed runs itself again in a child process whose malloc counts live
// blocks, and checks that 2000 rounds of successful and failing Open, Lookup and Close leave
// no C memory behind.
func TestCStringsAreFreed(t *testing.T) {
	if os.Getenv(leakChildEnv) != "" {
		leakChild(t)
		return
	}
	if isMusl() {
		t.Skip("the malloc counter replaces glibc's malloc; this C library is musl")
	}
	counter := buildLib(t, "jitffi_malloc_counter", mallocCounterSrc)
	fix := fixture(t)
	cmd := ctest.Command(os.Args[0], "-test.run=^TestCStringsAreFreed$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), leakChildEnv+"="+fix, "LD_PRELOAD="+counter)
	out, err := cmd.CombinedOutput()
	t.Logf("child:\n%s", out)
	if err != nil {
		t.Fatalf("child failed: %v", err)
	}
	if !strings.Contains(string(out), "leak-check: ok") {
		t.Fatal("the child did not run the leak check")
	}
}

func leakChild(t *testing.T) {
	path := os.Getenv(leakChildEnv)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	self := mustOpen(t, "")
	defer self.Close()
	addr, err := self.Lookup("jitffi_live_blocks")
	if err != nil {
		t.Fatalf("the malloc counter is not preloaded: %v", err)
	}
	live := func() int64 { return atomic.LoadInt64((*int64)(ptrAt(addr))) }

	longName := strings.Repeat("jitffi_long_symbol_name_", 100) // error text well above malloc's small sizes
	round := func() {
		lib, err := loader.Open(path, loader.Lazy())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := lib.Lookup("jitffi_counter"); err != nil {
			t.Fatal(err)
		}
		if _, err := lib.Lookup(longName); !errors.Is(err, loader.ErrSymbolNotFound) {
			t.Fatal(err)
		}
		if _, err := lib.Lookup("jitffi_null_symbol"); !errors.Is(err, loader.ErrSymbolNotFound) {
			t.Fatal(err)
		}
		if err := lib.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := loader.Open(path+".missing/"+longName, loader.NoLoad()); err == nil {
			t.Fatal("opened a missing library")
		}
		if _, err := loader.Open("libjitffi_missing_" + longName + ".so"); err == nil {
			t.Fatal("opened a missing library")
		}
	}
	for i := 0; i < 10; i++ {
		round() // warm up the loader's caches
	}
	if live() <= 0 {
		t.Fatalf("the malloc counter counts nothing (%d live blocks)", live())
	}
	before := live()
	const rounds = 2000
	for i := 0; i < rounds; i++ {
		round()
	}
	after := live()
	t.Logf("live C blocks: %d before %d rounds, %d after", before, rounds, after)
	// Every round allocates at least 7 C strings; leaking any of them leaves >= 2000 blocks.
	// A few blocks may come and go with threads the runtime starts meanwhile.
	if d := after - before; d > rounds/10 || d < -rounds/10 {
		t.Fatalf("%d C blocks leaked in %d rounds", d, rounds)
	}
	t.Log("leak-check: ok")
}

package jit

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// codeAt returns the n bytes of code at addr. Reading sealed pages is fine: they stay
// readable. The address is reinterpreted through memory rather than converted because it
// points outside the Go heap, where the garbage collector never moves anything, which is
// the one case vet's uintptr rule does not know about.
func codeAt(addr uintptr, n int) []byte {
	p := *(*unsafe.Pointer)(unsafe.Pointer(&addr))
	return unsafe.Slice((*byte)(p), n)
}

func pageOf(addr uintptr) uintptr { return addr &^ uintptr(os.Getpagesize()-1) }

// testBlobs returns n distinct blobs of the given size, none containing the filler byte.
func testBlobs(n, size int) [][]byte {
	blobs := make([][]byte, n)
	for i := range blobs {
		blobs[i] = bytes.Repeat([]byte{byte(0x10 + i%0x80)}, size)
	}
	return blobs
}

// checkCodePagesOS checks, on systems without /proc/self/maps, that the code at addrs is
// read-execute and not writable; the system's test file sets it.
var checkCodePagesOS func(t *testing.T, addrs []uintptr)

// A mapping is one line of /proc/self/maps.
type mapping struct {
	lo, hi uintptr
	perms  string
}

// readMaps returns the process's mappings, skipping the test where there is no procfs.
func readMaps(t *testing.T) []mapping {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("reading page permissions needs /proc/self/maps, which only Linux has")
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var maps []mapping
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok || len(fields) < 2 {
			t.Fatalf("odd line in /proc/self/maps: %q", sc.Text())
		}
		l, err1 := strconv.ParseUint(lo, 16, 64)
		h, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("odd range in /proc/self/maps: %q", sc.Text())
		}
		maps = append(maps, mapping{uintptr(l), uintptr(h), fields[1]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return maps
}

// checkWX fails the test if any mapping is writable and executable at once, or if an
// address in addrs is not in a read-execute mapping.
//
// Off Linux there is no /proc/self/maps: the system's own check runs instead (VirtualQuery
// on Windows), or, where there is none, the test goes on without this part rather than
// turning its passed checks into a skip.
func checkWX(t *testing.T, addrs []uintptr) {
	t.Helper()
	if runtime.GOOS != "linux" {
		if checkCodePagesOS != nil {
			checkCodePagesOS(t, addrs)
		} else {
			t.Logf("page permissions are not checked on %s", runtime.GOOS)
		}
		return
	}
	maps := readMaps(t)
	for _, m := range maps {
		if m.perms[1] == 'w' && m.perms[2] == 'x' {
			t.Errorf("mapping %#x-%#x is %s: writable and executable", m.lo, m.hi, m.perms)
		}
	}
	for _, a := range addrs {
		var found *mapping
		for i := range maps {
			if maps[i].lo <= a && a < maps[i].hi {
				found = &maps[i]
			}
		}
		switch {
		case found == nil:
			t.Errorf("code at %#x is in no mapping", a)
		case !strings.HasPrefix(found.perms, "r-x"):
			t.Errorf("code at %#x is in mapping %#x-%#x with permissions %s, want r-x", a, found.lo, found.hi, found.perms)
		}
	}
}

func TestAllocCodeCopiesAndSharesPages(t *testing.T) {
	withoutArena(t) // the arena packs batches; these check pages of their own
	blobs := testBlobs(20, 37)
	addrs, err := allocCode(blobs)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range addrs {
		if a%codeAlign != 0 {
			t.Errorf("blob %d at %#x is not %d-byte aligned", i, a, codeAlign)
		}
		if got := codeAt(a, len(blobs[i])); !bytes.Equal(got, blobs[i]) {
			t.Errorf("blob %d at %#x reads % x, want % x", i, a, got, blobs[i])
		}
		if i > 0 && a <= addrs[i-1] {
			t.Errorf("blob %d at %#x is not after blob %d at %#x", i, a, i-1, addrs[i-1])
		}
	}
	if pageOf(addrs[0]) != pageOf(addrs[len(addrs)-1]) {
		t.Errorf("20 blobs of 37 bytes span pages %#x to %#x, want one page", pageOf(addrs[0]), pageOf(addrs[len(addrs)-1]))
	}
	checkWX(t, addrs)
}

func TestAllocCodeFiller(t *testing.T) {
	withoutArena(t) // the arena packs batches; these check pages of their own
	blobs := testBlobs(3, 21)
	addrs, err := allocCode(blobs)
	if err != nil {
		t.Fatal(err)
	}
	// Everything from the end of the first blob to the end of the page that is not a
	// later blob must be the trap pattern: the gaps between blobs and the page's tail.
	end := pageOf(addrs[0]) + uintptr(os.Getpagesize())
	inBlob := func(p uintptr) bool {
		for i, a := range addrs {
			if a <= p && p < a+uintptr(len(blobs[i])) {
				return true
			}
		}
		return false
	}
	for p := addrs[0] + uintptr(len(blobs[0])); p < end; p++ {
		if inBlob(p) {
			continue
		}
		want := trapFill[int(p-pageOf(addrs[0]))%len(trapFill)]
		if got := codeAt(p, 1)[0]; got != want {
			t.Fatalf("byte at %#x (page offset %#x) is %#02x, want trap filler %#02x", p, p-pageOf(p), got, want)
		}
	}
}

func TestAllocCodeSpansPages(t *testing.T) {
	withoutArena(t) // the arena packs batches; these check pages of their own
	ps := os.Getpagesize()
	blobs := [][]byte{{1, 2, 3}, bytes.Repeat([]byte{0x5A}, 2*ps+100), {4, 5, 6}}
	addrs, err := allocCode(blobs)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range addrs {
		if got := codeAt(a, len(blobs[i])); !bytes.Equal(got, blobs[i]) {
			t.Errorf("blob %d at %#x does not read back", i, a)
		}
	}
	if n := (pageOf(addrs[2]) - pageOf(addrs[0])) / uintptr(ps); n != 2 {
		t.Errorf("last blob is %d pages after the first, want 2", n)
	}
	checkWX(t, addrs)
}

// failingPages is the real page mapper with chosen steps failing; it records unmaps.
type failingPages struct {
	pageMapper
	failMap, failSeal bool
	mapped, unmapped  []byte
}

var errInjected = errors.New("injected failure")

func (f *failingPages) mapRW(size int) ([]byte, error) {
	if f.failMap {
		return nil, errInjected
	}
	mem, err := f.pageMapper.mapRW(size)
	f.mapped = mem
	return mem, err
}

func (f *failingPages) sealRX(mem []byte) error {
	if f.failSeal {
		return errInjected
	}
	return f.pageMapper.sealRX(mem)
}

func (f *failingPages) unmap(mem []byte) error {
	f.unmapped = mem
	return f.pageMapper.unmap(mem)
}

// injectPages makes allocCode use f for the rest of the test, with no code arena: every
// batch then goes to pages of its own through f.
func injectPages(t *testing.T, f *failingPages) {
	withoutArena(t)
	old := pages
	f.pageMapper = old
	pages = f
	t.Cleanup(func() { pages = old })
}

// withoutArena makes allocCode seal every batch into pages of its own for the rest of the
// test, as on a system without the code arena.
func withoutArena(t *testing.T) {
	old := dualPages
	dualPages = nil
	t.Cleanup(func() { dualPages = old })
}

func TestAllocCodeFailures(t *testing.T) {
	if pages == nil {
		t.Skip("no executable memory on " + runtime.GOOS)
	}
	for _, tc := range []struct {
		name        string
		f           failingPages
		wantUnmap   bool
		wantMessage string
	}{
		{"map", failingPages{failMap: true}, false, "jit: mapping 4096 bytes for 2 stubs"},
		{"seal", failingPages{failSeal: true}, true, "jit: making 4096 bytes of code executable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			injectPages(t, &tc.f)
			before := mappedBytes.Load()
			addrs, err := allocCode(testBlobs(2, 8))
			if !errors.Is(err, errInjected) {
				t.Fatalf("allocCode = %v, %v; want the injected error", addrs, err)
			}
			msg := strings.Replace(tc.wantMessage, "4096", strconv.Itoa(os.Getpagesize()), 1)
			if !strings.HasPrefix(err.Error(), msg) {
				t.Errorf("error %q does not start with %q", err, msg)
			}
			if tc.wantUnmap && (tc.f.unmapped == nil || &tc.f.unmapped[0] != &tc.f.mapped[0]) {
				t.Errorf("the pages mapped were not unmapped after the failure")
			}
			if got := mappedBytes.Load(); got != before {
				t.Errorf("mapped bytes went from %d to %d after a failure", before, got)
			}
		})
	}
}

func TestAllocCodeRejectsEmptyBlob(t *testing.T) {
	f := &failingPages{}
	injectPages(t, f)
	if _, err := allocCode([][]byte{{0x90}, {}}); err == nil || !strings.Contains(err.Error(), "blob 1 of 2 is empty") {
		t.Errorf("allocCode with an empty blob: err = %v", err)
	}
	if f.mapped != nil {
		t.Errorf("allocCode mapped memory for a batch it rejected")
	}
	if addrs, err := allocCode(nil); addrs != nil || err != nil || f.mapped != nil {
		t.Errorf("allocCode(nil) = %v, %v, mapped %v; want nothing", addrs, err, f.mapped != nil)
	}
}

// TestAllocCodeRuns calls a hand-written amd64 function through a Go func value: Go's
// register ABI returns an int in rax, and the code touches nothing else the runtime cares
// about (r14, x15, the stack).
func TestAllocCodeRuns(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the hand-written code is amd64")
	}
	addrs, err := allocCode([][]byte{{0xB8, 42, 0, 0, 0, 0xC3}}) // mov eax, 42; ret
	if err != nil {
		t.Fatal(err)
	}
	code := addrs[0]
	closure := &code // a func value points at a word holding the code address
	fn := *(*func() int)(unsafe.Pointer(&closure))
	if got := fn(); got != 42 {
		t.Errorf("code returned %d, want 42", got)
	}
}

package jit

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jitffi/jitffi/abi"
)

// sysvPlan parses and classifies a signature for the System V ABI.
func sysvPlan(t *testing.T, text string) *abi.Plan {
	t.Helper()
	sig, err := abi.ParseSignature(text)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := abi.Classify(sig, abi.SysV)
	if err != nil {
		t.Fatalf("classifying %s: %v", text, err)
	}
	return plan
}

// sysvPlans returns n plans with distinct signatures: void functions of 0 to n-1 int64_t
// parameters.
func sysvPlans(t *testing.T, n int) []*abi.Plan {
	plans := make([]*abi.Plan, n)
	for i := range plans {
		params := "void"
		if i > 0 {
			params = strings.Repeat("int64_t, ", i-1) + "int64_t"
		}
		plans[i] = sysvPlan(t, "void ("+params+")")
	}
	return plans
}

// fakeAssemble stands in for the assembler, which the cache does not depend on: its
// "code" is the signature's text, so each key gets distinct bytes that read well in
// failures. delay holds each compile back so that concurrent callers really overlap.
func fakeAssemble(delay time.Duration) func(*abi.Plan, Options) ([]byte, error) {
	return func(p *abi.Plan, _ Options) ([]byte, error) {
		time.Sleep(delay)
		return []byte(p.Sig.String()), nil
	}
}

// isolate gives the test an empty cache and the assembler f, and restores the
// assembler afterwards. The stubs compiled before stay mapped, as they always do.
func isolate(t *testing.T, f func(*abi.Plan, Options) ([]byte, error)) {
	if pages == nil {
		t.Skip("no executable memory on this system")
	}
	old := assemble
	assemble = f
	t.Cleanup(func() { assemble = old })
	stubs.Lock()
	stubs.m = map[stubKey]*stubEntry{}
	stubs.Unlock()
}

// checkStub checks that s is a complete stub for plan whose code is at its address.
func checkStub(t *testing.T, s *Stub, plan *abi.Plan, opts Options) {
	t.Helper()
	if s.Addr == 0 || len(s.Code) == 0 {
		t.Fatalf("stub for %s has address %#x and %d bytes of code", plan.Sig, s.Addr, len(s.Code))
	}
	if got := codeAt(s.Addr, len(s.Code)); !bytes.Equal(got, s.Code) {
		t.Errorf("code at %#x is % x, Stub.Code is % x", s.Addr, got, s.Code)
	}
	if s.Plan.ABI != plan.ABI || !abi.EqualSignatures(s.Plan.Sig, plan.Sig) {
		t.Errorf("stub for %v %s has plan for %v %s", plan.ABI, plan.Sig, s.Plan.ABI, s.Plan.Sig)
	}
	if want := LayoutOf(plan.Sig); fmt.Sprint(s.Layout) != fmt.Sprint(want) {
		t.Errorf("stub for %s has layout %+v, want %+v", plan.Sig, s.Layout, want)
	}
	if s.Options != opts {
		t.Errorf("stub for %s has options %+v, want %+v", plan.Sig, s.Options, opts)
	}
}

func TestCompileCachesPerKey(t *testing.T) {
	isolate(t, fakeAssemble(0))
	before := compiles.Load()
	p := sysvPlan(t, "int32_t (int32_t, double)")
	s1, err := Compile(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkStub(t, s1, p, Options{})

	// A plan built anew for an equal signature is the same key.
	s2, err := Compile(sysvPlan(t, "int (int, double)"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s2 != s1 {
		t.Errorf("equal signatures got different stubs")
	}

	// Other options or another ABI are other keys.
	errnoOpts := Options{Errno: ErrnoLocation, ErrnoFunc: 0x1234}
	s3, err := Compile(p, errnoOpts)
	if err != nil {
		t.Fatal(err)
	}
	checkStub(t, s3, p, errnoOpts)
	win, err := abi.Classify(p.Sig, abi.Win64)
	if err != nil {
		t.Fatal(err)
	}
	s4, err := Compile(win, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s3 == s1 || s4 == s1 || s4 == s3 {
		t.Errorf("different options or ABIs share a stub")
	}
	if got := compiles.Load() - before; got != 3 {
		t.Errorf("%d compiles for 3 distinct keys", got)
	}
	checkWX(t, []uintptr{s1.Addr, s3.Addr, s4.Addr})
}

func TestCompileAllSharesPages(t *testing.T) {
	isolate(t, fakeAssemble(0))
	plans := sysvPlans(t, 20)
	// One plan is compiled beforehand and one is asked for twice: neither is compiled again.
	early, err := Compile(plans[3], Options{})
	if err != nil {
		t.Fatal(err)
	}
	asked := append(plans, plans[7])
	before := compiles.Load()
	got, err := CompileAll(requests(asked, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if n := compiles.Load() - before; n != 19 {
		t.Errorf("CompileAll compiled %d stubs, want the 19 not cached", n)
	}
	if len(got) != len(asked) {
		t.Fatalf("CompileAll returned %d stubs for %d plans", len(got), len(asked))
	}
	if got[3] != early || got[20] != got[7] {
		t.Errorf("CompileAll did not reuse the cached and repeated stubs")
	}
	pagesUsed := map[uintptr]bool{}
	var addrs []uintptr
	for i, s := range got {
		checkStub(t, s, asked[i], Options{})
		pagesUsed[pageOf(s.Addr)] = true
		addrs = append(addrs, s.Addr)
	}
	if len(pagesUsed) >= len(plans) {
		t.Errorf("%d stubs use %d pages; a batch should share them", len(plans), len(pagesUsed))
	}
	checkWX(t, addrs)
}

// hammer calls Compile from n goroutines released at the same moment, goroutine g asking
// for plans[g%len(plans)], and returns what each got.
func hammer(t *testing.T, n int, plans []*abi.Plan) []*Stub {
	t.Helper()
	got := make([]*Stub, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			got[g], errs[g] = Compile(plans[g%len(plans)], Options{})
		}()
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestCompileConcurrentSameKey(t *testing.T) {
	isolate(t, fakeAssemble(10*time.Millisecond))
	p := sysvPlan(t, "double (double, void*)")
	before := compiles.Load()
	got := hammer(t, 100, []*abi.Plan{p})
	if n := compiles.Load() - before; n != 1 {
		t.Errorf("100 concurrent requests for one key compiled %d times", n)
	}
	for g, s := range got {
		if s != got[0] {
			t.Fatalf("goroutine %d got stub %p, goroutine 0 got %p", g, s, got[0])
		}
	}
	checkStub(t, got[0], p, Options{})
}

func TestCompileConcurrentTenKeys(t *testing.T) {
	isolate(t, fakeAssemble(10*time.Millisecond))
	plans := sysvPlans(t, 10)
	before := compiles.Load()
	got := hammer(t, 100, plans)
	if n := compiles.Load() - before; n != 10 {
		t.Errorf("100 concurrent requests for 10 keys compiled %d times", n)
	}
	for g, s := range got {
		if s != got[g%10] {
			t.Fatalf("goroutines %d and %d asked for the same plan and got different stubs", g, g%10)
		}
		checkStub(t, s, plans[g%10], Options{})
	}
}

var errAssemble = errors.New("assembler says no")

// failFor returns an assembler that fails for the signature bad and is fake otherwise.
func failFor(bad string) func(*abi.Plan, Options) ([]byte, error) {
	return func(p *abi.Plan, opts Options) ([]byte, error) {
		if p.Sig.String() == bad {
			return nil, errAssemble
		}
		return fakeAssemble(0)(p, opts)
	}
}

func TestCompileAssembleError(t *testing.T) {
	good, bad := sysvPlan(t, "void (int8_t)"), sysvPlan(t, "void (int16_t)")
	isolate(t, failFor(bad.Sig.String()))
	mapped := mappedBytes.Load()

	_, err := Compile(bad, Options{})
	if !errors.Is(err, errAssemble) {
		t.Fatalf("Compile of a plan the assembler rejects: err = %v", err)
	}
	if want := "jit: compiling sysv stub for void (int16_t): "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q lacks the context %q", err, want)
	}
	if _, err := CompileAll(requests([]*abi.Plan{good, bad}, Options{})); !errors.Is(err, errAssemble) {
		t.Fatalf("CompileAll with a plan the assembler rejects: err = %v", err)
	}
	if n := mappedBytes.Load() - mapped; n != 0 {
		t.Errorf("failed compiles mapped %d bytes", n)
	}

	// Neither the failure nor the good plan of the failed batch is cached.
	stubs.Lock()
	n := len(stubs.m)
	stubs.Unlock()
	if n != 0 {
		t.Errorf("%d cache entries after failed compiles", n)
	}
	before := compiles.Load()
	if _, err := Compile(good, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(bad, Options{}); !errors.Is(err, errAssemble) {
		t.Fatalf("second Compile of the rejected plan: err = %v", err)
	}
	if n := compiles.Load() - before; n != 2 {
		t.Errorf("after failures, 2 requests compiled %d times, want 2", n)
	}
}

func TestCompileMapErrorShared(t *testing.T) {
	isolate(t, fakeAssemble(10*time.Millisecond))
	f := &failingPages{failMap: true}
	injectPages(t, f)
	p := sysvPlan(t, "void (float)")
	before := compiles.Load()
	errs := make([]error, 20)
	var wg sync.WaitGroup
	for g := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[g] = Compile(p, Options{})
		}()
	}
	wg.Wait()
	for g, err := range errs {
		if !errors.Is(err, errInjected) {
			t.Errorf("goroutine %d: err = %v, want the mapping failure", g, err)
		}
	}
	f.failMap = false
	if _, err := Compile(p, Options{}); err != nil {
		t.Errorf("Compile after the mapping failure passed: %v", err)
	}
	// Waiters share the first compile's failure, but the failure is not kept, so the
	// request after it compiles again. Goroutines that arrived after the failure compiled
	// on their own, so only a lower bound holds without more control of the schedule.
	if n := compiles.Load() - before; n < 2 {
		t.Errorf("%d compiles, want the failed one and the one after", n)
	}
}

// TestCompileRetriesAfterSiblingFailure checks that a caller waiting for a plan that
// another caller's batch was compiling does not inherit an error about a different plan
// in that batch.
func TestCompileRetriesAfterSiblingFailure(t *testing.T) {
	good, bad := sysvPlan(t, "void (uint8_t)"), sysvPlan(t, "void (uint16_t)")
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	isolate(t, func(p *abi.Plan, opts Options) ([]byte, error) {
		if p.Sig.String() == good.Sig.String() {
			once.Do(func() { close(started); <-release })
		}
		return failFor(bad.Sig.String())(p, opts)
	})
	batchErr := make(chan error)
	go func() {
		_, err := CompileAll(requests([]*abi.Plan{good, bad}, Options{}))
		batchErr <- err
	}()
	<-started
	waiterErr := make(chan error)
	go func() {
		_, err := Compile(good, Options{})
		waiterErr <- err
	}()
	time.Sleep(20 * time.Millisecond) // let the waiter block on the batch's entry
	close(release)
	if err := <-batchErr; !errors.Is(err, errAssemble) {
		t.Errorf("batch with a rejected plan: err = %v", err)
	}
	if err := <-waiterErr; err != nil {
		t.Errorf("waiter for the good plan got %v", err)
	}
}

func TestCompileAssemblerPanic(t *testing.T) {
	isolate(t, func(*abi.Plan, Options) ([]byte, error) { panic("assembler bug") })
	p := sysvPlan(t, "void (int32_t)")
	func() {
		defer func() {
			if r := recover(); r != "assembler bug" {
				t.Errorf("recovered %v, want the assembler's panic", r)
			}
		}()
		Compile(p, Options{})
	}()
	assemble = fakeAssemble(0)
	if _, err := Compile(p, Options{}); err != nil {
		t.Errorf("Compile after an assembler panic: %v", err)
	}
}

func TestCompileRejectsIncompletePlans(t *testing.T) {
	isolate(t, fakeAssemble(0))
	for _, plans := range [][]*abi.Plan{{nil}, {sysvPlan(t, "void (void)"), {ABI: abi.SysV}}} {
		if _, err := CompileAll(requests(plans, Options{})); err == nil || !strings.Contains(err.Error(), "has no signature") {
			t.Errorf("CompileAll(%v): err = %v", plans, err)
		}
	}
}

// TestCompileRealAssembler runs the cache with the real assembler, for as long as it
// accepts the plans on this host.
func TestCompileRealAssembler(t *testing.T) {
	isolate(t, Assemble)
	plans := []*abi.Plan{
		sysvPlan(t, "void (void)"),
		sysvPlan(t, "int32_t (int32_t, double)"),
		sysvPlan(t, "struct{double x; double y;} (struct{int64_t a; int64_t b; int64_t c;}, float)"),
	}
	if _, err := Assemble(plans[0], Options{}); err != nil {
		t.Skipf("the assembler does not compile stubs here yet: %v", err)
	}
	got, err := CompileAll(requests(plans, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var addrs []uintptr
	for i, s := range got {
		checkStub(t, s, plans[i], Options{})
		addrs = append(addrs, s.Addr)
	}
	checkWX(t, addrs)
}

// requests asks for every plan with the same options.
func requests(plans []*abi.Plan, opts Options) []Request {
	reqs := make([]Request, len(plans))
	for i, p := range plans {
		reqs[i] = Request{Plan: p, Options: opts}
	}
	return reqs
}

//go:build arm64 && (cgo || linux)

package jitffi_test

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// TestAAPCS64AgainstGCC calls every AAPCS64 case (each AAPCS64 rule of abi/RULES.md that a
// signature can express, each arm64 peer bug) through the JIT stubs, in both
// call modes, against gcc-compiled callees that record every byte they receive.
func TestAAPCS64AgainstGCC(t *testing.T) {
	for _, opt := range []struct {
		name  string
		flags []string
	}{{"O2", nil}, {"O0", []string{"-O0"}}} {
		t.Run(opt.name, func(t *testing.T) {
			cases, lib := compileCases(t, ctest.AAPCS64Cases, opt.flags...)
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					callCase(t, lib, c, 1)
					callCase(t, lib, c, 0x5eed, jitffi.Fast())
				})
			}
		})
	}
}

// TestAAPCS64UpcallsAgainstGCC is the upcall oracle on AAPCS64: gcc-compiled C callers, at
// -O2 and -O0, call a dynamic callback with every fixed-signature AAPCS64 case (each rule
// of abi/RULES.md's AAPCS64 section that a signature can express: HFAs, composites by
// reference, NGRN and NSRN exhaustion, stack spills; each arm64 peer bug), and both
// directions of bytes are compared (see upcallCase).
func TestAAPCS64UpcallsAgainstGCC(t *testing.T) {
	for _, opt := range []struct {
		name  string
		seed  uint64
		flags []string
	}{{"O2", 1, nil}, {"O0", 0x5eed, []string{"-O0"}}} {
		t.Run(opt.name, func(t *testing.T) {
			cases := upcallCases(t, ctest.AAPCS64Cases)
			lib := compileUpcallers(t, cases, ctest.GenOptions{Seed: opt.seed}, opt.flags...)
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) { upcallCase(t, lib, c, opt.seed, abi.Host) })
			}
		})
	}
}

// spFixture's callees check the machine state a stub hands them, which no argument can
// carry: sp 16-byte aligned at the call (qemu does not fault on a misaligned sp, real
// cores may), and a frame record chain a debugger or profiler can walk: the callee's
// frame record points at the stub's, which is 16-byte aligned and holds a return address.
// Each returns 0 when all is well and otherwise a code saying what is wrong.
const spFixture = `
typedef unsigned long long u64;
typedef struct { char c[100]; } big100;
typedef struct { char c[9000]; } big9000;
typedef struct { long long a[4]; } __attribute__((aligned(32))) al32;

enum { SP_MISALIGNED = 1, FP_MISALIGNED = 2, NO_CALLER_RECORD = 4, CALLER_RECORD_MISALIGNED = 8, NO_RETURN_ADDRESS = 16 };

__attribute__((noinline)) static u64 check_state(u64 sp) {
	u64 self = (u64)__builtin_frame_address(0);
	u64 fp = self ? *(u64 *)self : 0;   /* the probe's frame record */
	u64 up = fp ? *(u64 *)fp : 0;       /* the record of the probe's caller, the stub */
	u64 bad = 0;
	if (sp & 15) bad |= SP_MISALIGNED;
	if (fp & 15) bad |= FP_MISALIGNED;
	if (up == 0 || up <= fp) bad |= NO_CALLER_RECORD;
	else if (up & 15) bad |= CALLER_RECORD_MISALIGNED;
	else if (((u64 *)up)[1] == 0) bad |= NO_RETURN_ADDRESS;
	return bad;
}

#define SP_NOW() ({ u64 sp_; __asm__ volatile("mov %0, sp" : "=r"(sp_)); sp_; })

u64 sp_probe_void(void) { return check_state(SP_NOW()); }
u64 sp_probe_stack1(long long a, long long b, long long c, long long d, long long e, long long f,
	long long g, long long h, int s) { return check_state(SP_NOW()) | (u64)(s != 0) << 32; }
u64 sp_probe_stack3(long long a, long long b, long long c, long long d, long long e, long long f,
	long long g, long long h, signed char s1, short s2, int s3) { return check_state(SP_NOW()); }
u64 sp_probe_copies(big100 x, big9000 y, int z) { return check_state(SP_NOW()) | (u64)(x.c[0] | y.c[8999] | z) << 32; }
al32 sp_probe_aligned(int x) {
	al32 r = {{(long long)check_state(SP_NOW()), x, 0, 0}};
	return r;
}
`

// spFixtureFlags keep every frame record in the fixture, leaf functions' too, and forbid
// tail calls, which would leave a probe without a frame of its own to start the walk from.
var spFixtureFlags = []string{"-fno-omit-frame-pointer", "-mno-omit-leaf-frame-pointer", "-fno-optimize-sibling-calls"}

// TestStubMachineState calls the spFixture probes with stubs whose frames differ (no stack
// area, odd stack areas, large by-reference copies with page probes, an over-aligned
// result buffer), with and without errno capture and in both call modes.
func TestStubMachineState(t *testing.T) {
	path, err := ctest.Compile(t.TempDir(), spFixture, spFixtureFlags...)
	if err != nil {
		t.Fatal(err)
	}
	lib := openLib(t, path)
	probes := []struct{ name, sig string }{
		{"sp_probe_void", "uint64_t (void)"},
		{"sp_probe_stack1", "uint64_t (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int32_t)"},
		{"sp_probe_stack3", "uint64_t (int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int8_t, int16_t, int32_t)"},
		{"sp_probe_copies", "uint64_t (struct{char c[100];}, struct{char c[9000];}, int32_t)"},
		{"sp_probe_aligned", "struct{int64_t a[4];} __attribute__((aligned(32))) (int32_t)"},
	}
	for _, p := range probes {
		sig := must(abi.ParseSignature(p.sig))
		for _, fast := range []bool{false, true} {
			var opts []jitffi.Option
			if fast {
				opts = append(opts, jitffi.Fast())
			}
			d := must(jitffi.BindDynamic(lib, p.name, sig, opts...))
			for _, errno := range []bool{false, true} {
				fr := d.NewFrame()
				if errno {
					d.CallErrno(fr)
				} else {
					d.Call(fr)
				}
				got := binary.LittleEndian.Uint64(fr.Result()[:8])
				if got != 0 {
					t.Errorf("%s (fast %v, errno stub %v): state code %#x (%s)\nplan:\n%v",
						p.name, fast, errno, got, describeState(got), d.Plan())
				}
			}
		}
	}
}

// describeState names the bits of a spFixture state code.
func describeState(code uint64) string {
	names := []string{"sp misaligned", "frame pointer misaligned", "no caller frame record",
		"caller frame record misaligned", "no return address in the caller's record"}
	var out []string
	for i, n := range names {
		if code&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	if code>>32 != 0 {
		out = append(out, "arguments not zero")
	}
	return strings.Join(out, ", ")
}

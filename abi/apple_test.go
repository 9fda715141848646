package abi_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
)

// The Apple arm64 tests share aapcs64_test.go's helpers (a64...); what is theirs alone is
// prefixed apl. No Apple machine is at hand, so clang is the oracle without execution: it
// compiles a caller of every signature for arm64-apple-macos11, and llc lists, for each
// call, the registers it loads and the stack offsets it stores to.

var (
	aplRandom = flag.Int("apple.random", 500, "number of random signatures the -gcc check of Apple arm64 adds")
	aplSeed   = flag.Uint64("apple.seed", 1, "seed of the random signatures of the -gcc check of Apple arm64")
)

// TestAppleGolden compares plans with testdata/apple-arm64/*.txt, read under the LP64 data
// model (plain char signed); -update rewrites the expected text, and -gcc also checks every
// golden signature against clang.
func TestAppleGolden(t *testing.T) {
	sigs := a64Golden(t, abi.AppleARM64, "apple-arm64", abi.LP64)
	t.Run("clang", func(t *testing.T) { aplCheckAgainstClang(t, sigs) })
}

// TestAppleAgainstClang checks random signatures against clang.
func TestAppleAgainstClang(t *testing.T) {
	r := rand.New(rand.NewPCG(*aplSeed, 5))
	var sigs []*abi.Signature
	for range *aplRandom {
		sigs = append(sigs, randomSignature(r))
	}
	aplCheckAgainstClang(t, sigs)
}

// TestAppleDiffersFromAAPCS64 pins the Apple deviations one by one against the Linux
// plan of the same signature, so that a change to the shared machinery that erases one
// shows up here by name.
func TestAppleDiffersFromAAPCS64(t *testing.T) {
	eight := []*abi.Type{tI64, tI64, tI64, tI64, tI64, tI64, tI64, tI64}
	a16 := abi.AlignedStructOf(16, false, fld(tI64))
	hfa3 := st(tF32, tF32, tF32)
	eightD := []*abi.Type{tF64, tF64, tF64, tF64, tF64, tF64, tF64, tF64}
	for _, c := range []struct {
		name         string
		sig          *abi.Signature
		arg          int
		linux, apple string
	}{
		{"stack packing", fn(tVoid, append(eight, tI8, tI16, tI32)...), 10, "stack+16 size 8", "stack+4 size 4"},
		{"no even register", fn(tVoid, tI32, st(abi.AlignedStructOf(16, false, fld(tI64))), tI32), 1, "x2[0:8] x3[8:16]", "x1[0:8] x2[8:16]"},
		{"attribute alignment counts", fn(tVoid, append(eight, tI8, a16)...), 9, "stack+8 size 16", "stack+16 size 16"},
		{"variadic on the stack", variadic(1, tVoid, tPtr, tF64, hfa3), 2, "v1[0:4] v2[4:8] v3[8:12]", "stack+8 size 16"},
		{"caller extends, but not in a byte slot", fn(tVoid, append(eight, tI8)...), 8, "stack+0 size 8 sext32", "stack+0 size 1"},
		{"HFA packed on the stack", fn(tVoid, append(append(eight, eightD...), tI8, hfa3, tI8)...), 17, "stack+8 size 16", "stack+4 size 12"},
	} {
		for _, v := range []struct {
			a    abi.ABI
			want string
		}{{abi.AAPCS64, c.linux}, {abi.AppleARM64, c.apple}} {
			p := a64Classify(t, c.sig, v.a)
			if got := strings.SplitN(strings.Split(p.String(), "\n")[2+c.arg], ": ", 2)[1]; got != v.want {
				t.Errorf("%s: %v arg %d at %q, want %q\n%v", c.name, v.a, c.arg, got, v.want, p)
			}
		}
	}
}

// aplCase is one signature of the clang check with what clang made of it.
type aplCase struct {
	sig  *abi.Signature
	plan *abi.Plan
	// irArgs lists the attributes and type of each argument of the call in the LLVM IR,
	// and irRet the text before the callee's name (the result's attributes).
	irArgs []string
	irRet  string
	// The caller's view, from the machine code of the call: the argument registers in
	// the order loaded, the stack stores (offset and size) in order, the result
	// registers, and the size of the outgoing area.
	regs, defs []string
	stores     [][2]int
	stackSize  int
	called     bool
	// The callee's view, from the machine code of a definition with the same parameters:
	// its incoming registers, its incoming stack objects (offset and size, by offset), and
	// the registers its return fills. A variadic callee sees only the named arguments.
	liveins, rets []string
	fixed         [][2]int
	defined       bool
}

// aplCheckAgainstClang compiles a C caller of every signature for arm64-apple-macos11,
// and a definition with the same parameters, and compares the registers and stack slots
// clang uses on both sides with the plan. Signatures without a named parameter are left
// out: C17 cannot declare them, and an unprototyped call is not a variadic call on Apple.
func aplCheckAgainstClang(t *testing.T, sigs []*abi.Signature) {
	t.Helper()
	if !boolFlag("gcc") {
		t.Skip("run with -gcc to check against compilers (clang for Apple arm64)")
	}
	for _, tool := range []string{"clang", "llc"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s (apt-get install clang llvm)", tool)
		}
	}
	var cases []*aplCase
	for _, sig := range sigs {
		if sig.Fixed == 0 {
			continue
		}
		p, err := abi.Classify(sig, abi.AppleARM64)
		if err != nil {
			t.Errorf("Classify: %v", err)
			continue
		}
		cases = append(cases, &aplCase{sig: sig, plan: p})
	}
	dir := t.TempDir()
	cfile, ll, mir := filepath.Join(dir, "calls.c"), filepath.Join(dir, "calls.ll"), filepath.Join(dir, "calls.mir")
	if err := os.WriteFile(cfile, []byte(aplSource(cases)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]string{
		{"clang", "-target", "arm64-apple-macos11", "-std=gnu11", "-ffreestanding", "-fno-stack-protector", "-w", "-S", "-emit-llvm", "-o", ll, cfile},
		{"llc", "-O0", "-global-isel", "-stop-after=irtranslator", "-o", mir, ll},
	} {
		if out, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", cmd[0], err, out)
		}
	}
	irText, err := os.ReadFile(ll)
	if err != nil {
		t.Fatal(err)
	}
	mirText, err := os.ReadFile(mir)
	if err != nil {
		t.Fatal(err)
	}
	aplParseIR(t, string(irText), cases)
	aplParseMIR(t, string(mirText), cases)
	callerOnly := 0
	for _, c := range cases {
		msg := c.checkCallee()
		if msg == "" {
			if aplClang14VarargBug(c.plan) {
				callerOnly++
			} else {
				msg = c.checkCaller()
			}
		}
		if msg != "" {
			t.Errorf("clang disagrees: %s\n%v%s", msg, c.plan, cDecls(c.sig))
		}
	}
	t.Logf("%d signatures checked against clang for arm64-apple-macos11 (%d on the callee side only)", len(cases), callerOnly)
}

// aplClang14VarargBug reports whether a variadic call has a named integer narrower than
// 32 bits on the stack. clang 14's caller stores such an argument in a 4-byte slot
// (LLVM's LowerCall skipped its i8/i16 stack-size rule for the named arguments of a
// variadic call), while the callee, clang 14's included, reads it at its own size as for
// any named argument: the callers of such functions are miscompiled, later LLVM releases
// apply the rule to them too, and plans follow the callee. Such calls are checked on the
// callee side only.
func aplClang14VarargBug(p *abi.Plan) bool {
	if !p.Sig.IsVariadic() {
		return false
	}
	for _, a := range p.Args[:p.Sig.Fixed] {
		if a.Passing == abi.OnStack && a.Type.Kind.IsInteger() && a.Type.Size() < 4 {
			return true
		}
	}
	return false
}

// aplSource declares each signature's function fK and calls it with global arguments in
// callK, and defines dK with the same parameters.
func aplSource(cases []*aplCase) string {
	ct := &cTypes{names: map[*abi.Type]string{}}
	var body strings.Builder
	for k, c := range cases {
		sig := c.sig
		var fixed, args []string
		for i, t := range sig.Params {
			if !sig.IsVariadic() || i < sig.Fixed {
				fixed = append(fixed, ct.name(t))
			}
			fmt.Fprintf(&body, "%s g%d_%d;\n", ct.name(t), k, i)
			args = append(args, fmt.Sprintf("g%d_%d", k, i))
		}
		proto := strings.Join(fixed, ", ")
		switch {
		case sig.IsVariadic():
			proto += ", ..."
		case len(fixed) == 0:
			proto = "void"
		}
		res := ct.name(sig.Result)
		fmt.Fprintf(&body, "extern %s f%d(%s);\nvoid call%d(void) { ", res, k, proto, k)
		if sig.Result.Kind != abi.Void {
			fmt.Fprintf(&body, "%s r = ", res)
		}
		fmt.Fprintf(&body, "f%d(%s); }\n", k, strings.Join(args, ", "))
		var named []string
		for i, t := range sig.Params {
			if !sig.IsVariadic() || i < sig.Fixed {
				named = append(named, fmt.Sprintf("%s p%d", ct.name(t), i))
			}
		}
		if sig.IsVariadic() {
			named = append(named, "...")
		}
		if len(named) == 0 {
			named = []string{"void"}
		}
		fmt.Fprintf(&body, "%s d%d(%s) { ", res, k, strings.Join(named, ", "))
		if sig.Result.Kind != abi.Void {
			fmt.Fprintf(&body, "%s r; return r; ", res)
		}
		body.WriteString("}\n")
	}
	return ct.b.String() + body.String()
}

var aplIRCall = regexp.MustCompile(`call (.*?)@f(\d+)\(`)

// aplParseIR reads each call's argument list from the LLVM IR.
func aplParseIR(t *testing.T, ir string, cases []*aplCase) {
	for _, line := range strings.Split(ir, "\n") {
		m := aplIRCall.FindStringSubmatchIndex(line)
		if m == nil {
			continue
		}
		k, _ := strconv.Atoi(line[m[4]:m[5]])
		if k >= len(cases) {
			t.Fatalf("IR calls an unknown f%d", k)
		}
		c := cases[k]
		c.irRet = line[m[2]:m[3]]
		// Split the arguments at the commas outside brackets and parentheses.
		depth, start := 0, m[1]
	scan:
		for i := m[1]; i < len(line); i++ {
			switch line[i] {
			case '(', '[', '{', '<':
				depth++
			case ']', '}', '>':
				depth--
			case ')':
				if depth == 0 {
					if s := strings.TrimSpace(line[start:i]); s != "" {
						c.irArgs = append(c.irArgs, s)
					}
					break scan
				}
				depth--
			case ',':
				if depth == 0 {
					c.irArgs = append(c.irArgs, strings.TrimSpace(line[start:i]))
					start = i + 1
				}
			}
		}
	}
}

var (
	aplMIRFunc    = regexp.MustCompile(`^name:\s+(call|d)(\d+)$`)
	aplMIRDown    = regexp.MustCompile(`ADJCALLSTACKDOWN (\d+),`)
	aplMIRStore   = regexp.MustCompile(`G_STORE .*:: \(store \((s\d+|p0)\) into stack(?: \+ (\d+))?`)
	aplMIRCopy    = regexp.MustCompile(`^\s*\$([a-z]+)(\d+) = COPY `)
	aplMIRCall    = regexp.MustCompile(`BL @f\d+,`)
	aplMIRImplReg = regexp.MustCompile(`implicit(?:-def)? \$([a-z]+)(\d+)`)
	aplMIRLivein  = regexp.MustCompile(`^\s+- \{ reg: '\$([a-z]+)(\d+)'`)
	aplMIRFixed   = regexp.MustCompile(`^\s+- \{ id: (\d+), type: default, offset: (-?\d+), size: (\d+),`)
	aplMIRRet     = regexp.MustCompile(`RET_ReallyLR`)
)

// aplParseMIR reads each callK's call and each dK's incoming arguments and return.
func aplParseMIR(t *testing.T, mir string, cases []*aplCase) {
	var c *aplCase
	caller, in := false, false
	for _, line := range strings.Split(mir, "\n") {
		if m := aplMIRFunc.FindStringSubmatch(line); m != nil {
			k, _ := strconv.Atoi(m[2])
			if k >= len(cases) {
				t.Fatalf("machine code for an unknown %s", line)
			}
			c, caller, in = cases[k], m[1] == "call", false
			continue
		}
		if c == nil {
			continue
		}
		if caller {
			c.parseCallLine(line, &in)
		} else {
			c.parseDefLine(line)
		}
	}
}

// parseCallLine reads one line of callK: the registers loaded and the stack stores
// between ADJCALLSTACKDOWN and the BL, and the BL's result registers. GlobalISel emits the
// stack stores first and the register copies after them, each in argument order.
func (c *aplCase) parseCallLine(line string, in *bool) {
	switch {
	case aplMIRDown.MatchString(line):
		c.stackSize, _ = strconv.Atoi(aplMIRDown.FindStringSubmatch(line)[1])
		*in = true
	case !*in:
	case aplMIRStore.MatchString(line):
		m := aplMIRStore.FindStringSubmatch(line)
		off, _ := strconv.Atoi(m[2])
		size := 8
		if m[1] != "p0" {
			bits, _ := strconv.Atoi(m[1][1:])
			size = bits / 8
		}
		c.stores = append(c.stores, [2]int{off, size})
	case aplMIRCopy.MatchString(line):
		m := aplMIRCopy.FindStringSubmatch(line)
		c.regs = append(c.regs, aplRegName(m[1], m[2]))
	case aplMIRCall.MatchString(line):
		for _, m := range aplMIRImplReg.FindAllStringSubmatch(line, -1) {
			if strings.Contains(m[0], "-def") && m[1] != "lr" {
				c.defs = append(c.defs, aplRegName(m[1], m[2]))
			}
		}
		c.called, *in = true, false
	}
}

// parseDefLine reads one line of dK: its liveins, its incoming stack objects and the
// registers of its return. A variadic dK also has the object va_start points at, which
// LLVM creates last: it is the one with id 0, and is left out.
func (c *aplCase) parseDefLine(line string) {
	switch {
	case aplMIRLivein.MatchString(line):
		m := aplMIRLivein.FindStringSubmatch(line)
		c.liveins = append(c.liveins, aplRegName(m[1], m[2]))
	case aplMIRFixed.MatchString(line):
		m := aplMIRFixed.FindStringSubmatch(line)
		if m[1] == "0" && c.sig.IsVariadic() {
			return
		}
		off, _ := strconv.Atoi(m[2])
		size, _ := strconv.Atoi(m[3])
		c.fixed = append(c.fixed, [2]int{off, size})
		sort.Slice(c.fixed, func(i, j int) bool { return c.fixed[i][0] < c.fixed[j][0] })
	case aplMIRRet.MatchString(line):
		for _, m := range aplMIRImplReg.FindAllStringSubmatch(line, -1) {
			c.rets = append(c.rets, aplRegName(m[1], m[2]))
		}
		c.defined = true
	}
}

// aplRegName names a register for comparison: general registers by number only, since
// clang may read a small composite result through w0 or x0; s, d and q apart, since
// they tell an HFA's member size.
func aplRegName(bank, n string) string {
	if bank == "w" {
		bank = "x"
	}
	return bank + n
}

// aplExpect lists what the plan says clang's call should do, in clang's terms.
func aplExpect(p *abi.Plan) (regs, defs []string, stores [][2]int) {
	name := func(pt abi.Part) string {
		if pt.Reg >= abi.V0 && pt.Reg <= abi.V31 {
			return map[int]string{4: "s", 8: "d", 16: "q"}[pt.Size] + strconv.Itoa(int(pt.Reg-abi.V0))
		}
		return pt.Reg.String()
	}
	if p.Result.Indirect {
		regs = append(regs, "x8")
	}
	for _, pt := range p.Result.Parts {
		defs = append(defs, name(pt))
	}
	for _, a := range p.Args {
		switch a.Passing {
		case abi.InRegisters:
			for _, pt := range a.Parts {
				regs = append(regs, name(pt))
			}
		case abi.ByReference:
			if a.PointerReg != abi.NoReg {
				regs = append(regs, a.PointerReg.String())
			} else {
				stores = append(stores, [2]int{a.StackOffset, 8})
			}
		case abi.OnStack:
			switch member := aplHFAMember(a.Type); {
			case a.Type.Kind.IsScalar():
				stores = append(stores, [2]int{a.StackOffset, a.StackSize})
			case member > 0:
				// clang stores an HFA member by member.
				for off := 0; off < a.Type.Size(); off += member {
					stores = append(stores, [2]int{a.StackOffset + off, member})
				}
			default:
				// Other composites travel as 64-bit words (a 16-aligned one as an i128,
				// which is stored as two of them).
				for off := 0; off < a.StackSize; off += 8 {
					stores = append(stores, [2]int{a.StackOffset + off, 8})
				}
			}
		}
	}
	return regs, defs, stores
}

// aplHFAMember returns the member size of t if the classifier takes it for an HFA (it
// passes it alone in v registers), else 0. Should it err, clang's member-by-member or
// word-by-word stores tell the difference.
func aplHFAMember(t *abi.Type) int {
	if !t.Kind.IsAggregate() {
		return 0
	}
	p, err := abi.Classify(fn(tVoid, t), abi.AppleARM64)
	if err != nil || len(p.Args[0].Parts) == 0 || p.Args[0].Parts[0].Reg < abi.V0 {
		return 0
	}
	return p.Args[0].Parts[0].Size
}

// checkCallee compares the plan's named arguments and result with clang's definition
// and returns the first difference, or "".
func (c *aplCase) checkCallee() string {
	if !c.defined {
		return "no definition found in the machine code"
	}
	p := *c.plan
	if p.Sig.IsVariadic() {
		p.Args = p.Args[:p.Sig.Fixed]
	}
	regs, defs, stores := aplExpect(&p)
	sort.Strings(regs)
	sort.Slice(stores, func(i, j int) bool { return stores[i][0] < stores[j][0] })
	liveins := slices.Clone(c.liveins)
	sort.Strings(liveins)
	if fmt.Sprint(regs) != fmt.Sprint(liveins) {
		return fmt.Sprintf("the callee takes arguments in %v, plan %v", liveins, regs)
	}
	if fmt.Sprint(stores) != fmt.Sprint(c.fixed) {
		return fmt.Sprintf("the callee reads (offset, size) %v from the stack, plan %v", c.fixed, stores)
	}
	if fmt.Sprint(defs) != fmt.Sprint(c.rets) {
		return fmt.Sprintf("the callee returns in %v, plan %v", c.rets, defs)
	}
	return ""
}

// checkCaller compares the plan with clang's call and returns the first difference, or "".
func (c *aplCase) checkCaller() string {
	if !c.called {
		return "no call found in the machine code"
	}
	p := c.plan
	regs, defs, stores := aplExpect(p)
	if fmt.Sprint(regs) != fmt.Sprint(c.regs) {
		return fmt.Sprintf("clang loads registers %v, plan %v", c.regs, regs)
	}
	if fmt.Sprint(stores) != fmt.Sprint(c.stores) {
		return fmt.Sprintf("clang stores (offset, size) %v, plan %v", c.stores, stores)
	}
	if fmt.Sprint(defs) != fmt.Sprint(c.defs) {
		return fmt.Sprintf("clang reads the result from %v, plan %v", c.defs, defs)
	}
	if (c.stackSize+15)&^15 != p.StackSize {
		return fmt.Sprintf("clang's outgoing area is %d bytes, plan %d", c.stackSize, p.StackSize)
	}
	// The IR has one argument per argument that is not ignored, after the result
	// buffer's; it marks the narrow ones the caller extends.
	ir := c.irArgs
	if p.Result.Indirect {
		if len(ir) == 0 || !strings.Contains(ir[0], "sret") {
			return fmt.Sprintf("no sret argument in the IR call %q", ir)
		}
		ir = ir[1:]
	}
	for i, a := range p.Args {
		if a.Passing == abi.Ignored {
			continue
		}
		if len(ir) == 0 {
			return fmt.Sprintf("the IR call has too few arguments: %q", c.irArgs)
		}
		attr := ir[0]
		ir = ir[1:]
		if a.Passing != abi.InRegisters || (c.sig.IsVariadic() && i >= c.sig.Fixed) {
			// A byte or halfword stack slot cannot hold an extended value, and a
			// variadic narrow integer is promoted to int before the call.
			continue
		}
		if got := aplExtension(attr); got != a.Extend {
			return fmt.Sprintf("arg %d: clang marks %q, plan extends %v", i, attr, a.Extend)
		}
	}
	if len(ir) != 0 {
		return fmt.Sprintf("the IR call has more arguments than the plan: %q", c.irArgs)
	}
	if got := aplExtension(c.irRet); got != p.Result.Extend {
		return fmt.Sprintf("clang's result is %q, plan extends %v", c.irRet, p.Result.Extend)
	}
	return ""
}

func aplExtension(attrs string) abi.Extension {
	switch {
	case strings.Contains(attrs, "signext"):
		return abi.SignExtend32
	case strings.Contains(attrs, "zeroext"):
		return abi.ZeroExtend32
	}
	return abi.NoExtension
}

package jit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/jitffi/jitffi/abi"
)

// Plans reach the emitters from abi.Classify, but also from callers who build or edit
// them by hand. checkPlan is the one gate for both emitters: a plan passes only if the
// stub made from it reads nothing but its own frame slots, writes nothing outside its own
// stack frame, and loads only registers the plan's convention passes values in, each at
// most once, so that no plan can name a register the stub keeps for itself (the stack
// pointer, the frame and errno registers, the scratch registers).

// Value sizes the checks use.
const (
	dwordSize = 4
	qwordSize = 8
	eightbyte = 8
)

// MaxFrame bounds the system stack a plan may need for its stack arguments, copies and
// result, and the alignment it may ask of it: a stub's frame is allocated (and on Windows
// probed page by page) in straight-line code, so its size must stay modest. Package jitffi
// binds far less (MaxStackBytes).
const MaxFrame = 1 << 20

// An emitterRules says what one emitter can do with a plan.
type emitterRules struct {
	arch string
	// abis are the conventions its stubs call with, and may be entered with.
	abis []abi.ABI
	// stackSlotAlign is the alignment of every stack argument's offset and the unit its
	// size is rounded up to when written: amd64 writes whole eightbytes, arm64 exactly
	// the value (Apple packs narrow stack arguments).
	stackSlotAlign int
	// resultParts is the most result registers a stub stores.
	resultParts int
}

var (
	amd64Rules = emitterRules{arch: "amd64", abis: []abi.ABI{abi.SysV, abi.Win64}, stackSlotAlign: 8, resultParts: 2}
	arm64Rules = emitterRules{arch: "arm64", abis: []abi.ABI{abi.AAPCS64, abi.AppleARM64}, stackSlotAlign: 1, resultParts: 4}
)

// rulesFor returns the rules of the emitter for plans of ABI a, or nil.
func rulesFor(a abi.ABI) *emitterRules {
	for _, e := range []*emitterRules{&amd64Rules, &arm64Rules} {
		if e.serves(a) {
			return e
		}
	}
	return nil
}

// CheckPlan reports whether Assemble and Compile accept plan with opts: nil, or why not.
// Compile runs it on every request, cached or not, before anything else.
func CheckPlan(plan *abi.Plan, opts Options) error {
	if plan == nil {
		return fmt.Errorf("jit: no plan")
	}
	e := rulesFor(plan.ABI)
	if e == nil {
		return fmt.Errorf("jit: cannot assemble a stub for unknown ABI %v", plan.ABI)
	}
	return checkPlan(plan, opts, e)
}

func (e *emitterRules) serves(a abi.ABI) bool {
	for _, x := range e.abis {
		if x == a {
			return true
		}
	}
	return false
}

// checkOptions refuses options a stub cannot honour.
func checkOptions(plan *abi.Plan, opts Options, e *emitterRules) error {
	// Options grows with features the emitters may not have yet: refuse any field they
	// do not handle rather than compile a stub that silently ignores it.
	known := Options{Entry: opts.Entry, Errno: opts.Errno, ErrnoFunc: opts.ErrnoFunc, TopOfStack: opts.TopOfStack,
		Upcall: opts.Upcall, Door: opts.Door,
		GoStringArgs: opts.GoStringArgs, GoSliceArgs: opts.GoSliceArgs, GoStringResult: opts.GoStringResult,
		DerefArgs: opts.DerefArgs}
	if known != opts {
		return fmt.Errorf("jit: %s stubs do not support the options %+v yet", e.arch, opts)
	}
	if opts.Entry != 0 && !e.serves(opts.Entry) {
		return fmt.Errorf("jit: a stub for a %v plan cannot be entered with the %v convention", plan.ABI, opts.Entry)
	}
	if opts.Errno != NoErrno && opts.ErrnoFunc == 0 {
		return fmt.Errorf("jit: errno capture needs ErrnoFunc")
	}
	if opts.Errno > ErrnoValue {
		return fmt.Errorf("jit: unknown errno kind %d", opts.Errno)
	}
	if opts.Upcall {
		switch {
		case opts.Door == 0:
			return fmt.Errorf("jit: an upcall stub needs the callback door's address (Door)")
		case opts.Errno != NoErrno || opts.TopOfStack != 0:
			return fmt.Errorf("jit: upcall stubs neither read errno nor follow the goroutine stack")
		case plan.Sig != nil && plan.Sig.IsVariadic():
			return fmt.Errorf("jit: a variadic function cannot be an upcall: its callee cannot know the variadic arguments' types")
		}
	} else if opts.Door != 0 {
		return fmt.Errorf("jit: Door is only for upcall stubs")
	}
	return checkGoSlots(plan, opts)
}

// checkGoSlots checks that the arguments and result Options marks as Go string or slice
// headers are C pointers, and that no argument is marked twice.
func checkGoSlots(plan *abi.Plan, opts Options) error {
	if opts.GoStringArgs == 0 && opts.GoSliceArgs == 0 && !opts.GoStringResult && opts.DerefArgs == 0 {
		return nil
	}
	switch {
	case opts.Upcall:
		return fmt.Errorf("jit: upcall frames hold no Go string or slice headers or pointers to dereference")
	case plan.Sig == nil:
		return nil // the signature check reports it
	case opts.GoStringArgs&opts.GoSliceArgs != 0 || (opts.GoStringArgs|opts.GoSliceArgs)&opts.DerefArgs != 0:
		return fmt.Errorf("jit: an argument is marked as two of Go string, Go slice and pointer to dereference")
	case opts.GoStringResult && plan.Sig.Result != nil && plan.Sig.Result.Kind != abi.Pointer:
		return fmt.Errorf("jit: a Go string result needs a C pointer result, not %v", plan.Sig.Result)
	}
	for i := 0; i < 64; i++ {
		if (opts.GoStringArgs|opts.GoSliceArgs|opts.DerefArgs)&(1<<i) == 0 {
			continue
		}
		if i >= len(plan.Sig.Params) || i >= len(plan.Args) || plan.Sig.Params[i] == nil || plan.Sig.Params[i].Kind != abi.Pointer {
			return fmt.Errorf("jit: argument %d is marked a Go string, slice or pointer to dereference but is not a C pointer", i)
		}
		if plan.Args[i].Passing != abi.InRegisters && plan.Args[i].Passing != abi.OnStack {
			return fmt.Errorf("jit: argument %d is marked but passed %v", i, plan.Args[i].Passing)
		}
	}
	return nil
}

// checkPlan rejects plans and options the emitter described by e cannot honour, and plans
// whose areas are inconsistent or whose registers are not the convention's.
func checkPlan(plan *abi.Plan, opts Options, e *emitterRules) error {
	if plan == nil {
		return fmt.Errorf("jit: no plan")
	}
	if !e.serves(plan.ABI) {
		return fmt.Errorf("jit: the %s emitter cannot make a stub for a %v plan", e.arch, plan.ABI)
	}
	if err := checkOptions(plan, opts, e); err != nil {
		return err
	}
	regs := abi.RegistersOf(plan.ABI)
	if err := abi.CheckSignature(plan.Sig); err != nil {
		return fmt.Errorf("jit: plan's signature: %w", err)
	}
	p := plan
	if len(p.Args) != len(p.Sig.Params) {
		return fmt.Errorf("jit: plan has %d arguments for %d parameters", len(p.Args), len(p.Sig.Params))
	}
	if !areaOK(p.StackSize) || !areaOK(p.CopySize) || p.StackSize%e.stackSlotAlign != 0 || p.ShadowSize != regs.Shadow {
		return fmt.Errorf("jit: plan has a malformed stack area (stack %d, copies %d, shadow %d; %v reserves %d)",
			p.StackSize, p.CopySize, p.ShadowSize, p.ABI, regs.Shadow)
	}
	if n := int64(p.ShadowSize) + int64(p.StackSize) + int64(p.CopySize) + int64(p.Sig.Result.Size()); n > MaxFrame {
		return fmt.Errorf("jit: the plan needs %d bytes of system stack, more than %d", n, MaxFrame)
	}
	for _, align := range []int{p.StackAlign, p.CopyAlign} {
		if align < 0 || align > MaxFrame || align&(align-1) != 0 {
			return fmt.Errorf("jit: plan alignment %d is not a power of two up to %d", align, MaxFrame)
		}
	}
	if p.VectorCount < -1 || p.VectorCount > len(regs.FloatArgs) {
		return fmt.Errorf("jit: plan's vector register count %d is out of range", p.VectorCount)
	}
	c := regCheck{abi: p.ABI, regs: regs}
	r := &p.Result
	if r.Indirect {
		if r.HiddenReg != regs.IndirectResult {
			return fmt.Errorf("jit: indirect result: %v passes the result's address in %v, not %v", p.ABI, regs.IndirectResult, r.HiddenReg)
		}
		if r.ReturnedIn != abi.NoReg && r.ReturnedIn != regs.IndirectReturn {
			return fmt.Errorf("jit: indirect result: %v returns the result's address in %v, not %v", p.ABI, regs.IndirectReturn, r.ReturnedIn)
		}
		if len(r.Parts) > 0 {
			return fmt.Errorf("jit: an indirect result has no result registers")
		}
		if err := c.take(r.HiddenReg, resultAddressUser); err != nil {
			return fmt.Errorf("jit: %w", err)
		}
	}
	for i := range p.Args {
		if err := c.checkArg(p, i, e); err != nil {
			return fmt.Errorf("jit: argument %d: %w", i, err)
		}
	}
	if r.Type != nil && r.Type != p.Sig.Result {
		if err := abi.CheckType(r.Type); err != nil {
			return fmt.Errorf("jit: result: %w", err)
		}
		if r.Type.Size() != p.Sig.Result.Size() || r.Type.Align() != p.Sig.Result.Align() {
			return fmt.Errorf("jit: result type %v does not match the signature's %v", r.Type, p.Sig.Result)
		}
	}
	if len(r.Parts) > e.resultParts {
		return fmt.Errorf("jit: result in %d parts, more than the %d an %s stub stores", len(r.Parts), e.resultParts, e.arch)
	}
	results := regCheck{abi: p.ABI, regs: regs, results: true}
	for _, part := range r.Parts {
		if err := results.part(part, p.Sig.Result.Size(), regUser{arg: resultUser}); err != nil {
			return fmt.Errorf("jit: result: %w", err)
		}
	}
	return nil
}

// areaOK reports whether an area's size is one a frame offset can be computed from.
func areaOK(n int) bool { return n >= 0 && n <= abi.MaxTypeSize }

// within reports whether [off, off+n) lies in an area of the given size, without
// overflow whatever the values.
func within(off, n, area int) bool {
	return off >= 0 && n >= 0 && off <= area && n <= area-off
}

// A regCheck checks registers against a convention's tables, and each register for a
// second use.
type regCheck struct {
	abi     abi.ABI
	regs    *abi.Registers
	used    [maxRegsTaken]regTaken // the registers taken so far: used[:n]
	n       int
	results bool // checking result parts, not arguments
}

// maxRegsTaken bounds the registers one plan can take: each must be one of its
// convention's argument (or result) registers, used once, and no convention has 32. An
// array rather than a slice keeps a check's bookkeeping off the heap.
const maxRegsTaken = 32

// A regTaken records what took a register. It is formatted only for an error, so that a
// cold bind builds no message strings.
type regTaken struct {
	reg  abi.Reg
	what regUser
}

// A regUser says what a register carries: argument arg (or the result, for resultUser)
// in the role its suffix names.
type regUser struct {
	arg  int
	role string // "", "'s duplicate" or "'s copy address"
}

const resultUser = -1

var resultAddressUser = regUser{arg: -2}

func (u regUser) String() string {
	switch u.arg {
	case resultUser:
		return "the result" + u.role
	case resultAddressUser.arg:
		return "the result's address"
	}
	return "argument " + strconv.Itoa(u.arg) + u.role
}

// taken returns what took r, if anything did.
func (c *regCheck) taken(r abi.Reg) (regUser, bool) {
	for _, t := range c.used[:c.n] {
		if t.reg == r {
			return t.what, true
		}
	}
	return regUser{}, false
}

func (c *regCheck) use(r abi.Reg, what regUser) error {
	ok := c.regs.IsArg(r)
	if c.results {
		ok = c.regs.IsResult(r)
	}
	kind := "argument"
	if c.results {
		kind = "result"
	}
	switch {
	case !ok:
		return fmt.Errorf("%v in %v: not %s %v %s register", what, r, article(c.abi.String()), c.abi, kind)
	}
	if prev, ok := c.taken(r); ok {
		return fmt.Errorf("%v in %v, which already carries %v", what, r, prev)
	}
	return c.take(r, what)
}

// take records that what took r.
func (c *regCheck) take(r abi.Reg, what regUser) error {
	if c.n == len(c.used) {
		return fmt.Errorf("%v in %v: more than %d registers taken", what, r, len(c.used))
	}
	c.used[c.n] = regTaken{r, what}
	c.n++
	return nil
}

// article returns "an" before a word said with a vowel first, "a" otherwise.
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// part checks a register part of a value of the given size: it lies within the value,
// is a width the emitters move, and its registers are the convention's and unused.
func (c *regCheck) part(part abi.Part, size int, what regUser) error {
	if part.Offset < 0 || part.Size <= 0 || part.Size > eightbyte || !within(part.Offset, part.Size, size) {
		return fmt.Errorf("part [%d,+%d) does not fit a %d-byte value", part.Offset, part.Size, size)
	}
	if part.Reg.IsFloat() && part.Size != dwordSize && part.Size != qwordSize {
		return fmt.Errorf("%d-byte part in %v", part.Size, part.Reg)
	}
	if err := c.use(part.Reg, what); err != nil {
		return err
	}
	if part.Dup != abi.NoReg {
		if !c.regs.Duplicates {
			return fmt.Errorf("duplicate register %v: the convention has none", part.Dup)
		}
		if part.Dup.IsFloat() == part.Reg.IsFloat() {
			return fmt.Errorf("duplicate %v of %v is in the same register file", part.Dup, part.Reg)
		}
		dup := what
		dup.role = "'s duplicate"
		return c.use(part.Dup, dup)
	}
	return nil
}

// checkArg checks that argument i reads only its own frame slot, writes only its own part
// of the stack and copy areas, and uses only registers its convention passes arguments in.
func (c *regCheck) checkArg(p *abi.Plan, i int, e *emitterRules) error {
	arg, param := &p.Args[i], p.Sig.Params[i]
	passed := param.Size() // the size after promotion, which register parts describe
	if arg.Type != nil && arg.Type != param {
		if err := abi.CheckType(arg.Type); err != nil {
			return err
		}
		switch {
		case arg.Promoted && !promotionKnown(param.Kind, arg.Type.Kind):
			return fmt.Errorf("unsupported promotion from %v to %v", param.Kind, arg.Type.Kind)
		case !arg.Promoted && arg.Type.Size() != param.Size():
			return fmt.Errorf("passed as %v, of another size than the parameter's %v", arg.Type, param)
		}
		passed = arg.Type.Size()
	}
	what := regUser{arg: i}
	switch arg.Passing {
	case abi.InRegisters:
		for _, part := range arg.Parts {
			if err := c.part(part, passed, what); err != nil {
				return err
			}
		}
	case abi.OnStack:
		written := alignUp(arg.StackSize, e.stackSlotAlign)
		if arg.StackSize <= 0 || arg.StackOffset%e.stackSlotAlign != 0 || !within(arg.StackOffset, written, p.StackSize) {
			return fmt.Errorf("stack slot [%d,+%d) outside the %d-byte area", arg.StackOffset, arg.StackSize, p.StackSize)
		}
		if arg.Promoted && param.Kind == abi.Float32 && written < qwordSize {
			return fmt.Errorf("a promoted float needs 8 bytes of stack, not %d", arg.StackSize)
		}
	case abi.ByReference:
		if arg.CopyOffset%eightbyte != 0 || !within(arg.CopyOffset, alignUp(param.Size(), eightbyte), alignUp(p.CopySize, eightbyte)) {
			return fmt.Errorf("copy [%d,+%d) outside the %d-byte area", arg.CopyOffset, param.Size(), p.CopySize)
		}
		if arg.PointerReg == abi.NoReg {
			if !within(arg.StackOffset, qwordSize, p.StackSize) || arg.StackOffset%e.stackSlotAlign != 0 {
				return fmt.Errorf("pointer slot %d outside the %d-byte stack area", arg.StackOffset, p.StackSize)
			}
		} else if arg.PointerReg.IsFloat() {
			return fmt.Errorf("pointer to the copy in %v, not a general register", arg.PointerReg)
		} else if err := c.use(arg.PointerReg, regUser{arg: i, role: "'s copy address"}); err != nil {
			return err
		}
	case abi.Ignored:
	default:
		return fmt.Errorf("unknown passing %d", arg.Passing)
	}
	return nil
}

// promotionKnown reports whether the emitters implement C's default argument promotion
// from one kind to another: float to double, and narrow integers to int.
func promotionKnown(from, to abi.Kind) bool {
	return (from == abi.Float32 && to == abi.Float64) ||
		(from.IsInteger() && to.IsInteger() && from != abi.Int64 && from != abi.Uint64)
}

package fuzz

import (
	"fmt"
	"os/exec"
	"sort"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

// A Mode says how a target's cases are checked.
type Mode uint8

const (
	// Native: the fixtures are loaded and called in a worker process on this machine.
	Native Mode = iota
	// Emulated: as Native, but the worker is a cross-built binary run under an emulator
	// (qemu-aarch64), with fixtures from a cross compiler.
	Emulated
	// ClassifyOnly: nothing runs; abi.Classify's plan is compared with a compiler's own
	// lowering of each signature (Apple arm64).
	ClassifyOnly
)

// A Compiler builds a target's fixtures: a command and the flags that select the target.
type Compiler struct {
	Name  string   // "gcc" or "clang", as reported
	Cmd   []string // the command, e.g. {"aarch64-linux-gnu-gcc"}; nil is the host C compiler (go env CC)
	Flags []string // added after ctest.DefaultFlags, e.g. {"--target=aarch64-linux-gnu"}
}

// A Target is one calling convention the fuzzer checks, and everything needed to check it.
type Target struct {
	Name    string // the -abi name: sysv, win64, aapcs64, apple-arm64
	ABI     abi.ABI
	Mode    Mode
	Profile Profile
	// MSABI declares the fixtures' callees __attribute__((ms_abi)).
	MSABI bool
	// Reference builds the fixtures jitffi must agree with; Second, when available, builds
	// them again to tell compiler disagreements from jitffi bugs.
	Reference Compiler
	Second    *Compiler
	// Available returns nil when the target can be checked on this machine, or why not.
	Available func() error
	// BindOptions are the jitffi options that select the target's convention when a
	// worker binds a case (none for the host's own).
	BindOptions []jitffi.Option
	// BindSource is BindOptions as Go source, for reproductions ("jitffi.WithABI(abi.Win64)").
	BindSource string
	// Exec prefixes the command line of a program built for the target: the emulator
	// of an Emulated target ({"qemu-aarch64", "-L", sysroot}), nil for a native one.
	Exec []string
	// Worker, for an Emulated target, returns the command that runs a worker: the
	// cross-built fuzzer under the emulator. Nil means this program itself.
	Worker func(dir string) (*WorkerCmd, error)
}

var targets = map[string]*Target{}

// Register adds a target; each ABI's file registers its own in an init function.
func Register(t *Target) {
	if _, dup := targets[t.Name]; dup {
		panic("fuzz: target " + t.Name + " registered twice")
	}
	targets[t.Name] = t
}

// Lookup returns the target with the given -abi name.
func Lookup(name string) (*Target, error) {
	t, ok := targets[name]
	if !ok {
		return nil, fmt.Errorf("fuzz: unknown ABI %q (known: %v)", name, Names())
	}
	return t, nil
}

// Names returns the registered targets' names in order.
func Names() []string {
	var ns []string
	for n := range targets {
		ns = append(ns, n)
	}
	sort.Slice(ns, func(i, j int) bool { return targets[ns[i]].ABI < targets[ns[j]].ABI })
	return ns
}

// classifierMissing returns an error when package abi has no classifier for a yet.
func classifierMissing(a abi.ABI) error {
	_, err := abi.Classify(&abi.Signature{Result: abi.Scalar(abi.Void), Fixed: -1}, a)
	if err != nil {
		return fmt.Errorf("abi.Classify: %w", err)
	}
	return nil
}

// haveCommand returns an error when the command name is not installed.
func haveCommand(name string) error {
	if _, err := exec.LookPath(name); err != nil {
		return fmt.Errorf("%s is not installed", name)
	}
	return nil
}

// secondCompiler returns clang as the second opinion when it is installed.
func secondCompiler(flags ...string) *Compiler {
	if haveCommand("clang") != nil {
		return nil
	}
	return &Compiler{Name: "clang", Cmd: []string{"clang"}, Flags: flags}
}

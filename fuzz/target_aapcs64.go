package fuzz

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/jitffi/jitffi/abi"
)

// AAPCS64 runs under qemu user mode on an amd64 host (TESTING.md, on arm64 under qemu):
// the fixtures come from aarch64-linux-gnu-gcc (and clang --target=aarch64-linux-gnu),
// and the worker is this command cross-built for linux/arm64, run by qemu-aarch64. On a
// real arm64 Linux host it runs natively instead.
const (
	a64Sysroot = "/usr/aarch64-linux-gnu"
	a64CC      = "aarch64-linux-gnu-gcc"
)

func init() {
	native := runtime.GOARCH == "arm64" && runtime.GOOS == "linux"
	t := &Target{
		Name:      "aapcs64",
		ABI:       abi.AAPCS64,
		Mode:      Emulated,
		Profile:   ProfileOf(abi.AAPCS64),
		Reference: Compiler{Name: "gcc", Cmd: []string{a64CC}},
		Second:    secondCompiler("--target=aarch64-linux-gnu"),
		Worker:    a64Worker,
		Exec:      []string{"qemu-aarch64", "-L", a64Sysroot},
	}
	if native {
		t.Mode, t.Reference.Cmd, t.Worker, t.Exec = Native, nil, nil, nil
		t.Second = secondCompiler()
	}
	t.Available = func() error {
		if err := classifierMissing(abi.AAPCS64); err != nil {
			return err
		}
		if native {
			return nativeAvailable()
		}
		if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
			return errors.New("AAPCS64 runs natively on linux/arm64 or under qemu on linux/amd64")
		}
		for _, c := range []string{"qemu-aarch64", a64CC} {
			if err := haveCommand(c); err != nil {
				return fmt.Errorf("%v (apt-get install qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross)", err)
			}
		}
		// The cross-build of the worker can still fail; Worker reports that.
		return nil
	}
	Register(t)
}

var a64Build struct {
	sync.Mutex
	bin string
	err error
}

// a64Worker cross-builds the fuzzer command for linux/arm64 (once per process) and
// returns the command that runs it under qemu. The build needs the module's source, so
// it works from inside the jitffi checkout.
func a64Worker(dir string) (*WorkerCmd, error) {
	a64Build.Lock()
	defer a64Build.Unlock()
	if a64Build.bin == "" && a64Build.err == nil {
		a64Build.bin, a64Build.err = crossBuild(dir)
	}
	if a64Build.err != nil {
		return nil, a64Build.err
	}
	return &WorkerCmd{Path: "qemu-aarch64", Args: []string{"-L", a64Sysroot, a64Build.bin}}, nil
}

func crossBuild(dir string) (string, error) {
	mod := moduleDir()
	if mod == "" {
		return "", errors.New("cannot find the jitffi module to cross-build the arm64 worker")
	}
	bin := filepath.Join(dir, fmt.Sprintf("jitffi-fuzz-arm64-%d", os.Getpid()))
	cmd := exec.Command("go", "build", "-o", bin, "./fuzz/cmd/jitffi-fuzz")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "CC="+a64CC, "GOOS=linux", "GOARCH=arm64")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("cross-building the arm64 worker: %v\n%s", err, tail(string(out), 10))
	}
	return bin, nil
}

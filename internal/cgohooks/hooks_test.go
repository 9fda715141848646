//go:build !cgo && linux && (amd64 || arm64) && !jitffi_nocgohooks

package cgohooks_test

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/jitffi/jitffi/internal/cgohooks"
	"github.com/jitffi/jitffi/internal/ctest"
)

// TestCheck pins, on every Go version CI runs, what the hooks rely on in the runtime: a g
// starts with its stack bounds, _cgo_thread_start's record holds runtime.mstart where
// runtime/cgo's ThreadStart has fn, _cgo_init found the main thread's stack, and the
// pthread key for C-created threads exists.
func TestCheck(t *testing.T) {
	if !cgohooks.Own {
		t.Fatal("the package does not install the hooks in this build")
	}
	if err := cgohooks.Check(); err != nil {
		t.Fatal(err)
	}
	if !cgohooks.KeyCreated() {
		t.Fatal("no pthread key for C-created threads")
	}
}

// TestThreadsStartThroughTheHook locks goroutines to threads until the runtime must start
// new ones, and checks that every one of them was started by the hook (through
// pthread_create), and that threads which end (a locked goroutine that returns) leave the
// runtime working.
func TestThreadsStartThroughTheHook(t *testing.T) {
	before := cgohooks.ThreadsStarted()
	const n = 64
	var ready, done sync.WaitGroup
	release := make(chan struct{})
	for i := 0; i < n; i++ {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
			ready.Done()
			<-release
		}()
	}
	ready.Wait()
	// n goroutines hold n threads at once; the runtime had far fewer before.
	if started := cgohooks.ThreadsStarted() - before; started < n/2 {
		t.Fatalf("%d goroutines locked to threads at once, but the hook started only %d threads", n, started)
	}
	close(release)
	done.Wait()
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); runtime.Gosched() }()
	}
	wg.Wait()
}

// TestCredentialHooks calls the syscall package's credential functions, which go through
// the C library when the runtime has cgo hooks (a raw system call would change only one
// thread; the runtime's all-threads fallback panics when iscgo is set). Changing to the
// current ids changes nothing; a group list longer than NGROUPS_MAX fails with errno
// EINVAL, which the hook must hand back.
func TestCredentialHooks(t *testing.T) {
	uid, gid := os.Getuid(), os.Getgid()
	for name, call := range map[string]func() error{
		"Setgid":    func() error { return syscall.Setgid(gid) },
		"Setegid":   func() error { return syscall.Setegid(gid) },
		"Setregid":  func() error { return syscall.Setregid(-1, -1) },
		"Setresgid": func() error { return syscall.Setresgid(-1, -1, -1) },
		"Setuid":    func() error { return syscall.Setuid(uid) },
		"Seteuid":   func() error { return syscall.Seteuid(uid) },
		"Setreuid":  func() error { return syscall.Setreuid(-1, -1) },
		"Setresuid": func() error { return syscall.Setresuid(-1, -1, -1) },
	} {
		if err := call(); err != nil {
			t.Errorf("%s to the current ids: %v", name, err)
		}
	}
	if err := syscall.Setgroups(make([]int, 1<<17)); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("Setgroups with 2^17 groups = %v, want EINVAL", err)
	}
}

// TestSetenv checks the environment hooks from Go's side: os.Setenv and os.Unsetenv go
// through them (the root package's tests read the result back with C's getenv).
func TestSetenv(t *testing.T) {
	t.Setenv("JITFFI_CGOHOOKS_TEST", "1")
	if os.Getenv("JITFFI_CGOHOOKS_TEST") != "1" {
		t.Fatal("os.Setenv did not set the variable")
	}
	os.Unsetenv("JITFFI_CGOHOOKS_TEST")
	if _, ok := os.LookupEnv("JITFFI_CGOHOOKS_TEST"); ok {
		t.Fatal("os.Unsetenv did not remove the variable")
	}
}

// TestCConstants compares the C library's values the hooks are written for with what the
// C compiler (go env CC) says, on the target: CI runs it natively and under qemu.
func TestCConstants(t *testing.T) {
	const src = `
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
int main(void) {
	printf("sizeof(pthread_attr_t) %zu\n", sizeof(pthread_attr_t));
	printf("sizeof(sigset_t) %zu\n", sizeof(sigset_t));
	printf("SIG_SETMASK %d\n", SIG_SETMASK);
	printf("PTHREAD_CREATE_DETACHED %d\n", PTHREAD_CREATE_DETACHED);
	printf("EAGAIN %d\n", EAGAIN);
	return 0;
}
`
	prog, err := ctest.CompileProgram(nil, t.TempDir(), src, nil, "-pthread")
	if err != nil {
		t.Fatalf("compiling with %v: %v", ctest.Compiler(), err)
	}
	out, err := ctest.Command(prog).Output()
	if err != nil {
		t.Fatalf("running %s: %v", prog, err)
	}
	got := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		v, err := strconv.Atoi(value)
		if !ok || err != nil {
			t.Fatalf("bad line %q", sc.Text())
		}
		got[name] = v
	}
	for name, want := range cgohooks.CConstants {
		if got[name] != want {
			t.Errorf("C says %s = %d, the hooks use %d", name, got[name], want)
		}
	}
	if size := got["sizeof(pthread_attr_t)"]; size == 0 || size > cgohooks.AttrBytes {
		t.Errorf("C says sizeof(pthread_attr_t) = %d, the hooks give it %d bytes", size, cgohooks.AttrBytes)
	}
}

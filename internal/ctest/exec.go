package ctest

import (
	"os"
	"os/exec"
	"strings"
)

// ExecEnv names the environment variable that holds the command to run target programs
// through when the target is emulated, such as "qemu-aarch64 -L /usr/aarch64-linux-gnu".
// A test binary running under qemu-user cannot start another target binary itself: qemu
// does not follow execve, and the kernel runs a foreign binary only where binfmt_misc
// has been set up for it. .ci/steps/arm64-qemu.sh sets it.
const ExecEnv = "JITFFI_TEST_EXEC"

// Command returns the command that runs name, a program built for the target (a compiled
// C fixture, or the test binary itself), with args: through the emulator in $JITFFI_TEST_EXEC
// when it is set, directly otherwise.
func Command(name string, args ...string) *exec.Cmd {
	argv := append(strings.Fields(os.Getenv(ExecEnv)), name)
	argv = append(argv, args...)
	return exec.Command(argv[0], argv[1:]...)
}

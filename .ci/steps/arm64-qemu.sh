#!/usr/bin/env bash
# linux/arm64 under qemu user mode: vets the arm64 build and runs the whole test suite as
# arm64 binaries (AAPCS64 stubs, the arm64 assembly doors, the gcc oracle cases, the sp and
# frame-record fixture). qemu runs JIT'd code but does not need the instruction-cache
# flush real cores need; the jit package tests that routine and its use directly.
# Installs what it needs on a fresh machine. Takes about a minute when the build cache is
# cold, well under the step budget of 8 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"

sysroot=/usr/aarch64-linux-gnu
need=()
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
[ -e "$sysroot/lib/crt1.o" ] || need+=(libc6-dev-arm64-cross)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing ${need[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
qemu-aarch64 --version | head -n 1
aarch64-linux-gnu-gcc --version | head -n 1

start=$SECONDS
# Once without cgo (the default when cross-compiling) and once with the cross compiler, so
# that the cgo-only arm64 files are vetted too.
GOARCH=arm64 go vet ./...
CGO_ENABLED=1 CC=aarch64-linux-gnu-gcc GOARCH=arm64 go vet ./...

# -L serves the arm64 libc.so.6 and libm.so.6 the root tests open. Tests that start a
# target program themselves (C fixtures' callers, a re-executed test binary) go through
# the same emulator via JITFFI_TEST_EXEC, since qemu-user does not follow execve.
qemu="qemu-aarch64 -L $sysroot"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! JITFFI_TEST_EXEC="$qemu" CGO_ENABLED=1 CC=aarch64-linux-gnu-gcc GOARCH=arm64 \
	go test -short -count=1 -v -exec "$qemu" ./... >"$log" 2>&1; then
	grep -E -v -- '^(=== (RUN|PAUSE|CONT|NAME)|\s*--- PASS)' "$log" | tail -n 200
	exit 1
fi
grep -E '^(ok|FAIL|\?) ' "$log"
echo "$(grep -c -- '--- PASS' "$log") passed, $(grep -c -- '--- SKIP' "$log") skipped (amd64-only or opt-in tests)"

# The tests that only mean something on arm64 must have run, not skipped.
for t in TestAAPCS64AgainstGCC TestStubMachineState TestSysVAgainstGCC TestAAPCS64UpcallsAgainstGCC \
	TestUpcallsAgainstGCC TestUpcallPreservesRegisters TestFlushCacheRuns \
	TestFlushCacheInstructions TestCacheLineSizes TestAllocCodeFlushesEveryBatch TestHeaderOffsetsMatchGoAsmH; do
	grep -q -- "^--- PASS: $t " "$log" || { echo "$t did not run and pass"; exit 1; }
done
# The package's testable examples (example_test.go) run as tests: all eight must pass.
examples=$(grep -c -- '^--- PASS: Example' "$log" || true)
if [ "$examples" -lt 8 ]; then
	echo "only $examples of the 8 testable examples ran and passed"
	exit 1
fi
echo "arm64 under qemu: $((SECONDS - start)) s"

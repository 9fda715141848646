#!/usr/bin/env bash
# AAPCS64 and Apple arm64 classifiers against the compilers: every golden case and a few
# hundred random signatures are compiled into callers by aarch64-linux-gnu-gcc and run
# under qemu-aarch64 against a probe that records x0-x8, v0-v7 and the stack (Linux), and
# compiled by clang for arm64-apple-macos11, whose calls and definitions llc lists (Apple,
# no execution). The arm64 emitter's own step is arm64-qemu.sh.
#
# Run from .ci/run, or alone: bash .ci/steps/aapcs64-abi.sh (about 10 s, plus the installs
# on a fresh machine). More random cases: add -aapcs64.random=N -apple.random=N, and
# -aapcs64.seed/-apple.seed to explore.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"

need=()
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
[ -e /usr/aarch64-linux-gnu/lib/crt1.o ] || need+=(libc6-dev-arm64-cross)
command -v clang >/dev/null || need+=(clang)
command -v llc >/dev/null || need+=(llvm)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing ${need[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
aarch64-linux-gnu-gcc --version | head -n 1
clang --version | head -n 1

# -v so that the log shows how many signatures each oracle checked; a skipped oracle
# (a tool missing after all) fails the step rather than passing silently.
out=$(go test ./abi -run 'AAPCS64|Apple' -gcc -count=1 -v 2>&1) || { echo "$out"; exit 1; }
echo "$out" | grep -E 'signatures checked|^(ok|FAIL)'
if echo "$out" | grep -E -- '--- SKIP: Test(AAPCS64Golden/gcc|AAPCS64AgainstGCC|AppleGolden/clang|AppleAgainstClang)'; then
	echo "a compiler oracle was skipped"
	exit 1
fi

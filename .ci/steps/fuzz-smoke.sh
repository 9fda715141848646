#!/usr/bin/env bash
# Differential fuzzer smoke: 2000 generated signatures per ABI, each checked both ways,
# against gcc and, as a second opinion, clang (installed here if missing): Go calling C
# (downcalls) and C calling Go callbacks (upcalls; the variadic fifth of the signatures has
# none). SysV and Win64 run natively, AAPCS64 under qemu, Apple arm64 is a plan check.
# The run fails on a mismatch, and (-min) unless every ABI ran and checked at least 1000
# signatures in each direction, so an upcall part that did not run fails the step.
# The seed changes daily so that CI keeps exploring; every failure prints its case ID,
# and JITFFI_FUZZ_SEED=<seed> bash .ci/steps/fuzz-smoke.sh repeats a run exactly.
#
# Run from .ci/run, or alone: bash .ci/steps/fuzz-smoke.sh (SMOKE_TIME, plus the clang and
# qemu installs on a fresh machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"

need=()
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v clang >/dev/null || need+=(clang)
# llc reads clang's lowering for the Apple arm64 classification check.
command -v llc >/dev/null || need+=(llvm)
# AAPCS64 runs under qemu with fixtures from the cross gcc.
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
[ -e /usr/aarch64-linux-gnu/lib/crt1.o ] || need+=(libc6-dev-arm64-cross)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing ${need[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

seed="${JITFFI_FUZZ_SEED:-$(date -u +%Y%m%d)}"
go build -o "${TMPDIR:-/tmp}/jitffi-fuzz" ./fuzz/cmd/jitffi-fuzz
time "${TMPDIR:-/tmp}/jitffi-fuzz" -n 2000 -batch 500 -seed "$seed" -abi all -dir both -min 1000

#!/usr/bin/env bash
# CGO_ENABLED=0 on linux/arm64 under qemu user mode. On the newest Go: the whole suite as
# arm64 binaries built without cgo (the C fixtures still come from aarch64-linux-gnu-gcc),
# with no skip that the cgo build does not have too, the threads-and-signals tests three
# times, and the program that imports both jitffi and purego. On go.mod's oldest Go and the
# machine's own (internal/cgohooks' arm64 assembly rests on runtime internals of each):
# vet, build, and the hooks' runtime check with the threads-and-signals tests once.
# Installs what it needs on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"
export CGO_ENABLED=0 GOARCH=arm64 CC=aarch64-linux-gnu-gcc

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
go version
qemu-aarch64 --version | head -n 1

start=$SECONDS
qemu="qemu-aarch64 -L $sysroot"
export JITFFI_TEST_EXEC="$qemu"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
threads='TestCallbackFromCThread|TestCallbacksFromManyCThreads|TestCLibraryStartsAndJoinsThreads|TestErrnoIsPerThread|TestSetenvReachesC|TestLockedThreadsExit|TestCThreadsReturnTheirM|TestGOMAXPROCSChangesDuringCalls|TestCPUProfileDuringCalls|TestSignalDeliveryDuringCalls|TestThreadsStartThroughTheHook|TestCredentialHooks'

for v in "${JITFFI_GO_OLDEST:-go1.24.0}" local; do
	echo "== $(GOTOOLCHAIN=$v go version), arm64, CGO_ENABLED=0"
	GOTOOLCHAIN=$v go vet ./...
	GOTOOLCHAIN=$v go build -o "$tmp/bin-$v/" ./...
	GOTOOLCHAIN=$v go test -count=1 -v -exec "$qemu" -run "^(TestCheck|$threads)\$" . ./internal/cgohooks >"$tmp/threads-$v.log" 2>&1 ||
		{ grep -E -v -- '^(=== (RUN|PAUSE|CONT|NAME)|\s*--- PASS)' "$tmp/threads-$v.log" | tail -n 100; exit 1; }
	for t in TestCheck ${threads//|/ }; do
		grep -q -- "^--- PASS: $t " "$tmp/threads-$v.log" || { echo "$t did not run and pass"; exit 1; }
	done
	echo "TestCheck and the threads-and-signals tests passed ($((SECONDS - start)) s so far)"
done

echo "== $(go version), arm64, CGO_ENABLED=0: the whole suite"
go vet ./...
log="$tmp/test.log"
if ! go test -count=1 -v -exec "$qemu" ./... >"$log" 2>&1; then
	grep -E -v -- '^(=== (RUN|PAUSE|CONT|NAME)|\s*--- PASS)' "$log" | tail -n 200
	exit 1
fi
grep -E '^(ok|FAIL|\?) ' "$log"
# Nothing may skip without cgo that does not skip with cgo.
source .ci/steps/lib/nocgo-skips.sh
check_nocgo_skips "$log" -exec "$qemu"
for t in TestCheck TestCConstants TestDlopenFlags TestAAPCS64AgainstGCC TestCallbackFromCThread TestCThreadsReturnTheirM TestStackMovesDuringCall; do
	grep -q -- "^--- PASS: $t " "$log" || { echo "$t did not run and pass"; exit 1; }
done
echo "$(grep -c -- '--- PASS' "$log") passed, $(grep -c -- '--- SKIP' "$log") skipped (each skips with cgo too)"

go test -count=3 -exec "$qemu" -run "^($threads)\$" . ./internal/cgohooks

(cd examples/withpurego && go build -tags jitffi_nocgohooks -o "$tmp/withpurego" .)
$qemu "$tmp/withpurego"
echo "arm64 without cgo under qemu: $((SECONDS - start)) s"

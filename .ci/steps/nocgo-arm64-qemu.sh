#!/usr/bin/env bash
# CGO_ENABLED=0 on linux/arm64 under qemu user mode, on the newest Go: the whole suite as
# arm64 binaries built without cgo (the C fixtures still come from aarch64-linux-gnu-gcc),
# with no skip but the one test that needs cgo itself, the threads-and-signals tests three
# times, and the program that imports both jitffi and purego. Installs what it needs on a
# fresh machine.
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
go vet ./...
log="$tmp/test.log"
if ! go test -count=1 -v -exec "$qemu" ./... >"$log" 2>&1; then
	grep -E -v -- '^(=== (RUN|PAUSE|CONT|NAME)|\s*--- PASS)' "$log" | tail -n 200
	exit 1
fi
grep -E '^(ok|FAIL|\?) ' "$log"
# Nothing may skip without cgo that does not skip with cgo, but TestStackMovesDuringCall.
source .ci/steps/lib/nocgo-skips.sh
check_nocgo_skips "$log" -exec "$qemu"
for t in TestCheck TestCConstants TestDlopenFlags TestAAPCS64AgainstGCC TestCallbackFromCThread TestCThreadsReturnTheirM; do
	grep -q -- "^--- PASS: $t " "$log" || { echo "$t did not run and pass"; exit 1; }
done
echo "$(grep -c -- '--- PASS' "$log") passed, $(grep -c -- '--- SKIP' "$log") skipped (each skips with cgo too, but TestStackMovesDuringCall)"

threads='TestCallbackFromCThread|TestCallbacksFromManyCThreads|TestCLibraryStartsAndJoinsThreads|TestErrnoIsPerThread|TestSetenvReachesC|TestLockedThreadsExit|TestCThreadsReturnTheirM|TestGOMAXPROCSChangesDuringCalls|TestCPUProfileDuringCalls|TestSignalDeliveryDuringCalls|TestThreadsStartThroughTheHook|TestCredentialHooks'
go test -count=3 -exec "$qemu" -run "^($threads)\$" . ./internal/cgohooks

(cd examples/withpurego && go build -tags jitffi_nocgohooks -o "$tmp/withpurego" .)
$qemu "$tmp/withpurego"
echo "arm64 without cgo under qemu: $((SECONDS - start)) s"

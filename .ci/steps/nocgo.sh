#!/usr/bin/env bash
# CGO_ENABLED=0 on linux/amd64, on every Go version CI proves (go.mod's 1.24, the machine's
# 1.26, the newest 1.27): the runtime's cgo hooks of internal/cgohooks rest on runtime
# internals, so each version links and runs the whole suite without cgo (only the Go side;
# the tests still build their C fixtures with gcc), with no skip that the cgo build does not
# have too, and the threads-and-signals tests three times. Then the README's
# quickstart is built with no C compiler at hand (CC=false) and checked to have no cgo,
# and the program that imports both jitffi and purego is built with -tags
# jitffi_nocgohooks and run, and without the tag must fail to link, naming the clash (on
# each Go version: purego v0.11 on 1.26 and 1.27, v0.10 on 1.24).
# arm64 runs in nocgo-arm64-qemu.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"
export CGO_ENABLED=0

oldest=${JITFFI_GO_OLDEST:-go1.24.0}
newest=${JITFFI_GO_NEWEST:-go1.27.3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Nothing may skip without cgo that does not skip with cgo (lib/nocgo-skips.sh). The race
# detector needs cgo, so CI runs it in the cgo build only.
source .ci/steps/lib/nocgo-skips.sh
threads='TestCallbackFromCThread|TestCallbacksFromManyCThreads|TestCLibraryStartsAndJoinsThreads|TestErrnoIsPerThread|TestSetenvReachesC|TestLockedThreadsExit|TestCThreadsReturnTheirM|TestGOMAXPROCSChangesDuringCalls|TestCPUProfileDuringCalls|TestSignalDeliveryDuringCalls|TestThreadsStartThroughTheHook|TestCredentialHooks'

for v in "$oldest" local "$newest"; do
	export GOTOOLCHAIN=$v
	echo "== $(go version), CGO_ENABLED=0"
	go build -o "$tmp/bin/" ./...
	go vet ./...
	log="$tmp/test-$v.log"
	if ! go test -count=1 -v ./... >"$log" 2>&1; then
		grep -E -v -- '^(=== (RUN|PAUSE|CONT|NAME)|\s*--- PASS)' "$log" | tail -n 200
		exit 1
	fi
	grep -E '^(ok|FAIL|\?) ' "$log"
	check_nocgo_skips "$log"
	for p in TestCheck TestCConstants TestDlopenFlags TestDlerrorIsReadOnTheFailingThread TestCThreadsReturnTheirM TestStackMovesDuringCall; do
		grep -q -- "--- PASS: $p " "$log" || { echo "$p did not run and pass"; exit 1; }
	done
	echo "$(grep -c -- '--- PASS' "$log") passed, $(grep -c -- '--- SKIP' "$log") skipped (each skips with cgo too)"
	go test -count=3 -run "^($threads)\$" . ./internal/cgohooks
	# -tags jitffi_nocgohooks with no other package's hooks links, and refuses clearly.
	go test -count=1 -tags jitffi_nocgohooks -run NoCgo . ./loader
done

export GOTOOLCHAIN=$newest
echo "== the README's quickstart with CGO_ENABLED=0 and no C compiler (CC=false), $(go version)"
for arch in amd64 arm64; do
	CC=false GOARCH=$arch go build -o "$tmp/quickstart-$arch" ./examples/quickstart
	go version -m "$tmp/quickstart-$arch" | grep -q -E '^\s+build\s+CGO_ENABLED=0$' ||
		{ echo "quickstart ($arch) was built with cgo:"; go version -m "$tmp/quickstart-$arch"; exit 1; }
done
"$tmp/quickstart-amd64" >"$tmp/quickstart.out"
grep -q '^cos(1) = 0.5403023058681398$' "$tmp/quickstart.out" || { cat "$tmp/quickstart.out"; exit 1; }
if command -v qemu-aarch64 >/dev/null && [ -e /usr/aarch64-linux-gnu/lib/libc.so.6 ]; then
	qemu-aarch64 -L /usr/aarch64-linux-gnu "$tmp/quickstart-arm64" | diff "$tmp/quickstart.out" -
	echo "quickstart: no cgo, no C compiler; same output as amd64 and as arm64 under qemu"
else
	echo "quickstart: no cgo, no C compiler (the arm64 binary runs in nocgo-arm64-qemu.sh's environment)"
fi

echo "== jitffi and purego in one CGO_ENABLED=0 program (examples/withpurego)"
# withpurego DIR: vet, build and run the program in DIR with the tag, and check that it
# fails to link without it, naming the clash.
withpurego() {
	(
		cd "$1"
		go vet -tags jitffi_nocgohooks .
		go build -tags jitffi_nocgohooks -o "$tmp/withpurego" .
		"$tmp/withpurego"
		if go build -o "$tmp/withpurego-clash" . 2>"$tmp/clash.log"; then
			echo "without -tags jitffi_nocgohooks the program linked: two copies of the cgo hooks"; exit 1
		fi
		grep -q 'duplicated definition of symbol runtime.iscgo' "$tmp/clash.log" || { cat "$tmp/clash.log"; exit 1; }
		echo "$(go version), purego $(go list -m -f '{{.Version}}' github.com/ebitengine/purego): with the tag it runs; without, the link fails naming runtime.iscgo"
	)
}
# The checked-in module's purego v0.11 needs Go 1.25: the machine's Go and the newest.
for v in local "$newest"; do
	GOTOOLCHAIN=$v withpurego examples/withpurego
done
# On go.mod's Go 1.24, the newest purego that supports it, v0.10.2, in a copy of the
# program whose go.mod says so (the checked-in go.mod stays on v0.11).
root=$PWD
mkdir "$tmp/withpurego-go124"
cp examples/withpurego/main.go examples/withpurego/go.mod examples/withpurego/go.sum "$tmp/withpurego-go124/"
(
	cd "$tmp/withpurego-go124"
	export GOTOOLCHAIN=$oldest
	go mod edit -go=1.24.0 -replace "github.com/jitffi/jitffi=$root" -require github.com/ebitengine/purego@v0.10.2
	go mod tidy
)
GOTOOLCHAIN=$oldest withpurego "$tmp/withpurego-go124"

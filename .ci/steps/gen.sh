#!/usr/bin/env bash
# jitffi-gen (gen/, a Go module of its own): regenerates the example packages from the
# headers of Debian's zlib1g-dev, libsqlite3-dev and libvulkan-dev for linux/amd64,
# linux/arm64 and windows/amd64 (each read by that target's compiler) and fails if the
# checked-in output differs; runs the generator's tests and the examples' tests (zlib,
# sqlite3, Vulkan on lavapipe) natively; then runs the generated layout tests as arm64
# code under qemu and as Windows code under wine, against the layout programs built by
# the cross compilers and run under the same emulators. The generator's own tests also run
# on go.mod's Go (JITFFI_GO_OLDEST) and on the machine's (/usr/local/go).
#
# Run from .ci/run, or alone: bash .ci/steps/gen.sh (about 2-3 minutes with a cold cache).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"
repo=$PWD

need=()
command -v gcc >/dev/null || need+=(gcc libc6-dev)
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
[ -e /usr/include/sqlite3.h ] || need+=(libsqlite3-dev)
[ -e /usr/include/vulkan/vulkan_core.h ] || need+=(libvulkan-dev)
compgen -G "/usr/share/vulkan/icd.d/lvp_icd.*.json" >/dev/null || need+=(mesa-vulkan-drivers)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
[ -e /usr/aarch64-linux-gnu/lib/crt1.o ] || need+=(libc6-dev-arm64-cross)
[ -x /usr/lib/wine/wine64 ] || need+=(wine64)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing ${need[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
go version
start=$SECONDS

cd gen
echo "--- go vet (linux/amd64, linux/arm64, windows/amd64)"
go vet ./...
GOARCH=arm64 go vet ./...
GOOS=windows go vet ./...

for v in "${JITFFI_GO_OLDEST:-go1.24.0}" local; do
	echo "--- go vet, and the generator's short tests, on $(GOTOOLCHAIN=$v go env GOVERSION)"
	GOTOOLCHAIN=$v go vet ./...
	GOTOOLCHAIN=$v go test -count=1 -short ./bindgen ./cmd/...
done

echo "--- regenerate the examples; the checked-in files must not change"
go generate ./examples/...
if ! git diff --exit-code --stat -- . || [ -n "$(git status --porcelain -- examples)" ]; then
	git status --porcelain -- examples
	echo "the generated examples differ from the checked-in ones: run go generate ./examples/... in gen/ and commit"
	exit 1
fi

echo "--- tests (generator, and the examples against the real libraries)"
log=$(mktemp)
lay=$(mktemp -d)
trap 'rm -rf "$log" "$lay"' EXIT
if ! go test -count=1 -v ./... >"$log" 2>&1; then
	cat "$log"
	exit 1
fi
grep -E '^(ok|FAIL|---)|agree with C' "$log"
if grep -q -- '--- SKIP' "$log"; then
	echo "a test was skipped (a library or tool missing):"
	grep -A2 -- '--- SKIP' "$log"
	exit 1
fi

# The layout programs of one target, built by its compiler and run under its emulator;
# the generated tests then read their output (JITFFI_GEN_LAYOUT_DIR).
layouts() { # goos cc run...
	local goos=$1 cc=$2
	shift 2
	mkdir -p "$lay/$goos"
	for pkg in zlib sqlite3 vulkan; do
		src=examples/$pkg/testdata/layout_$goos.c
		[ -e "$src" ] || src=examples/$pkg/testdata/layout.c
		"$cc" -std=gnu11 -idirafter /usr/include -o "$lay/$goos/$pkg.exe" "$src"
		"$@" "$lay/$goos/$pkg.exe" >"$lay/$goos/$pkg.txt"
	done
}
check() { # what log
	grep -a -E '^(ok|FAIL|---)|agree with C' "$2"
	n=$(grep -a -c -- '--- PASS: TestLayoutMatchesC' "$2" || true)
	if [ "$n" -ne 3 ]; then
		echo "$1: $n of 3 layout tests passed"
		exit 1
	fi
}

echo "--- linux/arm64 under qemu: the generated layout tests"
qemu="qemu-aarch64 -L /usr/aarch64-linux-gnu"
layouts linux aarch64-linux-gnu-gcc $qemu
JITFFI_GEN_LAYOUT_DIR="$lay/linux" CGO_ENABLED=1 CC=aarch64-linux-gnu-gcc GOARCH=arm64 \
	go test -count=1 -v -exec "$qemu" -run TestLayoutMatchesC ./examples/... >"$log" 2>&1 || { cat "$log"; exit 1; }
check linux/arm64 "$log"

echo "--- windows/amd64 under wine: the generated layout tests"
export JITFFI_WINEPREFIX="${JITFFI_WINEPREFIX:-${TMPDIR:-/tmp}/jitffi-wine}"
bash "$repo/internal/wine/setup.sh"
layouts windows x86_64-w64-mingw32-gcc "$repo/internal/wine/exec.sh"
JITFFI_GEN_LAYOUT_DIR="$lay/windows" GOOS=windows GOARCH=amd64 CGO_ENABLED=0 \
	go test -count=1 -v -exec "$repo/internal/wine/exec.sh" -run TestLayoutMatchesC ./examples/... >"$log" 2>&1 || { cat "$log"; exit 1; }
check windows/amd64 "$log"
echo "jitffi-gen: $((SECONDS - start)) s"

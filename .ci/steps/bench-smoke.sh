#!/usr/bin/env bash
# Benchmark suite smoke (bench/, its own Go module): vets it, runs its unit tests, then
# every benchmark cell once for a short time, in the cgo build and again with
# CGO_ENABLED=0 (-tags jitffi_nocgohooks: the suite imports purego, whose hooks jitffi then
# uses). Each cell checks its call against the reference first (cgo's result, or without
# cgo a C program's), so a wrong result fails here; the figures are printed for people to
# read, never asserted (a 20 ms run says little). Without cgo exactly the cgo column's
# cells may skip beyond the cgo build's skips. The full run with the table and chart is
# `cd bench && go run ./cmd/report -count 5` (bench/README.md).
#
# Run from .ci/run, or alone: bash .ci/steps/bench-smoke.sh (about two minutes on 2 cores,
# plus the package installs on a fresh machine).
set -euo pipefail
cd "$(dirname "$0")/../../bench"
export PATH="/usr/local/go/bin:$PATH"

# zlib and sqlite3 for the real-library rows (headers for cgo, the shared objects for the
# other paths), libffi for the libffi path.
need=()
command -v gcc >/dev/null || need+=(gcc libc6-dev)
for pkg in zlib1g-dev libsqlite3-dev libffi-dev; do
	dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
	echo "installing ${need[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# smoke NAME [go flags...]: every cell for 20 ms, then the table of figures, skip reasons
# and any failed cell; on a failure (or output the report cannot read) the raw output too.
smoke() {
	local name=$1 status=0
	shift
	echo "--- $name"
	go test "$@" -run '^$' -bench . -benchmem -v -benchtime=20ms -count=1 . >"$work/$name.txt" 2>&1 || status=$?
	if ! go run ./cmd/report -in "$work/$name.txt" -out "$work/$name" || [ "$status" -ne 0 ]; then
		cat "$work/$name.txt"
		exit 1
	fi
}
skipped() { grep '^--- SKIP: ' "$1" | sort || true; }
count() { grep -c "$@" || true; } # grep -c, but 0 is not a failure

go vet ./...
go test -count=1 ./...
smoke cgo

CGO_ENABLED=0 go vet -tags jitffi_nocgohooks ./...
CGO_ENABLED=0 go test -count=1 -tags jitffi_nocgohooks ./...
CGO_ENABLED=0 smoke nocgo -tags jitffi_nocgohooks # the variable holds for the function's commands
# Without cgo, every cell outside the cgo column must run or skip as in the cgo build, and
# every cgo cell that ran there must skip saying it needs cgo.
if ! diff <(skipped "$work/cgo.txt" | grep -v '/cgo$') <(skipped "$work/nocgo.txt" | grep -v '/cgo$'); then
	echo "without cgo, cells outside the cgo column skip (or run) unlike the cgo build"
	exit 1
fi
cgo_ran=$(($(count '^Benchmark.*/cgo$' "$work/cgo.txt") - $(skipped "$work/cgo.txt" | count '/cgo$')))
nocgo_ran=$(($(count '^Benchmark.*/cgo$' "$work/nocgo.txt") - $(skipped "$work/nocgo.txt" | count '/cgo$')))
needs_cgo=$(count 'needs cgo' "$work/nocgo.txt")
if [ "$nocgo_ran" != 0 ] || [ "$needs_cgo" != "$cgo_ran" ]; then
	echo "without cgo, $nocgo_ran cgo cells ran and $needs_cgo skipped saying they need cgo; want 0 and $cgo_ran"
	exit 1
fi
echo "without cgo: the $cgo_ran cgo cells skip (needs cgo); every other cell ran or skipped as with cgo"

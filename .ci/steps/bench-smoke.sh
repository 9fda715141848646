#!/usr/bin/env bash
# Benchmark suite smoke (bench/, its own Go module): vets it, runs its unit tests, then
# every benchmark cell once for a short time. Each cell checks its call against cgo's
# result first, so a wrong result fails here; the figures are printed for people to read,
# never asserted (a 20 ms run says little). The full run with the table and chart is
# `cd bench && go run ./cmd/report -count 5` (bench/README.md).
#
# Run from .ci/run, or alone: bash .ci/steps/bench-smoke.sh (about a minute on 2 cores,
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

go vet ./...
go test -count=1 ./...
out="${TMPDIR:-/tmp}/jitffi-bench-smoke.txt"
status=0
go test -run '^$' -bench . -benchmem -v -benchtime=20ms -count=1 . >"$out" 2>&1 || status=$?
# The table of figures, skip reasons and any failed cell; on a failure (or output the
# report cannot read) the raw output too.
if ! go run ./cmd/report -in "$out" -out "${TMPDIR:-/tmp}/jitffi-bench-smoke" || [ "$status" -ne 0 ]; then
	cat "$out"
	exit 1
fi

#!/usr/bin/env bash
# windows/amd64 under wine: vets the Windows build, builds the C fixtures with mingw-w64
# (a Windows test binary under wine cannot run a compiler), and runs the whole test suite
# as Windows binaries under wine64, cgo off, as a Windows user's `go test ./...` would.
#
# Run from .ci/run, or alone: bash .ci/steps/windows-wine.sh (about 1-2 minutes; the first
# start of the wine prefix takes about 10 s more).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"

need=()
[ -x /usr/lib/wine/wine64 ] || need+=(wine64)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing ${need[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/jitffi-windows.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The prefix outlives the run (it takes ~10 s to create); setup.sh makes it on first use
# and installs the ProcessPrng stand-in wine 8 needs (see internal/wine/setup.sh).
export JITFFI_WINEPREFIX="${JITFFI_WINEPREFIX:-${TMPDIR:-/tmp}/jitffi-wine}"
bash internal/wine/setup.sh

echo "--- GOOS=windows go vet ./..."
GOOS=windows GOARCH=amd64 go vet ./...

echo "--- fixtures (mingw-w64)"
go run ./internal/ctest/cmd/mkfixtures -o "$work/fixtures"
export JITFFI_FIXTURES="$work/fixtures"

echo "--- GOOS=windows go test ./... under wine64"
# -v output goes to a log, so that a skipped fixture test (JITFFI_FIXTURES not reaching
# the binaries) fails the step instead of passing unnoticed.
log="$work/test.log"
status=0
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -count=1 -v \
	-exec "$PWD/internal/wine/exec.sh" ./... >"$log" 2>&1 || status=$?
grep -a -E '^(ok|FAIL|---|panic|\?)' "$log" | grep -a -v -E '^    --- PASS|^--- PASS' || true
if [ "$status" -ne 0 ]; then
	echo "windows tests failed; the log:"
	cat "$log"
	exit "$status"
fi
if grep -a -q "is not set: this host cannot compile" "$log"; then
	echo "a fixture test was skipped: JITFFI_FIXTURES did not reach the test binaries"
	exit 1
fi
oracle=$(grep -a -c -- '--- PASS: TestWin64AgainstMinGW/O./' "$log" || true)
if [ "$oracle" -eq 0 ]; then
	echo "the Win64 oracle against the mingw fixtures did not run"
	exit 1
fi
upcalls=$(grep -a -c -- '--- PASS: TestWin64UpcallsAgainstMinGW/O./' "$log" || true)
if [ "$upcalls" -eq 0 ]; then
	echo "the Win64 upcall oracle against the mingw fixtures did not run"
	exit 1
fi
sysv=$(grep -a -c -- '--- PASS: TestSysVOnWindowsAgainstMinGW/O./' "$log" || true)
if [ "$sysv" -eq 0 ]; then
	echo "the System V cases against mingw's sysv_abi fixtures did not run"
	exit 1
fi
if ! grep -a -q -- '--- PASS: TestUpcallPreservesRegisters/regs_probe_win64 ' "$log"; then
	echo "the Win64 register probe did not run and pass"
	exit 1
fi
# The package's testable examples (example_windows_test.go) run as tests with -v; all
# eight must have run and printed their expected output.
examples=$(grep -a -c -- '^--- PASS: Example' "$log" || true)
if [ "$examples" -lt 8 ]; then
	echo "only $examples of the 8 testable examples ran and passed"
	exit 1
fi
echo "windows/amd64 under wine: all packages pass ($(grep -a -c -- '--- PASS' "$log") tests and subtests, $oracle oracle cases, $upcalls upcall oracle cases, $sysv System V cases, $examples examples)"

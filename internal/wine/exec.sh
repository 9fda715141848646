#!/usr/bin/env bash
# Runs a Windows program under wine64: the -exec program for `GOOS=windows go test`.
#
#   GOOS=windows go test -exec "$PWD/internal/wine/exec.sh" ./...
#
# It uses the project's own wine prefix (JITFFI_WINEPREFIX, by default
# ${TMPDIR:-/tmp}/jitffi-wine), set up by setup.sh, which it runs on first use. Wine's own
# diagnostics are silenced so that test output stays readable; set WINEDEBUG to see them.
set -euo pipefail
export WINEPREFIX="${JITFFI_WINEPREFIX:-${TMPDIR:-/tmp}/jitffi-wine}"
export WINEDEBUG="${WINEDEBUG:--all}"
if [ ! -e "$WINEPREFIX/.jitffi-ready" ]; then
	"$(dirname "$0")/setup.sh" >&2
fi
exec /usr/lib/wine/wine64 "$@"

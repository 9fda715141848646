#!/usr/bin/env bash
# The whole suite, and a link of every command, on the newest Go release CI knows (1.27):
# its linker is the strictest about references into the runtime.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"
export GOTOOLCHAIN="${JITFFI_GO_NEWEST:-go1.27.3}"
exec bash .ci/steps/lib/go-version-suite.sh

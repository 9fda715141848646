#!/usr/bin/env bash
# The whole suite, and a link of every command, on go.mod's Go version (1.24): runtime entry
# points must link and work on the oldest supported release too.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"
export GOTOOLCHAIN="${JITFFI_GO_OLDEST:-go1.24.0}"
exec bash .ci/steps/lib/go-version-suite.sh

#!/usr/bin/env bash
# Go's coverage-guided fuzz targets, a few seconds each from their seed corpora: types
# built through package abi's constructors into Classify, LayoutKey, Clone and the parser
# (FuzzTypes), and into jit.Compile for every ABI together with hand-edited plans
# (FuzzCompile), signature text (FuzzParseSignature), declarations of a type environment
# (FuzzDeclare), and the command line's argument conversion (FuzzArgumentConversion). A failing input is written to the package's
# testdata/fuzz directory; add it to the repository as a regression.
#
# Run from .ci/run, or alone: bash .ci/steps/go-fuzz.sh (about 30 s). Longer:
# JITFFI_FUZZTIME=10m bash .ci/steps/go-fuzz.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"

fuzztime="${JITFFI_FUZZTIME:-5s}"
for target in ./abi:FuzzTypes ./abi:FuzzParseSignature ./abi:FuzzDeclare ./jit:FuzzCompile ./cmd/jitffi:FuzzArgumentConversion; do
	pkg="${target%%:*}" name="${target#*:}"
	echo "--- $name ($pkg, $fuzztime)"
	# Minimizing a new input may take a whole run's time; a few tries are enough here.
	if ! out=$(go test "$pkg" -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" -fuzzminimizetime 100x 2>&1); then
		echo "$out"
		exit 1
	fi
	echo "$out" | tail -n 2
done

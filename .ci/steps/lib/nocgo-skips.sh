#!/usr/bin/env bash
# check_nocgo_skips LOG [go test flags...]: LOG is the output of `go test -v ./...` built
# with CGO_ENABLED=0. Every test or subtest that skipped there must skip in the cgo build
# too (opt-in tests, tests of other architectures), which the function checks by running
# it again with CGO_ENABLED=1 and the given flags, with no exception: nothing skips for want
# of cgo. (A test of cgo itself, TestStackMovesDuringCallThroughCgoExport, is built only
# with cgo, so it never skips; the race detector needs cgo, and CI runs it with cgo only.)
check_nocgo_skips() {
	local log=$1 pkg name top out
	shift
	awk '/^[ \t]*--- SKIP: /{s[n++]=$3} /^(ok|FAIL)[ \t]/{for(i=0;i<n;i++) print $2, s[i]; n=0}' "$log" | sort -u |
		while read -r pkg name; do
			top=${name%%/*}
			out=$(CGO_ENABLED=1 go test -count=1 -v "$@" -run "^${top}\$" "$pkg" 2>&1) || { echo "$out"; return 1; }
			if ! grep -q -- "--- SKIP: $name " <<<"$out"; then
				echo "$pkg $name skipped without cgo but not with cgo:"; grep -A3 -- "--- SKIP: $name " "$log"; return 1
			fi
		done
}

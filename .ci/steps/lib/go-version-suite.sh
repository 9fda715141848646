#!/usr/bin/env bash
# Runs under the Go release named by GOTOOLCHAIN: links every package and command of the
# module with default linker flags (a refused runtime reference fails here), then runs the
# whole test suite as the README's test command does (no -short: the million-callback tests
# and the long parse round trip add a few seconds at most), with the fast door's runtime
# check among it.
set -euo pipefail
go version
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin" ./...
go vet ./...
go test -count=1 ./...
go test -count=1 -run 'CheckFast|Fast' -v ./asm . | grep -E '^(--- |ok|FAIL)' | head -n 40

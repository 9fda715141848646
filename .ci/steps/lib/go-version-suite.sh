#!/usr/bin/env bash
# Runs under the Go release named by GOTOOLCHAIN: links every package and command of the
# module with default linker flags (a refused runtime reference fails here), then runs the
# whole test suite, with the fast door's runtime check among it. -short only shrinks the
# million-callback tests, which the machine's own Go runs in full.
set -euo pipefail
go version
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin" ./...
go vet ./...
go test -short -count=1 ./...
go test -count=1 -run 'CheckFast|Fast' -v ./asm . | grep -E '^(--- |ok|FAIL)' | head -n 40

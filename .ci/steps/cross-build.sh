#!/usr/bin/env bash
# The module must compile, and vet, for every platform Go supports, so a portable program
# can import jitffi and fall back where it does not run (plan9/amd64 stands for a system
# whose syscall package has no Errno). Then, on linux/386 (which this amd64 machine runs
# natively), the refusal is checked for real: Open and binds fail with
# ErrUnsupportedPlatform, and explain still explains.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"
go version
pairs="
linux/amd64 linux/arm64 linux/386 linux/arm linux/riscv64 linux/ppc64le linux/s390x linux/loong64
windows/amd64 windows/arm64 windows/386
darwin/amd64 darwin/arm64
freebsd/amd64 freebsd/arm64 freebsd/386
plan9/amd64
"
for pair in $pairs; do
	printf '%-16s' "$pair"
	GOOS=${pair%/*} GOARCH=${pair#*/} CGO_ENABLED=0 go build ./...
	GOOS=${pair%/*} GOARCH=${pair#*/} CGO_ENABLED=0 go vet ./...
	echo ok
done
# Without cgo (as here) Open and binds must say ErrUnsupportedPlatform, not ErrNoCgo (cgo
# would not help), while package loader on its own says ErrNoCgo. Each test must have run.
out=$(GOARCH=386 CGO_ENABLED=0 go test -count=1 -run 'UnsupportedPlatform|NoCgo' -v . ./loader)
grep -E '^(--- |ok|FAIL)' <<<"$out"
for test in TestUnsupportedPlatform TestNoCgoRefusesClearly TestNoCgo; do
	grep -q -- "^--- PASS: $test " <<<"$out" || { echo "linux/386: $test did not run"; exit 1; }
done
GOARCH=386 CGO_ENABLED=0 go run ./cmd/jitffi explain 'struct{float x; float y;} (int32_t, double)' >/dev/null
echo "linux/386: explain works, Open and binds refuse"

#!/usr/bin/env bash
# Creates the project's wine prefix (JITFFI_WINEPREFIX, by default
# ${TMPDIR:-/tmp}/jitffi-wine) and makes Go programs start in it.
#
# Why: the Go runtime (1.24 and later) loads ProcessPrng from bcryptprimitives.dll, from
# system32 only, at start, and aborts without it ("bcryptprimitives.dll not found").
# Debian 12's wine 8.0 lacks that DLL, so this script builds a stand-in
# (processprng.c) with mingw-w64 and installs it into the prefix's system32. Wine 9 and
# later ship the real DLL; there the stand-in is not needed and is not installed.
#
# Needs: wine64, gcc-mingw-w64-x86-64 (Debian package names). Safe to run again.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export WINEPREFIX="${JITFFI_WINEPREFIX:-${TMPDIR:-/tmp}/jitffi-wine}"
export WINEDEBUG="${WINEDEBUG:--all}"
wine=/usr/lib/wine/wine64

# Serialise concurrent first uses (go test runs several test binaries at once).
mkdir -p "$(dirname "$WINEPREFIX")"
exec 9>"$WINEPREFIX.lock"
flock 9

sys32="$WINEPREFIX/drive_c/windows/system32"
if [ ! -d "$sys32" ]; then
	echo "setup.sh: creating the wine prefix $WINEPREFIX (about 10 s)"
	# The 64-bit-only wine package cannot start syswow64's rundll32; wineboot says so and
	# carries on, so that message is dropped.
	"$wine" wineboot --init 2>&1 | grep -v 'syswow64' || true
	# wineboot returns before wineserver has written the prefix out.
	wineserver_bin=/usr/lib/wine/wineserver64
	[ -x "$wineserver_bin" ] || wineserver_bin=wineserver
	"$wineserver_bin" -w || true
fi
# Wine 9 and later put their own bcryptprimitives.dll into a new prefix's system32.
if [ ! -e "$sys32/bcryptprimitives.dll" ]; then
	tmp="$(mktemp -d)"
	trap 'rm -rf "$tmp"' EXIT
	x86_64-w64-mingw32-gcc -O2 -Wall -shared -o "$tmp/bcryptprimitives.dll" "$here/processprng.c" -ladvapi32
	cp "$tmp/bcryptprimitives.dll" "$sys32/bcryptprimitives.dll"
	echo "setup.sh: installed the ProcessPrng stand-in into $sys32"
fi
touch "$WINEPREFIX/.jitffi-ready"

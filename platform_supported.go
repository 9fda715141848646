//go:build (linux && (amd64 || arm64)) || (windows && amd64)

package jitffi

// platformSupported: jitffi has a loader, a calling convention and stubs for this platform,
// and tests them in CI.
const platformSupported = true

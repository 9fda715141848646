//go:build !((linux && (amd64 || arm64)) || (windows && amd64))

package jitffi

// platformSupported is false here: the package compiles, so a portable program can use
// jitffi where it runs, but Open and every bind fail with ErrUnsupportedPlatform.
const platformSupported = false

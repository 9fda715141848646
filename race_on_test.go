//go:build race

package jitffi_test

// raceEnabled: the race detector slows callbacks tenfold; the largest tests shrink.
const raceEnabled = true

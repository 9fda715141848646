//go:build !race

package jitffi_test

const raceEnabled = false

//go:build !cgo && linux && (amd64 || arm64)

package jitffi_test

import "testing"

// TestStackMovesDuringCall needs cgo itself: its C functions (package
// internal/callbacktest) call back into Go through cgo's //export, which only a cgo build
// has. The same move of the goroutine stack under a default-mode call, through jitffi's
// own callbacks, is checked in every build by TestCallbackGrowsStackAndCollects.
func TestStackMovesDuringCall(t *testing.T) {
	t.Skip("needs cgo: internal/callbacktest calls back through cgo's //export; TestCallbackGrowsStackAndCollects checks the same without cgo")
}

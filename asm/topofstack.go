//go:build amd64 || arm64

package asm

// TopOfStackFunc returns the address of the runtime's _cgo_topofstack, a function C code
// may call that returns the top of the current goroutine's stack. Stubs of calls that may
// call back into Go compare it before and after the call to find their frame again if the
// goroutine stack moved meanwhile, as cgo's own call wrappers do.
func TopOfStackFunc() uintptr

package jitffi

import "github.com/jitffi/jitffi/jit"

// CallbackStubAddr returns the address of the upcall stub c's trampoline jumps to.
func CallbackStubAddr(c *Callback) uintptr { return c.rec.stub }

// PointCallbackAt points c's trampoline at stub, keeping its context: what a call finds
// that read the trampoline's target before c took the slot over (between the new record
// and the new target, the slot still holds its freed callback's words).
func PointCallbackAt(c *Callback, stub uintptr) error {
	return jit.SetTrampoline(c.tramp, stub, uintptr(c.tramp.Index))
}

// SetFastDoorCheck replaces the runtime check a Fast bind makes (asm.CheckFast) until the
// returned restore is called, so that a test can see what a Go runtime that fails the check
// does to binds. Tests calling it must not run in parallel with other binds.
func SetFastDoorCheck(check func() error) (restore func()) {
	old := fastDoorCheck
	fastDoorCheck = check
	return func() { fastDoorCheck = old }
}

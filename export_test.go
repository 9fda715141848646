package jitffi

// SetFastDoorCheck replaces the runtime check a Fast bind makes (asm.CheckFast) until the
// returned restore is called, so that a test can see what a Go runtime that fails the check
// does to binds. Tests calling it must not run in parallel with other binds.
func SetFastDoorCheck(check func() error) (restore func()) {
	old := fastDoorCheck
	fastDoorCheck = check
	return func() { fastDoorCheck = old }
}

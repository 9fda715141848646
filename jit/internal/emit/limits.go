package emit

// Limits every emitter follows.
const (
	// StackProbePage is the guard-page size: a stack frame larger than this is touched
	// page by page while it is allocated, as Windows requires (its stacks grow only
	// through the guard page below the committed part), so that no access skips a guard
	// page on any system.
	StackProbePage = 4096
	// UnrolledCopyMax is the largest copy done with straight-line moves; longer ones loop,
	// so a stub's size stays bounded whatever the size of a by-value struct.
	UnrolledCopyMax = 64
)

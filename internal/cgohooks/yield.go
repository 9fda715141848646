//go:build !cgo && linux && (amd64 || arm64) && jitffi_nocgohooks

package cgohooks

import _ "unsafe" // for go:linkname

// Own reports whether this package installs the runtime's cgo hooks itself: not with
// -tags jitffi_nocgohooks, where another package (purego's stand-in) must.
const Own = false

// isCgo is the runtime's iscgo, which whichever package installed the hooks set. The
// runtime pushes it with a linkname, so every supported Go version allows this pull.
//
//go:linkname isCgo runtime.iscgo
var isCgo bool

func checkOwn() error { return nil }

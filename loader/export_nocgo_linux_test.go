//go:build !cgo && linux && (amd64 || arm64)

package loader

// DlopenFlags are the dlopen flags the no-cgo build passes, by their C names.
var DlopenFlags = map[string]int{
	"RTLD_LAZY":     rtldLazy,
	"RTLD_NOW":      rtldNow,
	"RTLD_NOLOAD":   rtldNoLoad,
	"RTLD_GLOBAL":   rtldGlobal,
	"RTLD_LOCAL":    rtldLocal,
	"RTLD_NODELETE": rtldNoDelete,
}

package fuzz

import (
	"errors"
	"runtime"

	"github.com/jitffi/jitffi/abi"
)

func init() {
	Register(&Target{
		Name:      "sysv",
		ABI:       abi.SysV,
		Mode:      Native,
		Profile:   ProfileOf(abi.SysV),
		Reference: Compiler{Name: "gcc"},
		Second:    secondCompiler(),
		Available: func() error {
			if runtime.GOARCH != "amd64" || runtime.GOOS == "windows" {
				return errors.New("SysV stubs run natively on linux/amd64 and darwin/amd64 only")
			}
			return nativeAvailable()
		},
	})
}

package fuzz

import (
	"errors"
	"runtime"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

// Win64 runs natively on a Linux amd64 host: gcc compiles __attribute__((ms_abi))
// callees with the Win64 convention, and jitffi.WithABI(abi.Win64) makes stubs that are
// entered SysV-style and call Win64-style. The types are fixed-width, so Linux's LP64 data
// model makes no difference. Wine (the full-fidelity check) is the arm of .ci, not ours.
func init() {
	Register(&Target{
		Name:        "win64",
		ABI:         abi.Win64,
		Mode:        Native,
		Profile:     ProfileOf(abi.Win64),
		MSABI:       true,
		Reference:   Compiler{Name: "gcc"},
		Second:      secondCompiler(),
		BindOptions: []jitffi.Option{jitffi.WithABI(abi.Win64)},
		BindSource:  "jitffi.WithABI(abi.Win64)",
		Available: func() error {
			if runtime.GOARCH != "amd64" || runtime.GOOS != "linux" {
				return errors.New("ms_abi fixtures run natively on linux/amd64 only")
			}
			if err := classifierMissing(abi.Win64); err != nil {
				return err
			}
			return nativeAvailable()
		},
	})
}

package fuzz

import "github.com/jitffi/jitffi/abi"

// Apple arm64 is checked by classification only (apple.go): clang is Apple's compiler and
// so the reference. Fixed arguments are read at clang's callee; the second opinion is
// clang's caller, which for variadic calls does not always agree with its callee.
func init() {
	Register(&Target{
		Name:    "apple-arm64",
		ABI:     abi.AppleARM64,
		Mode:    ClassifyOnly,
		Profile: ProfileOf(abi.AppleARM64),
		Reference: Compiler{Name: "clang callee", Cmd: []string{"clang"},
			Flags: []string{"-target", "arm64-apple-macos11", "-ffreestanding"}},
		Second: &Compiler{Name: "clang caller"},
		Available: func() error {
			if err := classifierMissing(abi.AppleARM64); err != nil {
				return err
			}
			for _, c := range []string{"clang", "llc"} {
				if err := haveCommand(c); err != nil {
					return err
				}
			}
			return nil
		},
	})
}

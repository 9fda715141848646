package abi

// Host is the ABI of this host: macOS and iOS on arm64 follow Apple's variant of AAPCS64.
const Host = AppleARM64

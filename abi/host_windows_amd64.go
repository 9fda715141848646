package abi

// Host is the ABI of this host: Windows on amd64 uses the Microsoft x64 convention.
const Host = Win64

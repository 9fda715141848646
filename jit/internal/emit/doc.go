// Package emit holds what jitffi's machine-code emitters share: the options a stub is
// compiled with, the call frame layout both directions use, and the golang-asm setup
// every architecture needs. The emitters themselves live in one package per architecture
// (jit/internal/amd64, jit/internal/arm64); package jit picks one by the plan's ABI,
// checks every plan before it reaches them, and owns executable memory and the caches.
package emit

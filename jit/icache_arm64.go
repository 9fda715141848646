//go:build !windows

package jit

// Instruction-cache maintenance for arm64, whose instruction fetch does not see data
// writes until the written lines are cleaned from the data cache and invalidated in the
// instruction cache (abi/RULES.md, AAPCS64 rule 9). Linux and the BSDs let user code run
// the maintenance instructions and read CTR_EL0; Windows needs FlushInstructionCache
// instead and gets its own hook.

// flushCache cleans the data cache and invalidates the instruction cache over
// [addr, addr+size), with the barriers that make new code visible to every core.
//
//go:noescape
func flushCache(addr, size uintptr)

// cacheTypeRegister returns CTR_EL0, which gives the cache line sizes flushCache steps by.
func cacheTypeRegister() uint64

func init() { flushICache = flushCache }

// Package emit holds what jitffi's machine-code emitters share: the options a stub is
// compiled with, the call frame layout both directions use, and the golang-asm setup
// every architecture needs. The emitters themselves live in one package per architecture
// (jit/internal/amd64, jit/internal/arm64); package jit picks one by the plan's ABI,
// checks every plan before it reaches them, and owns executable memory and the caches.
//
// # golang-asm's traps
//
// The emitters encode instructions with github.com/twitchyliquid64/golang-asm, a copy of
// Go 1.15's cmd/internal/obj taken out of the toolchain in 2020 and not maintained since;
// it has no arm64 tests of its own. Its encodings are right once the traps below are
// avoided, and it is fast enough (a stub of about 30 instructions assembles in single-digit
// microseconds with a reused context). The emitters and their tests cite these traps by
// number ("golang-asm trap 3"); a new one takes the next number.
//
//  1. Its convenience Builder rebuilds a table of every mnemonic each time one is made
//     (hundreds of microseconds per stub), and importing the package behind it links all
//     of golang-asm's back ends into the binary. The emitters never use it: NewLink makes
//     a context from the architecture's obj.LinkArch directly, and each assembler keeps
//     its context for reuse.
//  2. The Builder also skips Progedit, golang-asm's per-instruction rewrite, which the
//     assembler relies on. Without it arm64 turns a subtraction of a negative constant
//     from RSP into a sequence through x27, a register AAPCS64 makes callee-saved; large
//     memory offsets go through x27 even with it, and may leave a literal pool behind the
//     last instruction. Both emitters call Progedit on every instruction; the arm64 one
//     refuses an instruction that Progedit expanded, code whose addresses drifted from one
//     word per instruction, or any data after the last instruction. It keeps offsets
//     small, forms larger addresses in x17, its own scratch register, and never names x18
//     or x27.
//  3. On arm64 the first instruction of a function is taken to be the TEXT
//     pseudo-instruction and silently dropped. The arm64 assembler starts every stub with
//     an ATEXT of its own.
//  4. On arm64 a RET without an operand is rejected as an illegal combination: the
//     emitter returns through R30 explicitly.
//  5. A diagnostic does not stop the output: Assemble still returns bytes, and the default
//     diagnostic hook only prints. NewLink routes every diagnostic to the assembler, which
//     refuses the bytes if there was any.
//  6. Some misuses encode silently into something else: on amd64 a PUSHQ whose register
//     sits in the destination operand emits a stray byte and no error. Go's mnemonics also
//     read differently from the vendors' (on arm64 MOVW loads sign-extending, ldrsw, and
//     MOVWU zero-extending). So the emitters never fill operand slots directly: a typed
//     helper per instruction form checks register classes and sizes, every helper has a
//     disassembly test (golang.org/x/arch's x86asm and arm64asm), and representative stubs
//     have golden disassemblies in jit/testdata.
//  7. A constant that fits no immediate field (a float without an fmov encoding, for one)
//     becomes a relocation against a symbol nothing will resolve. CheckRelocs refuses
//     every relocation except the zero-size call marker, and constants are built in a
//     general register instead (on arm64 with movz and movk, never from a literal pool).
//  8. amd64 pads jumps against the JCC erratum by default, which makes stub sizes depend
//     on where code falls. NewLink sets IsAsm, which turns the padding off.
//  9. obj.LinkArch's Init fills package-level tables without synchronisation, which the
//     race detector reports. NewLink runs it once per architecture under a sync.Once;
//     after that one context per assembler (assemblers are pooled, never shared) is safe.
//  10. Importing golang-asm runs its objabi package's init, which calls log.Fatalf, ending
//     the process before main, for some valid GOPPC64 and GOARM settings. Default settings
//     on amd64 and arm64 are safe; the README's Limits section says so.
//  11. The header type would follow the build's GOOS, and on Windows it enables a
//     thread-local-storage rewrite that needs symbols. NewLink fixes it to Linux's, so
//     encodings are the same on every host.
//
// Keeping every golang-asm call behind these narrow layers means replacing the assembler
// later is a change to this package's golangasm.go and the two asm.go files only.
package emit

package asm

// HeaderOffsets exposes headerOffsets to the black-box tests.
var HeaderOffsets = headerOffsets

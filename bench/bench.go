//go:build linux

// Package bench holds the C side of jitffi's benchmark suite: the C functions every path
// calls, and the C-to-C floor loops that call them through a function pointer. The
// benchmarks themselves are in the _test.go files; bench/README.md says how to run them and
// shows the latest figures.
//
// The suite runs in both builds. With cgo, cgo compiles the C files into this package
// and it also offers cgo's calls of them (the cgo path) and their addresses (cgo.go,
// libs.go, callbacks.go). With CGO_ENABLED=0 this file is all of the package: the tests
// compile the same C files with gcc into a shared library at test time and reach them
// through jitffi (see the tests' cside_nocgo_test.go).
package bench

// Pair, Vec3 and FPair are the Go twins of struct jb_pair, jb_vec3 and jb_fpair.
type (
	Pair  struct{ A, B int64 }
	Vec3  struct{ X, Y, Z float64 }
	FPair struct{ X, Y float32 }
)

// Library names as the paths that open libraries themselves open them; cgo links the same
// shared objects, so every path calls the same code.
const (
	LibC      = "libc.so.6"
	LibZ      = "libz.so.1"
	LibSqlite = "libsqlite3.so.0"
)

// SqliteRow is SQLITE_ROW, the step result while rows remain (libs.go checks it against
// sqlite3.h in the cgo build).
const SqliteRow = 100

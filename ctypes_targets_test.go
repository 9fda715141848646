package jitffi_test

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestCTypesOnEveryTarget holds the C type names to clang's view of the C types on every
// platform the package compiles for, not only the three it runs on: for each GOOS/GOARCH
// it type-checks the ctypes*.go files that platform's build constraints select, with gc's
// sizes for it, and compares each type's size and signedness with what clang predefines
// for the matching C target (-E -dM: __SIZEOF_LONG__, __CHAR_UNSIGNED__, ...).
// TestCTypesMatchTheCompiler checks the three platforms against the compilers' programs.
//
// Left out: loong64, which Debian 12's clang 14 does not know (GCC's LoongArch ABI has a
// signed char and LP64), and wasm, where Go's pointers are 64 bits and C's (wasm32) 32,
// so that no Go type is C's size_t (see ctypes.go).
func TestCTypesOnEveryTarget(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("reads the source and the host's clang: runs on the linux/amd64 CI host")
	}
	clang, err := exec.LookPath("clang")
	if err != nil {
		t.Skipf("clang, the oracle of this test, is not installed (.ci/run installs it): %v", err)
	}
	targets := []struct{ goos, goarch, triple string }{
		{"linux", "amd64", "x86_64-linux-gnu"}, {"linux", "arm64", "aarch64-linux-gnu"},
		{"linux", "386", "i386-linux-gnu"}, {"linux", "arm", "arm-linux-gnueabihf"},
		{"linux", "riscv64", "riscv64-linux-gnu"}, {"linux", "ppc64le", "powerpc64le-linux-gnu"},
		{"linux", "ppc64", "powerpc64-linux-gnu"}, {"linux", "s390x", "s390x-linux-gnu"},
		{"linux", "mips", "mips-linux-gnu"}, {"linux", "mipsle", "mipsel-linux-gnu"},
		{"linux", "mips64", "mips64-linux-gnuabi64"}, {"linux", "mips64le", "mips64el-linux-gnuabi64"},
		{"android", "arm64", "aarch64-linux-android"}, {"android", "arm", "armv7-linux-androideabi"},
		{"android", "amd64", "x86_64-linux-android"},
		{"windows", "amd64", "x86_64-w64-windows-gnu"}, {"windows", "arm64", "aarch64-pc-windows-msvc"},
		{"windows", "386", "i686-w64-windows-gnu"},
		{"darwin", "amd64", "x86_64-apple-macos11"}, {"darwin", "arm64", "arm64-apple-macos11"},
		{"ios", "arm64", "arm64-apple-ios14"},
		{"freebsd", "amd64", "x86_64-unknown-freebsd"}, {"freebsd", "arm64", "aarch64-unknown-freebsd"},
		{"freebsd", "386", "i386-unknown-freebsd"}, {"freebsd", "arm", "armv7-unknown-freebsd-gnueabihf"},
		{"freebsd", "riscv64", "riscv64-unknown-freebsd"},
		{"openbsd", "amd64", "x86_64-unknown-openbsd"}, {"openbsd", "arm64", "aarch64-unknown-openbsd"},
		{"openbsd", "arm", "armv7-unknown-openbsd"}, {"openbsd", "riscv64", "riscv64-unknown-openbsd"},
		{"netbsd", "amd64", "x86_64-unknown-netbsd"}, {"netbsd", "arm64", "aarch64-unknown-netbsd"},
		{"netbsd", "arm", "armv7-unknown-netbsd-eabihf"},
		{"dragonfly", "amd64", "x86_64-unknown-dragonfly"}, {"solaris", "amd64", "x86_64-pc-solaris2.11"},
		{"illumos", "amd64", "x86_64-unknown-illumos"}, {"aix", "ppc64", "powerpc64-ibm-aix"},
	}
	sources, err := filepath.Glob("ctypes*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range targets {
		t.Run(tg.goos+"/"+tg.goarch, func(t *testing.T) {
			goTypes := goCTypes(t, sources, tg.goos, tg.goarch)
			out, err := exec.Command(clang, "-target", tg.triple, "-E", "-dM", "-x", "c", os.DevNull).Output()
			if err != nil {
				t.Fatalf("clang -target %s: %v", tg.triple, err)
			}
			macro := map[string]string{}
			for _, line := range strings.Split(string(out), "\n") {
				if f := strings.Fields(line); len(f) >= 3 && f[0] == "#define" {
					macro[f[1]] = strings.Join(f[2:], " ")
				}
			}
			size := func(name string) int64 {
				n, err := strconv.ParseInt(macro[name], 10, 64)
				if err != nil {
					t.Fatalf("clang -target %s predefines no %s", tg.triple, name)
				}
				return n
			}
			charSigned, wcharSigned := macro["__CHAR_UNSIGNED__"] == "", macro["__WCHAR_UNSIGNED__"] == ""
			for _, c := range []struct {
				goName, c string
				size      int64
				signed    bool
			}{
				{"Char", "char", 1, charSigned}, {"SChar", "signed char", 1, true}, {"UChar", "unsigned char", 1, false},
				{"Short", "short", size("__SIZEOF_SHORT__"), true}, {"UShort", "unsigned short", size("__SIZEOF_SHORT__"), false},
				{"Int", "int", size("__SIZEOF_INT__"), true}, {"UInt", "unsigned int", size("__SIZEOF_INT__"), false},
				{"Long", "long", size("__SIZEOF_LONG__"), true}, {"ULong", "unsigned long", size("__SIZEOF_LONG__"), false},
				{"LongLong", "long long", size("__SIZEOF_LONG_LONG__"), true}, {"ULongLong", "unsigned long long", size("__SIZEOF_LONG_LONG__"), false},
				{"SizeT", "size_t", size("__SIZEOF_SIZE_T__"), false}, {"SSizeT", "ssize_t", size("__SIZEOF_SIZE_T__"), true},
				{"IntPtrT", "intptr_t", size("__SIZEOF_POINTER__"), true}, {"UIntPtrT", "uintptr_t", size("__SIZEOF_POINTER__"), false},
				{"PtrDiffT", "ptrdiff_t", size("__SIZEOF_PTRDIFF_T__"), true},
				{"WChar", "wchar_t", size("__SIZEOF_WCHAR_T__"), wcharSigned},
			} {
				g, ok := goTypes[c.goName]
				if !ok {
					t.Errorf("jitffi.%s is not defined for %s/%s", c.goName, tg.goos, tg.goarch)
					continue
				}
				if g.size != c.size || g.signed != c.signed {
					t.Errorf("jitffi.%s is %d bytes, signed %v; clang's %s for %s is %d bytes, signed %v",
						c.goName, g.size, g.signed, c.c, tg.triple, c.size, c.signed)
				}
			}
		})
	}
}

type goCType struct {
	size   int64
	signed bool
}

// goCTypes type-checks the files of sources that goos/goarch's build constraints select,
// with gc's sizes for goarch, and returns the size and signedness of every integer type
// they define.
func goCTypes(t *testing.T, sources []string, goos, goarch string) map[string]goCType {
	t.Helper()
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = goos, goarch, false
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range sources {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		if ok, err := ctx.MatchFile(".", name); err != nil {
			t.Fatal(err)
		} else if !ok {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	sizes := types.SizesFor("gc", goarch)
	pkg, err := (&types.Config{Sizes: sizes}).Check("jitffi", fset, files, nil)
	if err != nil {
		t.Fatalf("type-checking the C type names for %s/%s: %v", goos, goarch, err)
	}
	out := map[string]goCType{}
	for _, name := range pkg.Scope().Names() {
		tn, ok := pkg.Scope().Lookup(name).(*types.TypeName)
		if !ok {
			continue
		}
		if b, ok := tn.Type().Underlying().(*types.Basic); ok && b.Info()&types.IsInteger != 0 {
			out[name] = goCType{sizes.Sizeof(b), b.Info()&types.IsUnsigned == 0}
		}
	}
	return out
}

//go:build windows && amd64

package jitffi_test

import (
	"cmp"
	"fmt"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

// The Windows versions of example_test.go's examples. The C library is the Universal C
// Runtime, ucrtbase.dll (in every Windows since 10), and for snprintf's family msvcrt.dll,
// since ucrtbase exports none of their names.

// Open a library, bind a C function to Go types, call it.
func Example() {
	ucrt, err := jitffi.Open("ucrtbase.dll")
	if err != nil {
		panic(err)
	}
	defer ucrt.Close()
	// double pow(double x, double y);
	pow, err := jitffi.Bind2[float64, float64, float64](ucrt, "pow")
	if err != nil {
		panic(err)
	}
	fmt.Println(pow.Call(2, 10))
	// Output: 1024
}

// C's int is 32 bits, Go's int 64, and on Windows C's long is 32 bits too (LLP64): the C
// type names say what a C declaration says on each platform.
func ExampleBind1_cTypeNames() {
	ucrt, _ := jitffi.Open("ucrtbase.dll")
	defer ucrt.Close()
	// int abs(int j);
	abs, _ := jitffi.Bind1[jitffi.Int, jitffi.Int](ucrt, "abs")
	// long labs(long j);
	labs, _ := jitffi.Bind1[jitffi.Long, jitffi.Long](ucrt, "labs")
	// long long llabs(long long j);
	llabs, _ := jitffi.Bind1[jitffi.LongLong, jitffi.LongLong](ucrt, "llabs")
	fmt.Println(abs.Call(-42), labs.Call(-(1<<31 - 1)), llabs.Call(-(1 << 40)), unsafe.Sizeof(jitffi.Long(0)))
	// Output: 42 2147483647 1099511627776 4
}

// A Go string is passed as a NUL-terminated copy, a slice as a pointer to its first
// element, and a char* result comes back as a Go string.
func ExampleBind2_stringsAndSlices() {
	ucrt, _ := jitffi.Open("ucrtbase.dll")
	defer ucrt.Close()
	// size_t strlen(const char *s);
	strlen, _ := jitffi.Bind1[string, jitffi.SizeT](ucrt, "strlen")
	// void *memset(void *s, int c, size_t n);
	memset, _ := jitffi.Bind3[[]byte, jitffi.Int, jitffi.SizeT, unsafe.Pointer](ucrt, "memset")
	// char *strchr(const char *s, int c);
	strchr, _ := jitffi.Bind2[string, jitffi.Int, string](ucrt, "strchr")

	buf := make([]byte, 4)
	memset.Call(buf, 'z', 3)
	fmt.Println(strlen.Call("hello"), string(buf[:3]), strchr.Call("key=value", '='))
	// Output: 5 zzz =value
}

// On Windows CallErrno returns GetLastError by default; the C runtime's functions set
// the C runtime's own errno instead, which ErrnoFrom makes the stub read right after the
// call. 34 is the C runtime's ERANGE (syscall.Errno's text on Windows would be the
// unrelated Win32 error 34's).
func ExampleFunc3_CallErrno() {
	ucrt, _ := jitffi.Open("ucrtbase.dll")
	defer ucrt.Close()
	// long strtol(const char *nptr, char **endptr, int base);
	strtol, _ := jitffi.Bind3[string, **byte, jitffi.Int, jitffi.Long](ucrt, "strtol", jitffi.ErrnoFrom(ucrt))
	v, errno := strtol.CallErrno("99999999999999999999", nil, 10)
	fmt.Println(v, uintptr(errno))
	v, errno = strtol.CallErrno("-17", nil, 10)
	fmt.Println(v, uintptr(errno))
	// Output:
	// 2147483647 34
	// -17 0
}

// A C variadic function is bound for one set of variadic argument types: Variadic says
// how many parameters are fixed. Win64 passes a variadic double in an integer register
// too, which the stub does only for the arguments Variadic marks.
func ExampleVariadic() {
	msvcrt, _ := jitffi.Open("msvcrt.dll")
	defer msvcrt.Close()
	// int _snprintf(char *buffer, size_t count, const char *format, ...);
	snprintf, _ := jitffi.Bind5[[]byte, jitffi.SizeT, string, jitffi.Int, float64, jitffi.Int](
		msvcrt, "_snprintf", jitffi.Variadic(3))
	buf := make([]byte, 32)
	n := snprintf.Call(buf, jitffi.SizeT(len(buf)), "%d: %.3f", 7, 3.14159)
	fmt.Println(string(buf[:n]))
	// Output: 7: 3.142
}

// A callback is a C function pointer that runs Go code: here qsort's comparator.
func ExampleNewCallback2() {
	ucrt, _ := jitffi.Open("ucrtbase.dll")
	defer ucrt.Close()
	// void qsort(void *base, size_t num, size_t width, int (*compare)(const void *, const void *));
	qsort, _ := jitffi.Bind4[[]int32, jitffi.SizeT, jitffi.SizeT, *jitffi.Callback, jitffi.Void](ucrt, "qsort")
	compare, _ := jitffi.NewCallback2(func(a, b *int32) jitffi.Int {
		return jitffi.Int(cmp.Compare(*a, *b))
	})
	defer compare.Free()

	data := []int32{5, -1, 3, 9, 0}
	qsort.Call(data, jitffi.SizeT(len(data)), 4, compare)
	fmt.Println(data)
	// Output: [-1 0 3 5 9]
}

// BindAll binds a whole library's worth of functions from one struct, compiled as one
// batch; every missing symbol or unsupported type is reported in one error.
func ExampleBindAll() {
	ucrt, _ := jitffi.Open("ucrtbase.dll")
	defer ucrt.Close()
	var c struct {
		Strlen  jitffi.Func1[string, jitffi.SizeT] `c:"strlen,fast"`
		Atoi    func(string) jitffi.Int            `c:"atoi"`
		Strdup  jitffi.Func1[string, *byte]        `c:"_strdup"`
		Free    jitffi.Func1[*byte, jitffi.Void]   `c:"free"`
		Missing jitffi.Func0[jitffi.Int]           `c:"no_such_function_anywhere,optional"`
	}
	if err := jitffi.BindAll(ucrt, &c); err != nil {
		panic(err)
	}
	p := c.Strdup.Call("jitffi")
	fmt.Println(c.Strlen.Call("four"), c.Atoi("-17"), jitffi.GoString(p))
	c.Free.Call(p)
	// Output: 4 -17 jitffi
}

// A signature known only at run time, parsed from header text, called through a Frame.
func ExampleBindDynamic() {
	ucrt, _ := jitffi.Open("ucrtbase.dll")
	defer ucrt.Close()
	env := abi.NewTypeEnv()
	if err := env.Declare("typedef struct { int quot; int rem; } div_t;"); err != nil {
		panic(err)
	}
	p := abi.Parser{Model: abi.Host.DataModel(), Env: env}
	proto, err := p.ParsePrototype("div_t __cdecl div(int numerator, int denominator);")
	if err != nil {
		panic(err)
	}
	div, err := jitffi.BindDynamic(ucrt, proto.Symbol, proto.Signature)
	if err != nil {
		panic(err)
	}
	f := div.NewFrame()
	f.SetInt(0, 17)
	f.SetInt(1, 5)
	div.Call(f)
	type divT struct{ Quot, Rem jitffi.Int }
	fmt.Println(proto.Name, proto.ParamNames, jitffi.ResultAs[divT](f))
	// Output: div [numerator denominator] {3 2}
}

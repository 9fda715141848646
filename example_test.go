//go:build linux && (cgo || amd64 || arm64)

package jitffi_test

import (
	"cmp"
	"fmt"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/abi"
)

// Open a library, bind a C function to Go types, call it.
func Example() {
	libm, err := jitffi.Open("libm.so.6")
	if err != nil {
		panic(err)
	}
	defer libm.Close()
	// double pow(double x, double y);
	pow, err := jitffi.Bind2[float64, float64, float64](libm, "pow")
	if err != nil {
		panic(err)
	}
	fmt.Println(pow.Call(2, 10))
	// Output: 1024
}

// C's int is 32 bits, Go's int 64: the C type names say what a C declaration says.
func ExampleBind1_cTypeNames() {
	libc, _ := jitffi.Open("libc.so.6")
	defer libc.Close()
	// int abs(int j);
	abs, _ := jitffi.Bind1[jitffi.Int, jitffi.Int](libc, "abs")
	// long labs(long j);
	labs, _ := jitffi.Bind1[jitffi.Long, jitffi.Long](libc, "labs")
	fmt.Println(abs.Call(-42), labs.Call(-(1 << 40)))
	// Output: 42 1099511627776
}

// A Go string is passed as a NUL-terminated copy, a slice as a pointer to its first
// element, and a char* result comes back as a Go string.
func ExampleBind2_stringsAndSlices() {
	libc, _ := jitffi.Open("libc.so.6")
	defer libc.Close()
	// size_t strlen(const char *s);
	strlen, _ := jitffi.Bind1[string, jitffi.SizeT](libc, "strlen")
	// void *memset(void *s, int c, size_t n);
	memset, _ := jitffi.Bind3[[]byte, jitffi.Int, jitffi.SizeT, unsafe.Pointer](libc, "memset")
	// char *strchr(const char *s, int c);
	strchr, _ := jitffi.Bind2[string, jitffi.Int, string](libc, "strchr")

	buf := make([]byte, 4)
	memset.Call(buf, 'z', 3)
	fmt.Println(strlen.Call("hello"), string(buf[:3]), strchr.Call("key=value", '='))
	// Output: 5 zzz =value
}

// CallErrno returns errno as the C function left it, read by the stub right after the
// call.
func ExampleFunc3_CallErrno() {
	libc, _ := jitffi.Open("libc.so.6")
	defer libc.Close()
	// long strtol(const char *nptr, char **endptr, int base);
	strtol, _ := jitffi.Bind3[string, **byte, jitffi.Int, jitffi.Long](libc, "strtol")
	v, errno := strtol.CallErrno("99999999999999999999", nil, 10)
	fmt.Println(v, errno)
	// Output: 9223372036854775807 numerical result out of range
}

// A C variadic function is bound for one set of variadic argument types: Variadic says
// how many parameters are fixed.
func ExampleVariadic() {
	libc, _ := jitffi.Open("libc.so.6")
	defer libc.Close()
	// int snprintf(char *str, size_t size, const char *format, ...);
	snprintf, _ := jitffi.Bind5[[]byte, jitffi.SizeT, string, jitffi.Int, float64, jitffi.Int](
		libc, "snprintf", jitffi.Variadic(3))
	buf := make([]byte, 32)
	n := snprintf.Call(buf, jitffi.SizeT(len(buf)), "%d: %.3f", 7, 3.14159)
	fmt.Println(string(buf[:n]))
	// Output: 7: 3.142
}

// A callback is a C function pointer that runs Go code: here qsort's comparator.
func ExampleNewCallback2() {
	libc, _ := jitffi.Open("libc.so.6")
	defer libc.Close()
	// void qsort(void *base, size_t nmemb, size_t size, int (*compar)(const void *, const void *));
	qsort, _ := jitffi.Bind4[[]int32, jitffi.SizeT, jitffi.SizeT, *jitffi.Callback, jitffi.Void](libc, "qsort")
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
	libc, _ := jitffi.Open("libc.so.6")
	defer libc.Close()
	var c struct {
		Strlen  jitffi.Func1[string, jitffi.SizeT]        `c:"strlen,fast"`
		Atoi    func(string) jitffi.Int                   `c:"atoi"`
		Strndup jitffi.Func2[string, jitffi.SizeT, *byte] `c:"strndup"`
		Free    jitffi.Func1[*byte, jitffi.Void]          `c:"free"`
		Missing jitffi.Func0[jitffi.Int]                  `c:"no_such_function_anywhere,optional"`
	}
	if err := jitffi.BindAll(libc, &c); err != nil {
		panic(err)
	}
	p := c.Strndup.Call("jitffi", 3)
	fmt.Println(c.Strlen.Call("four"), c.Atoi("-17"), jitffi.GoString(p))
	c.Free.Call(p)
	// Output: 4 -17 jit
}

// A signature known only at run time, parsed from header text, called through a Frame.
func ExampleBindDynamic() {
	libc, _ := jitffi.Open("libc.so.6")
	defer libc.Close()
	env := abi.NewTypeEnv()
	if err := env.Declare("typedef struct { int quot; int rem; } div_t;"); err != nil {
		panic(err)
	}
	p := abi.Parser{Model: abi.Host.DataModel(), Env: env}
	proto, err := p.ParsePrototype("extern div_t div(int numerator, int denominator);")
	if err != nil {
		panic(err)
	}
	div, err := jitffi.BindDynamic(libc, proto.Symbol, proto.Signature)
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

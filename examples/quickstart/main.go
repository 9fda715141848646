// Command quickstart is a tour of jitffi: it calls functions of the system's C library
// and math library from Go, without cgo code and without writing any C.
//
// Run it on Linux or Windows with:
//
//	go run ./examples/quickstart
//
// The libraries' names differ between the systems (libc.so.6 and libm.so.6 on Linux,
// ucrtbase.dll and msvcrt.dll on Windows), and so does the way C functions report errors:
// platform_unix.go and platform_windows.go hold what differs (platform_plan9.go only lets
// the tour compile where jitffi binds nothing).
//
// Each step binds a C function to Go types once, then calls it like a Go function. A
// binding is made once and reused: it costs a signature classification and a stub compile
// (shared by every function with the same signature), while a call costs about as much as
// a cgo call.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/jitffi/jitffi"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// Div and Ldiv mirror C's div_t and ldiv_t:
//
//	typedef struct { int quot; int rem; } div_t;
//	typedef struct { long quot; long rem; } ldiv_t;
//
// jitffi.Int and jitffi.Long are C's int and long on every platform (long is 64 bits on
// Linux, 32 on Windows). A Go struct matches a C struct when its fields have the same
// sizes in the same order; jitffi checks the layout at bind time. Field names do not
// matter to C.
type (
	Div  struct{ Quot, Rem jitffi.Int }
	Ldiv struct{ Quot, Rem jitffi.Long }
)

// run makes every call of the tour and prints one line per call to w.
func run(w io.Writer) error {
	// Open loads a shared library the way dlopen (LoadLibrary on Windows) does: a name
	// without a slash is looked up in the system's library path. Keep a library open while
	// its functions are used.
	libm, err := jitffi.Open(libmName)
	if err != nil {
		return err
	}
	defer libm.Close()
	libc, err := jitffi.Open(libcName)
	if err != nil {
		return err
	}
	defer libc.Close()

	// 1. double cos(double x);
	//
	// BindN binds a function of N parameters: the type arguments are the parameter types
	// followed by the result type. Go's float64 is C's double.
	cos, err := jitffi.Bind1[float64, float64](libm, "cos")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "cos(1) = %v\n", cos.Call(1))

	// 2. double pow(double x, double y);
	pow, err := jitffi.Bind2[float64, float64, float64](libm, "pow")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "pow(2, 10) = %v\n", pow.Call(2, 10))

	// 3. size_t strlen(const char *s);
	//
	// A Go string parameter is passed as a C string: a NUL-terminated copy that lives for
	// the call. jitffi.SizeT is C's size_t.
	strlen, err := jitffi.Bind1[string, jitffi.SizeT](libc, "strlen")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "strlen(%q) = %d\n", "hello, world", strlen.Call("hello, world"))

	// 4. int snprintf(char *buf, size_t size, const char *format, ...);
	//
	// A variadic function is bound for one call shape: Variadic(3) says the first three
	// parameters are the fixed ones, and the rest (here an int, a double and a float) are
	// the variadic arguments. The stub applies C's default argument promotions, so the
	// float32 travels as a double, just as it would from C. A []byte is passed as a
	// pointer to its first element: C writes into Go memory, which stays alive during the
	// call.
	stdio, err := jitffi.Open(snprintfLib)
	if err != nil {
		return err
	}
	defer stdio.Close()
	snprintf, err := jitffi.Bind6[[]byte, jitffi.SizeT, string, jitffi.Int, float64, float32, jitffi.Int](
		stdio, snprintfName, jitffi.Variadic(3))
	if err != nil {
		return err
	}
	buf := make([]byte, 64)
	n := snprintf.Call(buf, jitffi.SizeT(len(buf)), "%d %.3f %.2f", 42, 3.14159265, float32(0.75))
	fmt.Fprintf(w, "snprintf(buf, 64, %q, 42, 3.14159265, float32(0.75)) = %d, buf = %q\n",
		"%d %.3f %.2f", n, buf[:n])

	// 5. Error codes: C's errno on Linux, the thread's last-error value on Windows (see
	// errorCodeStep in platform_unix.go or platform_windows.go).
	if err := errorCodeStep(w, libc); err != nil {
		return err
	}

	// 6. div_t div(int num, int den);  ldiv_t ldiv(long num, long den);
	//
	// Structs are passed and returned by value. div_t (two ints) comes back in one
	// register; ldiv_t in two registers on Linux (16 bytes) and in one on Windows (8
	// bytes, long being 32 bits there). The stub knows which from the C calling
	// convention, and the result arrives as the Go struct.
	div, err := jitffi.Bind2[jitffi.Int, jitffi.Int, Div](libc, "div")
	if err != nil {
		return err
	}
	ldiv, err := jitffi.Bind2[jitffi.Long, jitffi.Long, Ldiv](libc, "ldiv")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "div(17, 5) = %+v\n", div.Call(17, 5))
	fmt.Fprintf(w, "ldiv(-1000000007, 10) = %+v\n", ldiv.Call(-1_000_000_007, 10))

	// 7. int abs(int n);
	//
	// BindFunc fills in a Go func variable instead, whose type spells the signature. It
	// reads most naturally, but goes through reflection: each call costs a few hundred
	// nanoseconds more than the typed BindN family above. A func type may also return
	// nothing (a C void function), or end its results with a syscall.Errno to get errno.
	var abs func(n jitffi.Int) jitffi.Int
	if err := jitffi.BindFunc(libc, "abs", &abs); err != nil {
		return err
	}
	fmt.Fprintf(w, "abs(-42) = %d (via BindFunc)\n", abs(-42))
	return nil
}

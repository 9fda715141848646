//go:build linux && !cgo

package bench_test

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/bench"
)

// This build has no cgo: package bench is Go only, and the cgo path's cells skip.
//
// The C side comes from the same C files cgo compiles in a cgo build, built by the C
// compiler (`go env CC`, as the library's own tests build their fixtures) when a cell
// first needs it: a shared library the cells reach through jitffi, and a reference
// program (testdata/ref.c) that calls the same functions from C and answers with their
// results, which the cells check their calls against.

// refName names the reference of every cell's check in agree's messages.
const refName = "the C reference program"

// cgoCells is nil: there is no cgo path here (see cgoCell).
var cgoCells map[string]func(b *testing.B)

// cSources are the C files of the shared library, in this package's directory (a test's
// working directory); libs are what they link against.
var (
	cSources = []string{"cfuncs.c", "floor.c", "callbacks.c", "sqlite.c"}
	cLibs    = []string{"-lz", "-lsqlite3"}
)

// built is what loadC made, for TestMain to remove when the tests end.
var built struct {
	sync.Mutex
	dir string
	ref *refProgram
}

func TestMain(m *testing.M) {
	code := m.Run()
	built.Lock()
	if built.ref != nil {
		if err := built.ref.close(); err != nil {
			fmt.Fprintln(os.Stderr, "bench: the C reference program:", err)
			if code == 0 {
				code = 1
			}
		}
	}
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	built.Unlock()
	os.Exit(code)
}

// loadC builds the shared library and the reference program, and binds the floor loops.
func loadC() (*cSide, error) {
	for _, src := range append([]string{"testdata/ref.c"}, cSources...) {
		if _, err := os.Stat(src); err != nil {
			return nil, fmt.Errorf("bench: the C side is built from the bench directory's C files; run the suite there: %w", err)
		}
	}
	dir, err := os.MkdirTemp("", "jitffi-bench-c-")
	if err != nil {
		return nil, err
	}
	built.Lock()
	built.dir = dir
	built.Unlock()
	libPath := filepath.Join(dir, "libjbench.so")
	if err := compileC(append(append([]string{"-shared", "-fPIC", "-o", libPath}, cSources...), cLibs...)); err != nil {
		return nil, err
	}
	refPath := filepath.Join(dir, "ref")
	if err := compileC([]string{"-I.", "-o", refPath, "testdata/ref.c", "cfuncs.c", "callbacks.c", "-lz"}); err != nil {
		return nil, err
	}
	ref, err := startRef(refPath, dir)
	if err != nil {
		return nil, err
	}
	built.Lock()
	built.ref = ref
	built.Unlock()

	l := &symbols{}
	fixtures := l.open(libPath)
	libc, libz, libsqlite := l.open(bench.LibC), l.open(bench.LibZ), l.open(bench.LibSqlite)
	c := &cSide{addr: cAddrs{
		Noop: l.sym(fixtures, "jb_noop"), Add: l.sym(fixtures, "jb_add"), Fma3: l.sym(fixtures, "jb_fma3"),
		Sum6: l.sym(fixtures, "jb_sum6"), Sum10: l.sym(fixtures, "jb_sum10"), Mixed8: l.sym(fixtures, "jb_mixed8"),
		Pair: l.sym(fixtures, "jb_pair_swap"), Vec3: l.sym(fixtures, "jb_vec3_scale"), FPair: l.sym(fixtures, "jb_fpair_rot"),
		SumBytes: l.sym(fixtures, "jb_sum_bytes"), CbCall: l.sym(fixtures, "jb_cb_call"),
		Snprintf: l.sym(libc, "snprintf"), Crc32: l.sym(libz, "crc32"), Compress2: l.sym(libz, "compress2"),
		Uncompress: l.sym(libz, "uncompress"), SqliteReset: l.sym(libsqlite, "sqlite3_reset"),
		SqliteStep: l.sym(libsqlite, "sqlite3_step"), SqliteColumnInt: l.sym(libsqlite, "sqlite3_column_int"),
		Strlen: l.sym(libc, "strlen"),
	}}
	if l.err != nil {
		return nil, l.err
	}
	if c.floor, err = bindFloors(fixtures, c.addr); err != nil {
		return nil, err
	}
	table, err := jitffi.Bind1[int32, uintptr](fixtures, "jb_sqlite_table")
	if err != nil {
		return nil, err
	}
	c.sqliteTable = func(rows int) (uintptr, error) {
		if stmt := table.Call(int32(rows)); stmt != 0 {
			return stmt, nil
		}
		return 0, errors.New("bench: cannot build the sqlite3 test table")
	}
	c.ref = ref.refs()
	return c, nil
}

// compileC runs the C compiler (`go env CC`, which honours $CC) with the suite's flags.
func compileC(args []string) error {
	out, err := exec.Command("go", "env", "CC").Output()
	if err != nil {
		return fmt.Errorf("go env CC: %w", err)
	}
	cc := strings.Fields(string(out))
	if len(cc) == 0 {
		cc = []string{"gcc"}
	}
	cmd := exec.Command(cc[0], append(append(cc[1:], "-std=gnu11", "-O2", "-Wall"), args...)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("bench: building the C side without cgo needs a C compiler (the fixtures are C): %s: %w\n%s",
			strings.Join(cmd.Args, " "), err, msg)
	}
	return nil
}

// symbols opens libraries and looks up symbols, keeping the first error.
type symbols struct{ err error }

func (s *symbols) open(path string) *jitffi.Library {
	if s.err != nil {
		return nil
	}
	lib, err := jitffi.Open(path)
	s.err = err
	return lib
}

func (s *symbols) sym(lib *jitffi.Library, name string) uintptr {
	if s.err != nil {
		return 0
	}
	addr, err := lib.Lookup(name)
	s.err = err
	return addr
}

// bindFloors binds the floor loops of the shared library with jitffi's default mode: one
// call from Go, then n calls in C.
func bindFloors(lib *jitffi.Library, a cAddrs) (cFloors, error) {
	var errs []error
	bind := func(err error) { errs = append(errs, err) }
	count, err := jitffi.Bind2[uintptr, int64, int64](lib, "jb_floor_noop")
	bind(err)
	add, err := jitffi.Bind2[uintptr, int64, int64](lib, "jb_floor_add")
	bind(err)
	sum6, err := jitffi.Bind2[uintptr, int64, int64](lib, "jb_floor_sum6")
	bind(err)
	sum10, err := jitffi.Bind2[uintptr, int64, int64](lib, "jb_floor_sum10")
	bind(err)
	pair, err := jitffi.Bind2[uintptr, int64, int64](lib, "jb_floor_pair")
	bind(err)
	fma3, err := jitffi.Bind2[uintptr, int64, float64](lib, "jb_floor_fma3")
	bind(err)
	mixed8, err := jitffi.Bind2[uintptr, int64, float64](lib, "jb_floor_mixed8")
	bind(err)
	vec3, err := jitffi.Bind2[uintptr, int64, float64](lib, "jb_floor_vec3")
	bind(err)
	fpair, err := jitffi.Bind2[uintptr, int64, float64](lib, "jb_floor_fpair")
	bind(err)
	sumBytes, err := jitffi.Bind4[uintptr, *byte, uintptr, int64, uint64](lib, "jb_floor_sum_bytes")
	bind(err)
	snprintf, err := jitffi.Bind5[uintptr, *byte, uintptr, *byte, int64, int64](lib, "jb_floor_snprintf")
	bind(err)
	crc32, err := jitffi.Bind4[uintptr, *byte, uint32, int64, uint64](lib, "jb_floor_crc32")
	bind(err)
	compress2, err := jitffi.Bind7[uintptr, *byte, uint64, *byte, uint64, int32, int64, int64](lib, "jb_floor_compress2")
	bind(err)
	uncompress, err := jitffi.Bind6[uintptr, *byte, uint64, *byte, uint64, int64, int64](lib, "jb_floor_uncompress")
	bind(err)
	scan, err := jitffi.Bind5[uintptr, uintptr, uintptr, uintptr, int64, int64](lib, "jb_floor_sqlite_scan")
	bind(err)
	strlen, err := jitffi.Bind3[uintptr, *byte, int64, uint64](lib, "jb_floor_strlen")
	bind(err)
	roundTrip, err := jitffi.Bind1[int64, int64](lib, "jb_floor_roundtrip")
	bind(err)
	qsort, err := jitffi.Bind2[*int32, uintptr, jitffi.Void](lib, "jb_qsort_c")
	bind(err)
	if err := errors.Join(errs...); err != nil {
		return cFloors{}, err
	}
	i64 := func(f jitffi.Func2[uintptr, int64, int64]) func(uintptr, int) int64 {
		return func(fn uintptr, n int) int64 { return f.Call(fn, int64(n)) }
	}
	f64 := func(f jitffi.Func2[uintptr, int64, float64]) func(uintptr, int) float64 {
		return func(fn uintptr, n int) float64 { return f.Call(fn, int64(n)) }
	}
	return cFloors{
		Noop: i64(count), Add: i64(add), Sum6: i64(sum6), Sum10: i64(sum10), Pair: i64(pair),
		Fma3: f64(fma3), Mixed8: f64(mixed8), Vec3: f64(vec3), FPair: f64(fpair),
		SumBytes: func(fn uintptr, p []byte, n int) uint64 {
			return sumBytes.Call(fn, &p[0], uintptr(len(p)), int64(n))
		},
		Snprintf: func(fn uintptr, buf, format []byte, n int) int64 {
			return snprintf.Call(fn, &buf[0], uintptr(len(buf)), &format[0], int64(n))
		},
		Crc32: func(fn uintptr, p []byte, n int) uint64 {
			return crc32.Call(fn, &p[0], uint32(len(p)), int64(n))
		},
		Compress2: func(fn uintptr, dst, src []byte, level int32, n int) int64 {
			return compress2.Call(fn, &dst[0], uint64(len(dst)), &src[0], uint64(len(src)), level, int64(n))
		},
		Uncompress: func(fn uintptr, dst, src []byte, n int) int64 {
			return uncompress.Call(fn, &dst[0], uint64(len(dst)), &src[0], uint64(len(src)), int64(n))
		},
		SqliteScan: func(stmt uintptr, n int) int64 {
			return scan.Call(a.SqliteReset, a.SqliteStep, a.SqliteColumnInt, stmt, int64(n))
		},
		Strlen: func(fn uintptr, s []byte, n int) uint64 {
			return strlen.Call(fn, &s[0], int64(n))
		},
		RoundTrip: func(n int) int64 { return roundTrip.Call(int64(n)) },
		Qsort:     func(p []int32) { qsort.Call(&p[0], uintptr(len(p))) },
	}, nil
}

// A refProgram is the running C reference program (testdata/ref.c): one request per
// line in, one answer per line out.
type refProgram struct {
	mu  sync.Mutex
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
	dir string // for the files of compress2
}

func startRef(path, dir string) (*refProgram, error) {
	cmd := exec.Command(path)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &refProgram{cmd: cmd, in: in, out: bufio.NewReader(out), dir: dir}, nil
}

func (r *refProgram) close() error {
	r.in.Close()
	return r.cmd.Wait()
}

// ask sends one request and returns the answer's fields. The reference is the one thing
// every check rests on, so an answer it cannot give is a panic, not a benchmark failure.
func (r *refProgram) ask(op string, args ...any) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	req := op
	for _, a := range args {
		switch a := a.(type) {
		case float64:
			req += " " + strconv.FormatFloat(a, 'x', -1, 64)
		case float32:
			req += " " + strconv.FormatFloat(float64(a), 'x', -1, 64)
		case []byte:
			req += " " + hex.EncodeToString(a)
		default:
			req += fmt.Sprint(" ", a)
		}
	}
	if _, err := io.WriteString(r.in, req+"\n"); err != nil {
		panic(fmt.Sprintf("bench: the C reference program: %q: %v", req, err))
	}
	line, err := r.out.ReadString('\n')
	f := strings.Fields(line)
	if err != nil || len(f) == 0 || f[0] == "error" {
		panic(fmt.Sprintf("bench: the C reference program: %q: answer %q, %v", req, line, err))
	}
	return f
}

func (r *refProgram) int(op string, args ...any) int64 {
	f := r.ask(op, args...)
	v, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		panic(fmt.Sprintf("bench: the C reference program: %s: %v", op, err))
	}
	return v
}

func (r *refProgram) uint(op string, args ...any) uint64 {
	f := r.ask(op, args...)
	v, err := strconv.ParseUint(f[0], 10, 64)
	if err != nil {
		panic(fmt.Sprintf("bench: the C reference program: %s: %v", op, err))
	}
	return v
}

// floats parses an answer of n hexadecimal floating-point numbers.
func (r *refProgram) floats(n int, op string, args ...any) []float64 {
	f := r.ask(op, args...)
	if len(f) != n {
		panic(fmt.Sprintf("bench: the C reference program: %s: %d values, want %d", op, len(f), n))
	}
	v := make([]float64, n)
	for i := range v {
		var err error
		if v[i], err = strconv.ParseFloat(f[i], 64); err != nil {
			panic(fmt.Sprintf("bench: the C reference program: %s: %v", op, err))
		}
	}
	return v
}

// refs are the reference program's answers, in the shape of cgo's calls.
func (r *refProgram) refs() cRefs {
	return cRefs{
		Add:  func(a, b int32) int32 { return int32(r.int("add", a, b)) },
		Fma3: func(a, b, c float64) float64 { return r.floats(1, "fma3", a, b, c)[0] },
		Sum6: func(a, b, c, d, e, f int64) int64 { return r.int("sum6", a, b, c, d, e, f) },
		Sum10: func(a, b, c, d, e, f, g, h, i, j int64) int64 {
			return r.int("sum10", a, b, c, d, e, f, g, h, i, j)
		},
		Mixed8: func(a int32, b float64, c int64, d float32, e int32, f float64, g int64, h float32) float64 {
			return r.floats(1, "mixed8", a, b, c, d, e, f, g, h)[0]
		},
		Pair: func(p bench.Pair) bench.Pair {
			f := r.ask("pair", p.A, p.B)
			a, errA := strconv.ParseInt(f[0], 10, 64)
			b, errB := strconv.ParseInt(f[len(f)-1], 10, 64)
			if len(f) != 2 || errA != nil || errB != nil {
				panic(fmt.Sprintf("bench: the C reference program: pair: answer %q", f))
			}
			return bench.Pair{A: a, B: b}
		},
		Vec3: func(v bench.Vec3) bench.Vec3 {
			f := r.floats(3, "vec3", v.X, v.Y, v.Z)
			return bench.Vec3{X: f[0], Y: f[1], Z: f[2]}
		},
		FPair: func(p bench.FPair) bench.FPair {
			f := r.floats(2, "fpair", p.X, p.Y)
			return bench.FPair{X: float32(f[0]), Y: float32(f[1])} // exact: C's floats, widened to print
		},
		SumBytes: func(p []byte) uint64 { return r.uint("sum_bytes", p) },
		Snprintf: func(buf, format []byte, i int32, d float64) int32 {
			f := r.ask("snprintf", len(buf), format[:len(format)-1], i, d) // the format without its NUL
			n, err := strconv.ParseInt(f[0], 10, 32)
			var text []byte
			if err == nil && len(f) > 1 {
				text, err = hex.DecodeString(f[1])
			}
			if err != nil || len(text) >= len(buf) {
				panic(fmt.Sprintf("bench: the C reference program: snprintf: answer %q (%v)", f, err))
			}
			clear(buf)
			copy(buf, text) // and the NUL after it
			return int32(n)
		},
		Strlen: func(s []byte) uint64 {
			in := filepath.Join(r.dir, "strlen.in")
			if err := os.WriteFile(in, s, 0o600); err != nil {
				panic(err)
			}
			return r.uint("strlen", in)
		},
		RoundTrip:     func(x int64) int64 { return r.int("roundtrip", x) },
		Crc32:         func(crc uint64, p []byte) uint64 { return r.uint("crc32", crc, p) },
		CompressBound: func(n int) int { return int(r.uint("compress_bound", n)) },
		Compress2: func(dst []byte, dstLen *uint64, src []byte, level int32) int32 {
			in, out := filepath.Join(r.dir, "compress2.in"), filepath.Join(r.dir, "compress2.out")
			if err := os.WriteFile(in, src, 0o600); err != nil {
				panic(err)
			}
			f := r.ask("compress2", level, *dstLen, in, out)
			rc, err := strconv.ParseInt(f[0], 10, 32)
			z, errOut := os.ReadFile(out)
			if err != nil || errOut != nil || len(z) > len(dst) {
				panic(fmt.Sprintf("bench: the C reference program: compress2: answer %q (%v, %v)", f, err, errOut))
			}
			*dstLen = uint64(copy(dst, z))
			return int32(rc)
		},
	}
}

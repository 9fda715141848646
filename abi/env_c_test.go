package abi_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// envOracleDecls add to the zlib and sqlite declarations what those lack: character
// typedefs, enums of both signs, self-referential and packed tags, unions, members that are
// function pointers, arrays sized by constant expressions.
const envOracleDecls = `
typedef char gchar;
typedef unsigned char guchar;
typedef signed char gint8;
enum colour { RED, GREEN = 5, BLUE };
enum signed_e { NEG = -3, POS = 3 };
enum { ANON_A = 1 << 3 };
typedef struct node { int v; struct node *next; char name[ANON_A * 2 + 1]; } node_t;
typedef union value { long l; double d; char bytes[sizeof(double) * 3]; } value;
struct __attribute__((packed)) packed_s { char c; long l; short s[3]; };
typedef struct {
	gchar tag;
	enum colour col;
	void (*cb)(int, const char *);
	unsigned long flags;
	struct { short x, y; } pos[2];
	union value v;
} widget;
typedef widget widgets[BLUE - GREEN + 2];
`

// TestEnvAgainstC declares C text, from zlib.h, sqlite3.h and more, both to the host's C
// compiler and to a TypeEnv, and compares every size, alignment, member offset and
// signedness the compiler computes for the declared names with the types the parser
// gives them under the host's data model. The C compiler is the oracle.
func TestEnvAgainstC(t *testing.T) {
	if strconv.IntSize != 64 || abi.Host == 0 {
		t.Skip("abi lays types out for the 64-bit hosts jitffi supports; this host's C compiler is not a valid oracle")
	}
	cc := layoutCC(t)
	env := abi.NewTypeEnv()
	text := zlibDecls + sqliteDecls + envOracleDecls
	declare(t, env, text)
	parser := abi.Parser{Model: abi.Host.DataModel(), Env: env}

	names := []string{
		"Byte", "uInt", "uLong", "Bytef", "uLongf", "voidpf", "voidpc", "alloc_func", "free_func",
		"z_stream", "struct z_stream_s", "z_streamp", "gzFile", "in_func", "out_func",
		"sqlite3_int64", "sqlite3_uint64", "sqlite_int64", "sqlite3_callback", "sqlite3_destructor_type",
		"gchar", "guchar", "gint8", "char", "long", "unsigned long", "enum colour", "enum signed_e",
		"node_t", "struct node", "value", "union value", "struct packed_s", "widget", "widgets",
	}
	type check struct {
		expr string
		want int
	}
	var checks []check
	for _, name := range names {
		typ, err := parser.ParseType(name)
		if err != nil {
			t.Fatalf("ParseType(%q): %v", name, err)
		}
		checks = append(checks, check{"sizeof(" + name + ")", typ.Size()}, check{"_Alignof(" + name + ")", typ.Align()})
		if typ.Kind.IsInteger() && typ.Kind != abi.Bool {
			checks = append(checks, check{"(" + name + ")-1 < 0", map[bool]int{true: 1}[typ.Kind.IsSigned()]})
		}
		if typ.Kind == abi.Struct || typ.Kind == abi.Union {
			for _, f := range typ.Fields {
				checks = append(checks, check{fmt.Sprintf("__builtin_offsetof(%s, %s)", name, f.Name), f.Offset})
			}
		}
	}

	var src strings.Builder
	src.WriteString("int printf(const char *, ...);\n")
	src.WriteString(text)
	src.WriteString("\nstatic const long long v[] = {\n")
	for _, c := range checks {
		fmt.Fprintf(&src, "\t(long long)(%s),\n", c.expr)
	}
	src.WriteString("};\n\nint main(void) {\n\tfor (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)\n\t\tprintf(\"%lld\\n\", v[i]);\n\treturn 0;\n}\n")
	dir := t.TempDir()
	file := filepath.Join(dir, "env.c")
	bin := filepath.Join(dir, "env")
	if err := os.WriteFile(file, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append(append([]string{}, cc[1:]...), "-std=gnu11", "-w", "-O0", "-o", bin, file)
	if out, err := exec.Command(cc[0], args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", cc[0], strings.Join(args, " "), err, out)
	}
	var stderr bytes.Buffer
	cmd := ctest.Command(bin)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("running the program: %v\n%s", err, stderr.String())
	}
	got := strings.Fields(string(out))
	if len(got) != len(checks) {
		t.Fatalf("the program printed %d values, want %d", len(got), len(checks))
	}
	for i, c := range checks {
		if got[i] != strconv.Itoa(c.want) {
			t.Errorf("C says %s = %s, the parser (%v) says %d", c.expr, got[i], parser.Model, c.want)
		}
	}
	t.Logf("%d values of %d declared names compared with %s", len(checks), len(names), cc[0])
}

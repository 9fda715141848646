package sqlite3_test

import (
	"errors"
	"strings"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/gen/examples/sqlite3"
)

// db opens an in-memory database through the generated bindings.
func db(t *testing.T) (*sqlite3.Lib, *sqlite3.Sqlite3) {
	t.Helper()
	s, err := sqlite3.Open()
	if errors.Is(err, jitffi.ErrLibraryNotFound) {
		t.Skipf("no sqlite3 library (Debian: apt-get install libsqlite3-0): %v", err)
	}
	if err != nil {
		t.Fatalf("sqlite3.Open: %v", err)
	}
	var conn *sqlite3.Sqlite3
	if rc := s.Sqlite3_open.Call(":memory:", &conn); rc != sqlite3.SQLITE_OK {
		t.Fatalf("sqlite3_open: %d", rc)
	}
	t.Cleanup(func() {
		if rc := s.Sqlite3_close.Call(conn); rc != sqlite3.SQLITE_OK {
			t.Errorf("sqlite3_close: %d (%s)", rc, s.Sqlite3_errmsg.Call(conn))
		}
		s.Close()
	})
	return s, conn
}

func exec(t *testing.T, s *sqlite3.Lib, conn *sqlite3.Sqlite3, sql string) {
	t.Helper()
	var errmsg *byte
	if rc := s.Sqlite3_exec.Call(conn, sql, nil, nil, &errmsg); rc != sqlite3.SQLITE_OK {
		t.Fatalf("%s: %d (%s)", sql, rc, jitffi.GoString(errmsg))
	}
}

func prepare(t *testing.T, s *sqlite3.Lib, conn *sqlite3.Sqlite3, sql string) *sqlite3.Sqlite3_stmt {
	t.Helper()
	var stmt *sqlite3.Sqlite3_stmt
	if rc := s.Sqlite3_prepare_v2.Call(conn, sql, -1, &stmt, nil); rc != sqlite3.SQLITE_OK {
		t.Fatalf("prepare %q: %d (%s)", sql, rc, s.Sqlite3_errmsg.Call(conn))
	}
	return stmt
}

// TestCreateInsertQuery creates a table, inserts rows with bound parameters and reads
// them back.
func TestCreateInsertQuery(t *testing.T) {
	s, conn := db(t)
	if v := s.Sqlite3_libversion.Call(); !strings.HasPrefix(v, "3.") || v != jitffi.GoString(s.Sqlite3_version) {
		t.Fatalf("sqlite3_libversion() = %q, the sqlite3_version variable says %q", v, jitffi.GoString(s.Sqlite3_version))
	}
	if n := s.Sqlite3_libversion_number.Call(); n != sqlite3.SQLITE_VERSION_NUMBER && n/1000000 != 3 {
		t.Fatalf("sqlite3_libversion_number() = %d", n)
	}
	exec(t, s, conn, "CREATE TABLE fruit (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL, stock INTEGER)")

	ins := prepare(t, s, conn, "INSERT INTO fruit (name, price, stock) VALUES (?1, ?2, ?3)")
	rows := []struct {
		name  string
		price float64
		stock int64
	}{{"apple", 0.5, 120}, {"banana", 0.25, 1 << 40}, {"cherry", 12.75, -3}}
	for _, r := range rows {
		// SQLITE_TRANSIENT makes sqlite copy the text: the string jitffi passed is a copy
		// that lives only through the call.
		if rc := s.Sqlite3_bind_text.Call(ins, 1, r.name, -1, sqlite3.SQLITE_TRANSIENT); rc != sqlite3.SQLITE_OK {
			t.Fatalf("bind_text: %d", rc)
		}
		s.Sqlite3_bind_double.Call(ins, 2, r.price)
		s.Sqlite3_bind_int64.Call(ins, 3, sqlite3.Sqlite3_int64(r.stock))
		if rc := s.Sqlite3_step.Call(ins); rc != sqlite3.SQLITE_DONE {
			t.Fatalf("insert %s: step %d (%s)", r.name, rc, s.Sqlite3_errmsg.Call(conn))
		}
		s.Sqlite3_reset.Call(ins)
	}
	s.Sqlite3_finalize.Call(ins)
	if id := s.Sqlite3_last_insert_rowid.Call(conn); id != 3 {
		t.Fatalf("last_insert_rowid = %d", id)
	}

	q := prepare(t, s, conn, "SELECT name, price, stock FROM fruit WHERE price < ?1 ORDER BY name")
	defer s.Sqlite3_finalize.Call(q)
	s.Sqlite3_bind_double.Call(q, 1, 1.0)
	var got []string
	for s.Sqlite3_step.Call(q) == sqlite3.SQLITE_ROW {
		name := jitffi.GoString(s.Sqlite3_column_text.Call(q, 0))
		price := s.Sqlite3_column_double.Call(q, 1)
		stock := s.Sqlite3_column_int64.Call(q, 2)
		got = append(got, name)
		for _, r := range rows {
			if r.name == name && (r.price != price || r.stock != int64(stock)) {
				t.Errorf("%s: read %v, %d; inserted %v, %d", name, price, stock, r.price, r.stock)
			}
		}
	}
	if strings.Join(got, ",") != "apple,banana" {
		t.Fatalf("query gave %v", got)
	}
}

// TestExecCallback runs sqlite3_exec with a Go callback of the generated
// sqlite3_callback type.
func TestExecCallback(t *testing.T) {
	s, conn := db(t)
	exec(t, s, conn, "CREATE TABLE t (a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'one'), (2, NULL), (3, 'three')")
	var seen []string
	cb, err := sqlite3.NewSqlite3_callback(func(arg unsafe.Pointer, n jitffi.Int, values, names **byte) jitffi.Int {
		vals := unsafe.Slice(values, n)
		cols := unsafe.Slice(names, n)
		var row []string
		for i := range vals {
			v := "NULL"
			if vals[i] != nil {
				v = jitffi.GoString(vals[i])
			}
			row = append(row, jitffi.GoString(cols[i])+"="+v)
		}
		seen = append(seen, strings.Join(row, " "))
		*(*int)(arg)++
		return 0
	})
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Free()
	calls := 0
	var errmsg *byte
	if rc := s.Sqlite3_exec.Call(conn, "SELECT a, b FROM t ORDER BY a", cb, unsafe.Pointer(&calls), &errmsg); rc != sqlite3.SQLITE_OK {
		t.Fatalf("sqlite3_exec: %d (%s)", rc, jitffi.GoString(errmsg))
	}
	want := "a=1 b=one|a=2 b=NULL|a=3 b=three"
	if strings.Join(seen, "|") != want || calls != 3 {
		t.Fatalf("callback saw %q (%d calls), want %q", strings.Join(seen, "|"), calls, want)
	}
	// A callback that returns non-zero aborts the query: SQLITE_ABORT.
	stop, err := sqlite3.NewSqlite3_callback(func(unsafe.Pointer, jitffi.Int, **byte, **byte) jitffi.Int { return 1 })
	if err != nil {
		t.Fatal(err)
	}
	defer stop.Free()
	if rc := s.Sqlite3_exec.Call(conn, "SELECT a FROM t", stop, nil, nil); rc != sqlite3.SQLITE_ABORT {
		t.Fatalf("sqlite3_exec with an aborting callback: %d, want SQLITE_ABORT", rc)
	}
}

// TestCreateFunction registers Go functions with sqlite3_create_function and uses them
// in SQL.
func TestCreateFunction(t *testing.T) {
	s, conn := db(t)
	// go_shout(text) upper-cases its argument and appends "!".
	shout, err := jitffi.NewCallback3(func(ctx *sqlite3.Sqlite3_context, n jitffi.Int, args **sqlite3.Sqlite3_value) jitffi.Void {
		arg := unsafe.Slice(args, n)[0]
		s.Sqlite3_result_text.Call(ctx, strings.ToUpper(jitffi.GoString(s.Sqlite3_value_text.Call(arg)))+"!", -1, sqlite3.SQLITE_TRANSIENT)
		return jitffi.Void{}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer shout.Free()
	// go_mul(a, b) multiplies two integers, or fails for a zero.
	mul, err := jitffi.NewCallback3(func(ctx *sqlite3.Sqlite3_context, n jitffi.Int, args **sqlite3.Sqlite3_value) jitffi.Void {
		a := unsafe.Slice(args, n)
		x, y := s.Sqlite3_value_int64.Call(a[0]), s.Sqlite3_value_int64.Call(a[1])
		if x == 0 || y == 0 {
			s.Sqlite3_result_error.Call(ctx, "go_mul: zero", -1)
			return jitffi.Void{}
		}
		s.Sqlite3_result_int64.Call(ctx, x*y)
		return jitffi.Void{}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer mul.Free()
	if rc := s.Sqlite3_create_function.Call(conn, "go_shout", 1, sqlite3.SQLITE_UTF8|sqlite3.SQLITE_DETERMINISTIC, nil, shout, nil, nil); rc != sqlite3.SQLITE_OK {
		t.Fatalf("create_function go_shout: %d", rc)
	}
	if rc := s.Sqlite3_create_function.Call(conn, "go_mul", 2, sqlite3.SQLITE_UTF8, nil, mul, nil, nil); rc != sqlite3.SQLITE_OK {
		t.Fatalf("create_function go_mul: %d", rc)
	}
	exec(t, s, conn, "CREATE TABLE w (word TEXT, n INTEGER); INSERT INTO w VALUES ('hey', 6), ('go', 7)")
	q := prepare(t, s, conn, "SELECT go_shout(word), go_mul(n, 1000000007) FROM w ORDER BY n")
	var got []string
	for s.Sqlite3_step.Call(q) == sqlite3.SQLITE_ROW {
		got = append(got, jitffi.GoString(s.Sqlite3_column_text.Call(q, 0))+" "+jitffi.GoString(s.Sqlite3_column_text.Call(q, 1)))
	}
	s.Sqlite3_finalize.Call(q)
	if want := "HEY! 6000000042|GO! 7000000049"; strings.Join(got, "|") != want {
		t.Fatalf("got %q, want %q", strings.Join(got, "|"), want)
	}
	// The Go function's error reaches SQL.
	bad := prepare(t, s, conn, "SELECT go_mul(0, 1)")
	defer s.Sqlite3_finalize.Call(bad)
	if rc := s.Sqlite3_step.Call(bad); rc != sqlite3.SQLITE_ERROR || s.Sqlite3_errmsg.Call(conn) != "go_mul: zero" {
		t.Fatalf("go_mul(0, 1): step %d, errmsg %q", rc, s.Sqlite3_errmsg.Call(conn))
	}
}

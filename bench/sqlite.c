//go:build cgo

// cgo compiles this file into package bench; a CGO_ENABLED=0 build of the suite's tests
// compiles it with gcc into a shared library instead (cside_nocgo_test.go).

// The sqlite3 row's table: built once per process, then scanned by every path.
#include <sqlite3.h>
#include "cfuncs.h"

// jb_sqlite_table opens an in-memory database holding table t with rows x = 0 .. rows-1
// and prepares "SELECT x FROM t" on it. It returns the statement (a sqlite3_stmt *), or NULL.
void *jb_sqlite_table(int rows) {
	sqlite3 *db;
	sqlite3_stmt *ins, *sel;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK) return NULL;
	if (sqlite3_exec(db, "CREATE TABLE t(x INTEGER); BEGIN", 0, 0, 0) != SQLITE_OK) return NULL;
	if (sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?)", -1, &ins, 0) != SQLITE_OK) return NULL;
	for (int i = 0; i < rows; i++) {
		sqlite3_bind_int(ins, 1, i);
		if (sqlite3_step(ins) != SQLITE_DONE) return NULL;
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	if (sqlite3_exec(db, "COMMIT", 0, 0, 0) != SQLITE_OK) return NULL;
	if (sqlite3_prepare_v2(db, "SELECT x FROM t", -1, &sel, 0) != SQLITE_OK) return NULL;
	return sel;
}

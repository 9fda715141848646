package sqlite3

// The optional functions exist only in builds with the matching compile-time options
// (SQLITE_ENABLE_SNAPSHOT, SQLITE_ENABLE_STMT_SCANSTATUS, SQLITE_DEBUG, Windows).
//go:generate go run ../../cmd/jitffi-gen -targets linux/amd64,linux/arm64,windows/amd64 -idirafter /usr/include -package sqlite3 -lib linux:libsqlite3.so.0,libsqlite3.so -lib windows:sqlite3.dll,winsqlite3.dll -optional ^sqlite3_(win32_|mutex_held|mutex_notheld|stmt_scanstatus|snapshot_) sqlite3.h

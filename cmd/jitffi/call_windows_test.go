package main

import (
	"strings"
	"testing"
)

// TestCallWindows is call_test.go's TestCall with Windows' libraries: the Universal C
// Runtime (ucrtbase.dll), msvcrt.dll for the printf family (ucrtbase exports none of
// snprintf's names) and kernel32.dll. Signatures are read with Windows' data model (LLP64:
// long is 32 bits), and --errno prints the thread's last-error value.
func TestCallWindows(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string // the whole output, or its start when it ends in "..."
	}{
		{"cos", []string{"ucrtbase.dll", "cos", "double (double)", "0"}, "1\n"},
		{"cosf fast", []string{"--fast", "ucrtbase.dll", "cosf", "float (float)", "0.5"}, "0.87758255\n"},
		{"pow", []string{"ucrtbase.dll", "pow", "double (double, double)", "2", "-0.5"}, "0.7071067811865476\n"},
		{"strlen", []string{"ucrtbase.dll", "strlen", "size_t (const char*)", "hello"}, "5\n"},
		{"abs", []string{"ucrtbase.dll", "abs", "int (int)", "-5"}, "5\n"},
		{"labs is 32-bit", []string{"ucrtbase.dll", "labs", "long (long)", "-0x10"}, "16\n"},
		{"ldiv LLP64", []string{"ucrtbase.dll", "ldiv", "struct{long quot; long rem;} (long, long)", "-2000000003", "1000"},
			"{quot: -2000000, rem: -3}\n"},
		{"lldiv", []string{"ucrtbase.dll", "lldiv", "struct{long long quot; long long rem;} (long long, long long)", "-1099511627779", "1048576"},
			"{quot: -1048576, rem: -3}\n"},
		{"snprintf", []string{"msvcrt.dll", "_snprintf", "int32_t (char*, size_t, char*, ..., double)", "buf:64", "64", "%.3f", "3.14159"},
			"5\narg 0 buf: \"3.142\"\n"},
		{"snprintf promotes", []string{"msvcrt.dll", "_snprintf", "int (char*, size_t, char*, ..., int, float, char*)", "buf:32", "32", "%d|%.1f|%s", "-7", "2.5", "ok"},
			"9\narg 0 buf: \"-7|2.5|ok\"\n"},
		{"last error", []string{"--errno", "kernel32.dll", "GetFileAttributesA", "uint32_t (const char*)", `C:\jitffi-no-such-file`},
			"4294967295\nerrno: 2: ..."},
		{"void", []string{"ucrtbase.dll", "srand", "void (unsigned)", "1"}, ""},
		{"hex argument", []string{"ucrtbase.dll", "toupper", "int (int)", "0x61"}, "65\n"},
		{"null string result", []string{"ucrtbase.dll", "getenv", "char* (char*)", "JITFFI_SURELY_UNSET_VARIABLE"}, "NULL\n"},
		{"null pointer result", []string{"--raw", "ucrtbase.dll", "getenv", "char* (char*)", "JITFFI_SURELY_UNSET_VARIABLE"}, "0x0\n"},
		{"string result", []string{"ucrtbase.dll", "char *strchr(const char *s, int c);", "hello", "108"}, "\"llo\"\n"},
		{"prototype LLP64", []string{"--decl", "typedef unsigned long uLong; typedef struct { long quot; long rem; } ldiv_t;",
			"ucrtbase.dll", "ldiv_t ldiv(long numer, long denom);", "-2000000003", "1000"}, "{quot: -2000000, rem: -3}\n"},
		{"declared", []string{"--decl", "#define WINBASEAPI __declspec(dllimport)\n#define WINAPI __stdcall\ntypedef unsigned long DWORD;\nWINBASEAPI DWORD WINAPI GetCurrentProcessId(void);",
			"kernel32.dll", "GetCurrentProcessId"}, "..."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, append([]string{"call"}, tc.args...)...)
			ok := stdout == tc.want
			if prefix, cut := strings.CutSuffix(tc.want, "..."); cut {
				ok = strings.HasPrefix(stdout, prefix)
			}
			if code != exitOK || !ok || stderr != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 0, stdout %q", code, stdout, stderr, tc.want)
			}
		})
	}
}

func TestCallErrorsWindows(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"missing library", []string{"jitffi-no-such-library.dll", "f", "int (void)"}, "jitffi-no-such-library.dll"},
		{"missing symbol", []string{"ucrtbase.dll", "jitffi_no_such_symbol", "int (void)"}, "jitffi_no_such_symbol"},
		{"long out of range", []string{"ucrtbase.dll", "labs", "long (long)", "2147483648"}, "2147483648 is out of range for int32_t"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, append([]string{"call"}, tc.args...)...)
			if code != exitError || stdout != "" || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", code, stdout, stderr, tc.want)
			}
		})
	}
}

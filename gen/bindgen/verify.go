package bindgen

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// verify asks the target's C compiler whether it lays every type out, and computes every
// integer constant, as the front end does: a program of static assertions, one per
// number, compiled (not run, so any target's cross compiler will do). It returns, for
// each type or constant the compiler disagrees on, why. The front end does not know
// every attribute (it lays a struct declared packed after its body out unpacked), and
// folds some macros wrongly; what the compiler refuses is skipped, never guessed.
func (g *generator) verify() (map[string]string, error) {
	var rows []layoutRow
	for _, r := range g.rows() {
		if r.want != "" {
			rows = append(rows, r)
		}
	}
	dir, err := os.MkdirTemp("", "jitffi-gen-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	// A row the compiler cannot evaluate as a constant (a cast of a pointer, say) is not
	// a disagreement: it is dropped and the rest compiled again.
	for try := 0; try < 4; try++ {
		bad, unusable, err := g.compileChecks(dir, rows)
		if err != nil || len(unusable) == 0 {
			return bad, err
		}
		var keep []layoutRow
		for i, r := range rows {
			if !unusable[i] {
				keep = append(keep, r)
			}
		}
		rows = keep
	}
	return nil, fmt.Errorf("bindgen: %v: the compiler keeps refusing the layout checks", g.c.Target)
}

// compileChecks compiles one static assertion per row; it returns the disagreements
// and the rows the compiler could not evaluate.
func (g *generator) compileChecks(dir string, rows []layoutRow) (map[string]string, map[int]bool, error) {
	var b strings.Builder
	b.WriteString("#include <stddef.h>\n#include <stdint.h>\n")
	for _, h := range g.c.Headers {
		fmt.Fprintf(&b, "#include <%s>\n", includeName(h))
	}
	start := strings.Count(b.String(), "\n") + 1
	for _, r := range rows {
		fmt.Fprintf(&b, "_Static_assert((unsigned long long)(%s) == %s, %q);\n", r.c, r.want, r.key)
	}
	src := filepath.Join(dir, "verify.c")
	if err := os.WriteFile(src, []byte(b.String()), 0o644); err != nil {
		return nil, nil, err
	}
	compiler := g.c.CC
	if compiler == "" {
		compiler = g.c.Target.DefaultCompiler()
	}
	args := []string{"-std=gnu11", "-fsyntax-only", "-fmax-errors=0", "-w"}
	for _, h := range g.c.Headers {
		if isPath(h) {
			args = append(args, "-I"+filepath.Dir(h))
		}
	}
	for _, d := range g.c.IncludeDirs {
		args = append(args, "-I"+d)
	}
	for _, d := range g.c.AfterDirs {
		args = append(args, "-idirafter", d)
	}
	for _, d := range g.c.Defines {
		args = append(args, "-D"+d)
	}
	args = append(args, src)
	out, err := exec.Command(compiler, args...).CombinedOutput()
	if err == nil {
		return nil, nil, nil
	}
	bad := map[string]string{}
	unusable := map[int]bool{}
	lineRE := regexp.MustCompile(`verify\.c:(\d+):\d+: error: (.*)`)
	for _, l := range strings.Split(string(out), "\n") {
		m := lineRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		i := n - start
		if i < 0 || i >= len(rows) {
			continue
		}
		r := rows[i]
		if !strings.Contains(m[2], "static assertion failed") {
			unusable[i] = true
			continue
		}
		if _, seen := bad[r.owner]; !seen {
			what := map[byte]string{'S': "the size of", 'A': "the alignment of", 'O': "the offset of", 'F': "the size of", 'I': "the value of"}[r.key[0]]
			bad[r.owner] = fmt.Sprintf("the C compiler disagrees with the front end on %s %s (the front end reads %s, perhaps an attribute it ignores): left out, not guessed",
				what, r.key[2:], strings.TrimSuffix(r.want, "ULL"))
		}
	}
	if len(bad) == 0 && len(unusable) == 0 {
		return nil, nil, fmt.Errorf("bindgen: %s cannot compile the checks of the headers for %v: %v\n%s", compiler, g.c.Target, err, firstLines(string(out), 20))
	}
	return bad, unusable, nil
}

func firstLines(s string, n int) string {
	l := strings.SplitN(s, "\n", n+1)
	if len(l) > n {
		l = l[:n]
	}
	return strings.Join(l, "\n")
}

package bindgen

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"modernc.org/cc/v4"
	"modernc.org/token"
)

// docReader finds the comments that document declarations, reading the header files
// themselves: the front end's tokens carry no comments after preprocessing.
type docReader struct {
	files map[string][]string
}

func newDocReader() *docReader { return &docReader{files: map[string][]string{}} }

func (r *docReader) lines(file string) []string {
	file = filepath.Clean(file)
	if l, ok := r.files[file]; ok {
		return l
	}
	b, err := os.ReadFile(file)
	var l []string
	if err == nil {
		l = strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	}
	r.files[file] = l
	return l
}

// above returns the comment that ends on the line just before pos, or just before the
// block of declaration lines pos is part of (sqlite documents a group of functions with
// one comment), or "".
func (r *docReader) above(pos token.Position) string {
	lines := r.lines(pos.Filename)
	i := pos.Line - 2 // the line before, 0-based
	if i < 0 || i >= len(lines) {
		return ""
	}
	// Climb over the group of declaration lines without a blank line in between.
	for i >= 0 && strings.TrimSpace(lines[i]) != "" && !strings.HasSuffix(strings.TrimSpace(lines[i]), "*/") && !isLineComment(lines[i]) {
		i--
	}
	if i < 0 {
		return ""
	}
	return r.commentEndingAt(lines, i)
}

func isLineComment(l string) bool { return strings.HasPrefix(strings.TrimSpace(l), "//") }

// commentEndingAt reads the comment whose last line is lines[end].
func (r *docReader) commentEndingAt(lines []string, end int) string {
	l := strings.TrimSpace(lines[end])
	if isLineComment(l) {
		start := end
		for start > 0 && isLineComment(lines[start-1]) {
			start--
		}
		var out []string
		for _, s := range lines[start : end+1] {
			out = append(out, strings.TrimPrefix(strings.TrimSpace(s), "//"))
		}
		return tidy(out)
	}
	if !strings.HasSuffix(l, "*/") {
		return ""
	}
	start := end
	for start >= 0 && !strings.Contains(lines[start], "/*") {
		start--
	}
	if start < 0 {
		return ""
	}
	// Only a comment that has a line of its own (not one trailing code).
	if before, _, _ := strings.Cut(lines[start], "/*"); strings.TrimSpace(before) != "" {
		return ""
	}
	return blockText(lines[start : end+1])
}

// below returns the comment that starts on the line after line (1-based) when a blank
// line or the end of the file follows it (zlib documents a function after it; a comment
// directly followed by a declaration documents that one instead).
func (r *docReader) below(file string, line int) string {
	lines := r.lines(file)
	i := line // the line after, 0-based
	if i >= len(lines) || !strings.HasPrefix(strings.TrimSpace(lines[i]), "/*") {
		return ""
	}
	end := i
	for end < len(lines) && !strings.Contains(lines[end], "*/") {
		end++
	}
	if end >= len(lines) {
		return ""
	}
	if end+1 < len(lines) && strings.TrimSpace(lines[end+1]) != "" {
		return ""
	}
	return blockText(lines[i : end+1])
}

// of returns the documentation of an external declaration: the comment above it, or
// the one below it.
func (r *docReader) of(ed *cc.ExternalDeclaration) string {
	start := ed.Position()
	if d := r.above(start); d != "" {
		return d
	}
	toks := cc.NodeTokens(ed)
	if len(toks) == 0 {
		return ""
	}
	end := toks[len(toks)-1].Position()
	if end.Filename != start.Filename {
		return ""
	}
	return r.below(end.Filename, end.Line)
}

// source returns the declaration's text as the header writes it, on one line.
func (r *docReader) source(ed *cc.ExternalDeclaration) string {
	start := ed.Position()
	toks := cc.NodeTokens(ed)
	if len(toks) == 0 {
		return ""
	}
	end := toks[len(toks)-1].Position()
	lines := r.lines(start.Filename)
	if end.Filename != start.Filename || start.Line < 1 || end.Line > len(lines) || end.Line-start.Line > 40 {
		return ""
	}
	var parts []string
	for i := start.Line - 1; i < end.Line; i++ {
		l := lines[i]
		if i == end.Line-1 && end.Column-1 < len(l) {
			l = l[:end.Column]
		}
		if i == start.Line-1 && start.Column-1 < len(l) {
			l = l[start.Column-1:]
		}
		parts = append(parts, strings.TrimSpace(stripComments(l)))
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

func stripComments(l string) string {
	for {
		i := strings.Index(l, "/*")
		if i < 0 {
			break
		}
		j := strings.Index(l[i:], "*/")
		if j < 0 {
			l = l[:i]
			break
		}
		l = l[:i] + l[i+j+2:]
	}
	if i := strings.Index(l, "//"); i >= 0 {
		l = l[:i]
	}
	return l
}

// blockText turns a /* */ comment's lines into plain text lines.
func blockText(lines []string) string {
	var out []string
	for i, l := range lines {
		if i == 0 {
			_, l, _ = strings.Cut(l, "/*")
		}
		if i == len(lines)-1 {
			l, _, _ = strings.Cut(l, "*/")
		}
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "**"):
			t = strings.TrimPrefix(t, "**")
		case strings.HasPrefix(t, "*"):
			t = strings.TrimPrefix(t, "*")
		default:
			t = strings.TrimRight(l, " \t")
		}
		out = append(out, t)
	}
	return tidy(out)
}

// tidy drops blank edges and the indentation every line shares.
func tidy(lines []string) string {
	for i := range lines {
		lines[i] = strings.TrimRight(strings.ReplaceAll(lines[i], "\t", "    "), " ")
	}
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	for i, l := range lines {
		if len(l) >= indent && indent > 0 {
			lines[i] = l[indent:]
		}
	}
	return strings.Join(lines, "\n")
}

// sortByPos sorts items by file rank, line and column.
func sortByPos[T any](items []T, pos func(T) (string, int, int), rank func(string) int) {
	sort.SliceStable(items, func(i, j int) bool {
		fa, la, ca := pos(items[i])
		fb, lb, cb := pos(items[j])
		if ra, rb := rank(fa), rank(fb); ra != rb {
			return ra < rb
		}
		if la != lb {
			return la < lb
		}
		return ca < cb
	})
}

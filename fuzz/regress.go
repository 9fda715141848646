package fuzz

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/jitffi/jitffi/abi"
)

// A Regression is one line of testdata/regressions.txt: a case the fuzzer once flagged,
// usually minimized, kept so that every test run checks it again.
type Regression struct {
	Case    Case
	Comment string
	Line    int
}

// ReadRegressions reads a regressions file. Each line is
//
//	<case ID> | <signature text> | <what it exercises>
//
// The ID says which target checks it and where it was found (its salt and argument
// values derive from it); the signature is checked as written, so it can be a minimized
// form of the ID's case. Blank lines and lines starting with # are ignored.
func ReadRegressions(path string) ([]Regression, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rs []Regression
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "|", 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("%s:%d: want <ID> | <signature> | <comment>", path, n)
		}
		id, err := ParseID(strings.TrimSpace(parts[0]))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if _, err := Lookup(id.Target); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		sig, err := abi.ParseSignature(strings.TrimSpace(parts[1]))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		rs = append(rs, Regression{Case: Case{ID: id, Sig: sig}, Comment: strings.TrimSpace(parts[2]), Line: n})
	}
	return rs, sc.Err()
}

package fuzz

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/jitffi/jitffi/abi"
	"github.com/jitffi/jitffi/internal/ctest"
)

// An ID names one generated case for good: the target, the run's seed and the case's
// index in the run. It prints as "sysv-42-117".
type ID struct {
	Target      string
	Seed, Index uint64
}

func (id ID) String() string { return fmt.Sprintf("%s-%d-%d", id.Target, id.Seed, id.Index) }

// ParseID reads an ID printed by String.
func ParseID(s string) (ID, error) {
	// Target names may contain '-' (apple-arm64), so the numbers are the last two fields.
	i := strings.LastIndexByte(s, '-')
	j := -1
	if i > 0 {
		j = strings.LastIndexByte(s[:i], '-')
	}
	if j <= 0 {
		return ID{}, fmt.Errorf("fuzz: case ID %q is not <abi>-<seed>-<index>", s)
	}
	seed, err1 := strconv.ParseUint(s[j+1:i], 10, 64)
	index, err2 := strconv.ParseUint(s[i+1:], 10, 64)
	if err1 != nil || err2 != nil {
		return ID{}, fmt.Errorf("fuzz: case ID %q is not <abi>-<seed>-<index>", s)
	}
	return ID{Target: s[:j], Seed: seed, Index: index}, nil
}

// Salt returns the byte the case's callee mixes into its result.
func (id ID) Salt() byte { return byte(mix64(id.Seed^0xa5a5) + id.Index*37) }

// ArgSeed returns the seed of the case's argument values (ctest.ArgBytes).
func (id ID) ArgSeed() uint64 { return mix64(id.Seed*0x100000001b3 ^ id.Index) }

// A Case is one signature to check and the ID it came from. A minimized or regression
// case keeps the ID it was found under, with a signature of its own.
type Case struct {
	ID  ID
	Sig *abi.Signature
}

// NewCase returns the generated case id names.
func NewCase(t *Target, seed, index uint64) Case {
	return Case{ID: ID{t.Name, seed, index}, Sig: Generate(t.Profile, seed, index)}
}

// CaseOf returns the case an ID string names, generated for its target.
func CaseOf(s string) (Case, *Target, error) {
	id, err := ParseID(s)
	if err != nil {
		return Case{}, nil, err
	}
	t, err := Lookup(id.Target)
	if err != nil {
		return Case{}, nil, err
	}
	return NewCase(t, id.Seed, id.Index), t, nil
}

// ctestCase returns the fixture case for c under the C name name.
func (c Case) ctestCase(name string) ctest.Case {
	return ctest.Case{Name: name, Sig: c.Sig, Salt: c.ID.Salt()}
}

package fuzz

import (
	"fmt"
	"strings"
)

// A Direction is which way a checked call goes, or a set of the two.
type Direction uint8

const (
	// Down is Go calling C: a downcall stub made by jitffi.BindDynamic calls a recording
	// C callee (ctest.Generate).
	Down Direction = 1 << iota
	// Up is C calling Go: a C caller (ctest.GenerateUpcallers) calls a callback made by
	// jitffi.NewCallbackDynamic through its upcall stub.
	Up
	// Both checks every case both ways. A classify-only target's result has Both too: its
	// plan, the one thing it checks, is what both stubs are made from.
	Both = Down | Up
)

// ParseDirection reads a -dir value: down, up or both.
func ParseDirection(s string) (Direction, error) {
	switch strings.TrimSpace(s) {
	case "down":
		return Down, nil
	case "up":
		return Up, nil
	case "both":
		return Both, nil
	}
	return 0, fmt.Errorf("fuzz: direction %q: want down, up or both", s)
}

func (d Direction) String() string {
	switch d {
	case Down:
		return "down"
	case Up:
		return "up"
	case Both:
		return "both"
	}
	return fmt.Sprintf("Direction(%d)", uint8(d))
}

// each returns the single directions in d, downcalls first.
func (d Direction) each() []Direction {
	var ds []Direction
	for _, x := range []Direction{Down, Up} {
		if d&x != 0 {
			ds = append(ds, x)
		}
	}
	return ds
}

// Label names the direction of a result in reports: "downcall", "upcall", or "plan" for
// a classify-only target's result, which speaks for both.
func (d Direction) Label() string {
	switch d {
	case Down:
		return "downcall"
	case Up:
		return "upcall"
	}
	return "plan"
}

// noUpcallVariadic is why a variadic case has no upcall: a callback's signature is fixed.
const noUpcallVariadic = "variadic: a callback cannot be variadic, so there is no upcall to check"

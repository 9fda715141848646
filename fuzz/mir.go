package fuzz

import (
	"regexp"
	"strconv"
	"strings"
)

// This file reads what clang and llc say about a call (TESTING.md, on Apple arm64): the LLVM IR
// definition of each function (its parameters after clang's ABI lowering: coercions such
// as [3 x float] or i64, sret, signext/zeroext) and the machine IR after the GlobalISel IR
// translator, where each incoming piece of an argument is a COPY from a physical register
// or a load from a fixed stack object with a known offset and size.

// An irParam is one parameter of an LLVM IR function definition.
type irParam struct {
	Type   string // "[3 x float]", "i64", "i8", "%struct.S*"
	Sret   bool
	Ext    string // "signext", "zeroext" or ""
	Pieces int    // registers or stack loads the back end uses for it
}

// irDefines returns the parameters of every function defined in an IR file, by name.
func irDefines(ir string) map[string][]irParam {
	out := map[string][]irParam{}
	for _, line := range strings.Split(ir, "\n") {
		if !strings.HasPrefix(line, "define ") {
			continue
		}
		at := strings.Index(line, " @")
		open := strings.IndexByte(line[at:], '(')
		if at < 0 || open < 0 {
			continue
		}
		name := line[at+2 : at+open]
		params := line[at+open+1:]
		depth, end := 0, len(params)
	scan:
		for i, c := range params {
			switch c {
			case '(', '[', '{', '<':
				depth++
			case ')', ']', '}', '>':
				if depth == 0 {
					end = i
					break scan
				}
				depth--
			}
		}
		var ps []irParam
		for _, p := range splitTop(params[:end]) {
			p = strings.TrimSpace(p)
			if p == "" || p == "..." {
				continue
			}
			typ := leadingType(p)
			q := irParam{Type: typ, Sret: strings.Contains(p, " sret("), Pieces: irPieces(typ)}
			for _, e := range []string{"signext", "zeroext"} {
				if strings.Contains(" "+p[len(typ):]+" ", " "+e+" ") {
					q.Ext = e
				}
			}
			ps = append(ps, q)
		}
		out[name] = ps
	}
	return out
}

// irResultExt returns, by name, the extension attribute ("signext", "zeroext" or "") on
// the result of every function defined in an IR file: what a caller may rely on in the
// bits above a narrow integer result, and so what a callee must provide.
func irResultExt(ir string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(ir, "\n") {
		at := strings.Index(line, " @")
		if !strings.HasPrefix(line, "define ") || at < 0 {
			continue
		}
		name := line[at+2:]
		if open := strings.IndexByte(name, '('); open >= 0 {
			name = name[:open]
		}
		ext := ""
		for _, w := range strings.Fields(line[len("define "):at]) {
			if w == "signext" || w == "zeroext" {
				ext = w
			}
		}
		out[name] = ext
	}
	return out
}

// splitTop splits s at the commas outside brackets.
func splitTop(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '(', '[', '{', '<':
			depth++
		case ')', ']', '}', '>':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

// leadingType returns the IR type at the start of a parameter: a bracketed aggregate, or
// the first word (with any trailing '*' of a typed pointer).
func leadingType(p string) string {
	if p[0] == '[' || p[0] == '{' || p[0] == '<' {
		depth := 0
		for i, c := range p {
			switch c {
			case '[', '{', '<':
				depth++
			case ']', '}', '>':
				depth--
				if depth == 0 {
					return p[:i+1]
				}
			}
		}
	}
	if i := strings.IndexByte(p, ' '); i > 0 {
		return p[:i]
	}
	return p
}

var arrayType = regexp.MustCompile(`^\[(\d+) x (.+)\]$`)

// irPieces returns how many registers or stack loads the arm64 back end splits an IR
// parameter type into: one per array element, two for i128, one otherwise.
func irPieces(t string) int {
	if m := arrayType.FindStringSubmatch(t); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n * irPieces(m[2])
	}
	if strings.HasPrefix(t, "{") {
		n := 0
		for _, e := range splitTop(strings.Trim(t, "{} ")) {
			n += irPieces(strings.TrimSpace(e))
		}
		return n
	}
	if t == "i128" {
		return 2
	}
	return 1
}

// A piece is one incoming part of an argument: a register ("x3", "v0") or a stack range.
type piece struct {
	Reg          string
	Offset, Size int
}

func (p piece) String() string {
	if p.Reg != "" {
		return p.Reg
	}
	return "stack+" + strconv.Itoa(p.Offset) + " size " + strconv.Itoa(p.Size)
}

// A mirFunc is what the machine IR says about one function.
type mirFunc struct {
	Pieces  []piece  // incoming argument pieces, in argument order
	Returns []string // registers the return instruction uses
	Calls   map[string]*mirCall
}

// A mirCall is one call instruction: the registers it passes and the outgoing stores.
type mirCall struct {
	Regs   []string
	Stores []piece
}

var (
	mirName      = regexp.MustCompile(`(?m)^name:\s+(\S+)`)
	mirFixed     = regexp.MustCompile(`- \{ id: (\d+), type: default, offset: (-?\d+), size: (\d+),`)
	mirCopy      = regexp.MustCompile(`= COPY \$([a-z]+)(\d+)\s*$`)
	mirLoad      = regexp.MustCompile(`load \(([sp]\d+)\) from %fixed-stack\.(\d+)`)
	mirStore     = regexp.MustCompile(`store \(([sp]\d+)\) into stack(?: \+ (\d+))?`)
	mirImplicit  = regexp.MustCompile(`implicit \$([a-z]+)(\d+)`)
	mirCallInsn  = regexp.MustCompile(`\bBL @([A-Za-z0-9_]+)`)
	mirArgRegRef = regexp.MustCompile(`^(w|x|b|h|s|d|q)$`)
)

// normReg names a register the way package abi prints it: w3 and x3 are x3; b0, h0, s0,
// d0 and q0 are v0. Other registers (sp, lr) return "".
func normReg(class, num string) string {
	if !mirArgRegRef.MatchString(class) {
		return ""
	}
	if class == "w" || class == "x" {
		return "x" + num
	}
	return "v" + num
}

// readMIR returns every function of a machine IR file, by name.
func readMIR(mir string) map[string]*mirFunc {
	out := map[string]*mirFunc{}
	for _, doc := range strings.Split(mir, "\n---") {
		m := mirName.FindStringSubmatch(doc)
		if m == nil {
			continue
		}
		f := &mirFunc{Calls: map[string]*mirCall{}}
		out[m[1]] = f
		fixed := map[string]piece{}
		if i := strings.Index(doc, "fixedStack:"); i >= 0 {
			sect := doc[i:]
			if j := strings.Index(sect, "\nstack:"); j >= 0 {
				sect = sect[:j]
			}
			for _, fm := range mirFixed.FindAllStringSubmatch(sect, -1) {
				off, _ := strconv.Atoi(fm[2])
				size, _ := strconv.Atoi(fm[3])
				fixed[fm[1]] = piece{Offset: off, Size: size}
			}
		}
		body := doc
		if i := strings.Index(doc, "\nbody:"); i >= 0 {
			body = doc[i:]
		}
		var pending mirCall
		for _, line := range strings.Split(body, "\n") {
			switch {
			case mirCallInsn.MatchString(line):
				c := &mirCall{Stores: pending.Stores}
				// The pattern matches "implicit $r" only, not the results' "implicit-def $r".
				for _, im := range mirImplicit.FindAllStringSubmatch(line, -1) {
					if r := normReg(im[1], im[2]); r != "" {
						c.Regs = append(c.Regs, r)
					}
				}
				f.Calls[mirCallInsn.FindStringSubmatch(line)[1]] = c
				pending = mirCall{}
			case strings.Contains(line, "RET_ReallyLR"):
				for _, im := range mirImplicit.FindAllStringSubmatch(line, -1) {
					if r := normReg(im[1], im[2]); r != "" {
						f.Returns = append(f.Returns, r)
					}
				}
			case mirStore.MatchString(line):
				sm := mirStore.FindStringSubmatch(line)
				off, _ := strconv.Atoi(sm[2])
				pending.Stores = append(pending.Stores, piece{Offset: off, Size: llt(sm[1])})
			case mirLoad.MatchString(line):
				lm := mirLoad.FindStringSubmatch(line)
				f.Pieces = append(f.Pieces, piece{Offset: fixed[lm[2]].Offset, Size: llt(lm[1])})
			case mirCopy.MatchString(line) && len(f.Calls) == 0:
				cm := mirCopy.FindStringSubmatch(line)
				if r := normReg(cm[1], cm[2]); r != "" {
					f.Pieces = append(f.Pieces, piece{Reg: r})
				}
			}
		}
	}
	return out
}

// llt returns the size in bytes of a GlobalISel scalar or pointer type: s8 is 1, p0 is 8.
func llt(t string) int {
	if t[0] == 'p' {
		return 8
	}
	bits, _ := strconv.Atoi(t[1:])
	return bits / 8
}

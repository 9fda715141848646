package fuzz

// A chooser makes the generator's random decisions. The generator asks only for small
// integers, so the same generator serves seeded runs (a PRNG) and go test -fuzz (the fuzz
// engine's bytes, one choice per byte or two), and a recorded run can be replayed as bytes.
type chooser interface {
	// intn returns a number in [0, n); n is at least 1.
	intn(n int) int
}

// mix64 is splitmix64's finaliser: every input bit affects every output bit.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// seeded is a splitmix64 stream. It is written out here rather than taken from math/rand
// so that a case ID keeps meaning the same signature in every Go release.
type seeded struct{ state uint64 }

func newSeeded(seed, index uint64) *seeded {
	return &seeded{state: mix64(seed) ^ mix64(index^0x5851f42d4c957f2d)}
}

func (s *seeded) intn(n int) int {
	s.state += 0x9e3779b97f4a7c15
	x := mix64(s.state)
	// The high half times n, shifted down, is uniform enough for n far below 2^32, and
	// unlike a modulo it has no division.
	return int((x >> 32) * uint64(n) >> 32)
}

// byteChooser turns fuzz input into choices: one byte for a choice among at most 256
// options, two bytes otherwise, taken modulo n. Exhausted input chooses 0, and the
// generator makes choice 0 the simplest option, so short inputs are small signatures.
type byteChooser struct {
	data []byte
}

func (b *byteChooser) intn(n int) int {
	v := 0
	for i := 0; i < width(n); i++ {
		v <<= 8
		if len(b.data) > 0 {
			v |= int(b.data[0])
			b.data = b.data[1:]
		}
	}
	return v % n
}

// width returns the number of bytes byteChooser reads for a choice among n options.
func width(n int) int {
	if n <= 256 {
		return 1
	}
	return 2
}

// recorder passes another chooser's choices through and writes them down as the bytes
// byteChooser would read to make the same choices; that is how seeded cases become the
// seed corpus of FuzzDowncall.
type recorder struct {
	c   chooser
	out []byte
}

func (r *recorder) intn(n int) int {
	v := r.c.intn(n)
	if width(n) == 2 {
		r.out = append(r.out, byte(v>>8))
	}
	r.out = append(r.out, byte(v))
	return v
}

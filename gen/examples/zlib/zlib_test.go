package zlib_test

import (
	"bytes"
	"errors"
	"hash/crc32"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/gen/examples/zlib"
)

func open(t *testing.T) *zlib.Lib {
	t.Helper()
	z, err := zlib.Open()
	if errors.Is(err, jitffi.ErrLibraryNotFound) {
		t.Skipf("no zlib (Debian: apt-get install zlib1g): %v", err)
	}
	if err != nil {
		t.Fatalf("zlib.Open: %v", err)
	}
	t.Cleanup(func() { z.Close() })
	return z
}

// TestCompressRoundTrip compresses and uncompresses through the generated bindings.
func TestCompressRoundTrip(t *testing.T) {
	z := open(t)
	if v := z.ZlibVersion.Call(); v == "" || v[0] != zlib.ZLIB_VERSION[0] {
		t.Fatalf("zlibVersion() = %q, header says %q", v, zlib.ZLIB_VERSION)
	}
	src := bytes.Repeat([]byte("jitffi binds zlib from its own header. "), 200)
	bound := z.CompressBound.Call(zlib.ULong(len(src)))
	dst := make([]byte, bound)
	dstLen := zlib.ULongf(len(dst))
	if rc := z.Compress2.Call(&dst[0], &dstLen, &src[0], zlib.ULong(len(src)), zlib.Z_BEST_COMPRESSION); rc != zlib.Z_OK {
		t.Fatalf("compress2: %d (%s)", rc, z.ZError.Call(rc))
	}
	if int(dstLen) >= len(src)/4 {
		t.Fatalf("compress2 made %d bytes of %d: not compressed", dstLen, len(src))
	}
	out := make([]byte, len(src))
	outLen := zlib.ULongf(len(out))
	if rc := z.Uncompress.Call(&out[0], &outLen, &dst[0], zlib.ULong(dstLen)); rc != zlib.Z_OK {
		t.Fatalf("uncompress: %d (%s)", rc, z.ZError.Call(rc))
	}
	if !bytes.Equal(out[:outLen], src) {
		t.Fatalf("round trip changed the data")
	}
	// A buffer too small is zlib's Z_BUF_ERROR, which zError names.
	small := make([]byte, 10)
	smallLen := zlib.ULongf(len(small))
	if rc := z.Uncompress.Call(&small[0], &smallLen, &dst[0], zlib.ULong(dstLen)); rc != zlib.Z_BUF_ERROR {
		t.Fatalf("uncompress into 10 bytes: %d, want Z_BUF_ERROR", rc)
	}
	if msg := z.ZError.Call(zlib.Z_BUF_ERROR); msg != "buffer error" {
		t.Fatalf("zError(Z_BUF_ERROR) = %q", msg)
	}
}

// TestCRC32MatchesGo checks crc32 and crc32_combine against hash/crc32.
func TestCRC32MatchesGo(t *testing.T) {
	z := open(t)
	for _, s := range []string{"a", "hello, world", string(bytes.Repeat([]byte{0xff, 0, 7}, 1000))} {
		b := []byte(s)
		got := z.Crc32.Call(0, &b[0], zlib.UInt(len(b)))
		if want := crc32.ChecksumIEEE(b); uint32(got) != want {
			t.Errorf("crc32(%d bytes) = %#x, hash/crc32 says %#x", len(b), got, want)
		}
	}
	a, b := []byte("first half, "), []byte("second half")
	ca := z.Crc32.Call(0, &a[0], zlib.UInt(len(a)))
	cb := z.Crc32.Call(0, &b[0], zlib.UInt(len(b)))
	combined := z.Crc32_combine.Call(ca, cb, jitffi.Long(len(b)))
	if want := crc32.ChecksumIEEE(append(a, b...)); uint32(combined) != want {
		t.Errorf("crc32_combine = %#x, want %#x", combined, want)
	}
}

// TestDeflateStream drives deflate and inflate through a z_stream, the generated
// struct whose layout the layout test checks, in small output chunks.
func TestDeflateStream(t *testing.T) {
	z := open(t)
	src := bytes.Repeat([]byte("streaming through z_stream; "), 500)
	var strm zlib.Z_stream
	if rc := z.DeflateInit_.Call(&strm, zlib.Z_DEFAULT_COMPRESSION, zlib.ZLIB_VERSION, jitffi.Int(unsafe.Sizeof(strm))); rc != zlib.Z_OK {
		t.Fatalf("deflateInit_: %d", rc)
	}
	strm.Next_in, strm.Avail_in = &src[0], zlib.UInt(len(src))
	var compressed []byte
	chunk := make([]byte, 64)
	for {
		strm.Next_out, strm.Avail_out = &chunk[0], zlib.UInt(len(chunk))
		rc := z.Deflate.Call(&strm, zlib.Z_FINISH)
		compressed = append(compressed, chunk[:len(chunk)-int(strm.Avail_out)]...)
		if rc == zlib.Z_STREAM_END {
			break
		}
		if rc != zlib.Z_OK && rc != zlib.Z_BUF_ERROR {
			t.Fatalf("deflate: %d", rc)
		}
	}
	if int(strm.Total_in) != len(src) || int(strm.Total_out) != len(compressed) {
		t.Fatalf("z_stream totals %d in, %d out; want %d, %d", strm.Total_in, strm.Total_out, len(src), len(compressed))
	}
	if uint32(strm.Adler) != uint32(z.Adler32.Call(1, &src[0], zlib.UInt(len(src)))) {
		t.Fatalf("z_stream.adler %#x is not adler32 of the input", strm.Adler)
	}
	z.DeflateEnd.Call(&strm)

	var inf zlib.Z_stream
	if rc := z.InflateInit_.Call(&inf, zlib.ZLIB_VERSION, jitffi.Int(unsafe.Sizeof(inf))); rc != zlib.Z_OK {
		t.Fatalf("inflateInit_: %d", rc)
	}
	out := make([]byte, len(src))
	inf.Next_in, inf.Avail_in = &compressed[0], zlib.UInt(len(compressed))
	inf.Next_out, inf.Avail_out = &out[0], zlib.UInt(len(out))
	if rc := z.Inflate.Call(&inf, zlib.Z_FINISH); rc != zlib.Z_STREAM_END {
		t.Fatalf("inflate: %d (msg %q)", rc, jitffi.GoString(inf.Msg))
	}
	z.InflateEnd.Call(&inf)
	if !bytes.Equal(out, src) {
		t.Fatalf("inflate gave other bytes")
	}
}

package camera

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

func TestYUYVToYCbCr(t *testing.T) {
	// 4×2 pixels: Y counts up, each pair shares its U and V.
	buf := []byte{
		10, 100, 11, 200, 12, 101, 13, 201,
		14, 102, 15, 202, 16, 103, 17, 203,
	}
	img, err := yuyvToYCbCr(buf, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	if img.SubsampleRatio != image.YCbCrSubsampleRatio422 {
		t.Errorf("ratio %v, want 4:2:2", img.SubsampleRatio)
	}
	for y := 0; y < 2; y++ {
		for x := 0; x < 4; x++ {
			c := img.YCbCrAt(x, y)
			want := color.YCbCr{Y: uint8(10 + 4*y + x), Cb: uint8(100 + 2*y + x/2), Cr: uint8(200 + 2*y + x/2)}
			if c != want {
				t.Errorf("pixel (%d,%d) = %v, want %v", x, y, c, want)
			}
		}
	}
}

func TestYUYVErrors(t *testing.T) {
	tests := []struct {
		name string
		buf  []byte
		w, h int
	}{
		{"short frame", make([]byte, 10), 4, 2},
		{"odd width", make([]byte, 12), 3, 2},
		{"no size", nil, 0, 0},
	}
	for _, tt := range tests {
		if _, err := yuyvToYCbCr(tt.buf, tt.w, tt.h); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

// stripDHT removes the Huffman table segments from a JPEG, as many MJPEG
// webcams send their frames.
func stripDHT(t *testing.T, b []byte) []byte {
	t.Helper()
	out := append([]byte(nil), b[:2]...)
	for i := 2; i+4 <= len(b); {
		if b[i+1] == 0xda {
			return append(out, b[i:]...)
		}
		n := 2 + segmentLen(b, i)
		if b[i+1] != 0xc4 {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	t.Fatal("no scan in JPEG")
	return nil
}

func testJPEG(t testing.TB) []byte {
	t.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, 32, 16), image.YCbCrSubsampleRatio422)
	for i := range img.Y {
		img.Y[i] = uint8(i * 5)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecodeMJPEG(t *testing.T) {
	full := testJPEG(t)
	bare := stripDHT(t, full)
	if _, err := jpeg.Decode(bytes.NewReader(bare)); err == nil {
		t.Fatal("image/jpeg decoded a frame without Huffman tables: the test proves nothing")
	}
	want, err := jpeg.Decode(bytes.NewReader(full))
	if err != nil {
		t.Fatal(err)
	}
	for name, frame := range map[string][]byte{"with tables": full, "without tables": bare} {
		img, err := decodeMJPEG(frame)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(img.(*image.YCbCr).Y, want.(*image.YCbCr).Y) {
			t.Errorf("%s: decoded picture differs", name)
		}
	}
	for _, bad := range [][]byte{nil, {0xff, 0xd8}, []byte("not a jpeg at all"), {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10}} {
		if _, err := decodeMJPEG(bad); err == nil {
			t.Errorf("decodeMJPEG(%q): no error", bad)
		}
	}
}

// FuzzDecodeMJPEG: no frame a camera sends makes the decoder panic or loop.
func FuzzDecodeMJPEG(f *testing.F) {
	full := testJPEG(f)
	f.Add(full)
	f.Add(full[:len(full)/2])
	f.Add([]byte{0xff, 0xd8, 0xff, 0xda})
	f.Add([]byte{0xff, 0xd8, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, frame []byte) {
		_, _ = decodeMJPEG(frame)
	})
}

// FuzzYUYV: any buffer and size give a picture or an error, never a panic.
func FuzzYUYV(f *testing.F) {
	f.Add([]byte{10, 100, 11, 200}, 2, 1)
	f.Add(make([]byte, 12), 3, 2)
	f.Fuzz(func(t *testing.T, buf []byte, w, h int) {
		if w > 1<<10 || h > 1<<10 {
			return
		}
		img, err := yuyvToYCbCr(buf, w, h)
		if err == nil && img.Rect.Dx()*img.Rect.Dy()*2 > len(buf) {
			t.Errorf("%dx%d picture from %d bytes", w, h, len(buf))
		}
	})
}

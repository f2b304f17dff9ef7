package qr

import (
	"image"
	"testing"
)

// BenchmarkDecode640x480 decodes a payment code in a camera-sized frame;
// the target is 30 frames a second on one core (< 33 ms), ideally a few ms.
func BenchmarkDecode640x480(b *testing.B) {
	g, _ := scene(qrModules(b, alipayCode), pose{300, 250, 5, 8}, 4)
	addNoise(g, 4, 7)
	ycc := image.NewYCbCr(g.Rect, image.YCbCrSubsampleRatio422)
	copy(ycc.Y, g.Pix)
	rgba := image.NewRGBA(g.Rect)
	for i, v := range g.Pix {
		copy(rgba.Pix[4*i:], []uint8{v, v, v, 255})
	}
	for _, bc := range []struct {
		name string
		img  image.Image
	}{{"Gray", g}, {"YCbCr", ycc}, {"RGBA", rgba}} {
		b.Run(bc.name, func(b *testing.B) {
			dec := NewDecoder(Options{})
			for b.Loop() {
				if _, err := dec.Decode(bc.img); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeNothing: most camera frames show no code, and must cost
// little.
func BenchmarkDecodeNothing(b *testing.B) {
	counter := frame(640, 480, 8)
	addNoise(counter, 4, 8)
	for _, bc := range []struct {
		name string
		dec  *Decoder
	}{
		{"default", NewDecoder(Options{})},
		{"QR only", NewDecoder(Options{Formats: QRCode})},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := bc.dec.Decode(counter); err == nil {
					b.Fatal("found a code in an empty frame")
				}
			}
		})
	}
}

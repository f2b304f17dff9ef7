package qr

import (
	"errors"
	"image"
	"testing"
)

// fuzzImage builds a small image from fuzz bytes: width, height, kind,
// then pixels (repeated as needed).
func fuzzImage(data []byte) image.Image {
	if len(data) < 4 {
		return image.NewGray(image.Rect(0, 0, 0, 0))
	}
	w, h, kind, px := int(data[0]%96), int(data[1]%96), data[2]%4, data[3:]
	r := image.Rect(0, 0, w, h)
	at := func(i int) uint8 { return px[i%len(px)] }
	switch kind {
	case 0:
		g := image.NewGray(r)
		for i := range g.Pix {
			g.Pix[i] = at(i)
		}
		return g
	case 1:
		m := image.NewRGBA(r)
		for i := range m.Pix {
			m.Pix[i] = at(i)
		}
		return m
	case 2:
		m := image.NewNRGBA(r)
		for i := range m.Pix {
			m.Pix[i] = at(i)
		}
		return m
	default:
		m := image.NewYCbCr(r, image.YCbCrSubsampleRatio420)
		for i := range m.Y {
			m.Y[i] = at(i)
		}
		return m
	}
}

// fuzzSeed turns a grey picture into fuzz input for fuzzImage.
func fuzzSeed(g *image.Gray) []byte {
	return append([]byte{byte(g.Rect.Dx()), byte(g.Rect.Dy()), 0}, g.Pix...)
}

// FuzzDecode: no picture makes Decode panic or return anything but a
// result or ErrNotFound. Seeded with small versions of the table tests'
// pictures.
func FuzzDecode(f *testing.F) {
	small := image.NewGray(image.Rect(0, 0, 80, 80))
	for i := range small.Pix {
		small.Pix[i] = 235
	}
	drawCode(small, qrModules(f, alipayCode), pose{40, 40, 2.5, 0}, 4)
	tilted := frame(90, 90, 5)
	drawCode(tilted, qrModules(f, wechatCode), pose{45, 45, 3, 11}, 4)
	bars := frame(95, 60, 6)
	drawCode(bars, ean13Modules(f, productEAN), pose{47, 30, 1, 0}, 10)
	for _, g := range []*image.Gray{small, tilted, bars} {
		f.Add(fuzzSeed(g))
	}
	f.Add([]byte{})
	f.Add([]byte{1, 1, 0, 0})
	f.Add([]byte{64, 64, 1, 0, 255, 0, 255, 255})
	f.Add([]byte{95, 95, 3, 0, 0, 0, 255, 255, 255})
	dec := NewDecoder(Options{Budget: -1})
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := dec.Decode(fuzzImage(data))
		if err != nil && !errors.Is(err, ErrNotFound) {
			t.Fatalf("Decode: %v", err)
		}
		if err == nil && res.Text == "" {
			t.Fatalf("Decode gave an empty text without an error")
		}
	})
}

//go:build exp

package qr

import (
	"image"
	"testing"
)

func BenchmarkExpBlur(b *testing.B) {
	g := image.NewGray(image.Rect(0, 0, 640, 480))
	for i := range g.Pix {
		g.Pix[i] = uint8(i * 7)
	}
	b.Run("blur16", func(b *testing.B) {
		for b.Loop() {
			boxBlur(g, 16)
		}
	})
	b.Run("flatten16", func(b *testing.B) {
		for b.Loop() {
			flatten(g, 16, 2)
		}
	})
	b.Run("hybrid", func(b *testing.B) {
		for b.Loop() {
			bitmap(g, hybrid).GetBlackMatrix()
		}
	})
	b.Run("qrHybrid", func(b *testing.B) {
		for b.Loop() {
			m, _ := bitmap(g, hybrid).GetBlackMatrix()
			scanQR(m, false)
		}
	})
}

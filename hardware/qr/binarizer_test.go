package qr

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestHybridBinarizerMatchesGozxing: ours must give gozxing's matrix bit
// for bit, since the attempt list was tuned with gozxing's.
func TestHybridBinarizerMatchesGozxing(t *testing.T) {
	qr, _ := scene(qrModules(t, alipayCode), pose{320, 240, 5, 9}, 4)
	odd := frame(203, 117, 9) // sizes that are not multiples of the block
	addNoise(odd, 20, 9)
	flat := image.NewGray(image.Rect(0, 0, 64, 48))
	tiny := frame(30, 20, 4)
	addNoise(tiny, 30, 4)
	tests := []struct {
		name string
		g    *image.Gray
	}{
		{"QR scene", qr},
		{"odd size", odd},
		{"flat", flat},
		{"tiny", tiny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newGrayLuminance(tt.g)
			want, err1 := gozxing.NewHybridBinarizer(src).GetBlackMatrix()
			got, err2 := newHybridBinarizer(src).GetBlackMatrix()
			if err1 != nil || err2 != nil {
				t.Fatalf("errors: gozxing %v, ours %v", err1, err2)
			}
			if got.String() != want.String() {
				t.Errorf("matrices differ")
			}
		})
	}
}

func BenchmarkHybridBinarizer(b *testing.B) {
	g, _ := scene(qrModules(b, alipayCode), pose{320, 240, 5, 9}, 4)
	src := newGrayLuminance(g)
	b.Run("ours", func(b *testing.B) {
		for b.Loop() {
			_, _ = newHybridBinarizer(src).GetBlackMatrix()
		}
	})
	b.Run("gozxing", func(b *testing.B) {
		for b.Loop() {
			_, _ = gozxing.NewHybridBinarizer(src).GetBlackMatrix()
		}
	})
}

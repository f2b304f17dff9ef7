//go:build exp

package qr

import (
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

func TestExp1D(t *testing.T) {
	frames := loadCorpus(t)
	readers := map[string]gozxing.Reader{"ean13": oned.NewEAN13Reader(), "c128": oned.NewCode128Reader(), "upce": oned.NewUPCEReader(), "ean8": oned.NewEAN8Reader(), "c39": oned.NewCode39Reader(), "itf": oned.NewITFReader()}
	for name, r := range readers {
		n := 0
		for _, f := range frames {
			bm, _ := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(newGrayLuminance(f.g)))
			res, err := r.Decode(bm, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
			if err == nil {
				n++
				if n < 4 {
					t.Logf("%s %s -> %q (want %s)", name, f.name, res.GetText(), f.want)
				}
			}
		}
		t.Logf("%s: %d reads", name, n)
	}
}

package qr

import (
	"errors"
	"fmt"
	"image"

	"github.com/makiuchi-d/gozxing"
)

// grayLuminance is a gozxing.LuminanceSource over a compact *image.Gray.
// gozxing's own image source converts through color.Color, allocating for
// every pixel; this one hands out the pixel slice itself (GetMatrix) or copies
// a row into the caller's buffer (GetRow).
type grayLuminance struct {
	gozxing.LuminanceSourceBase
	img *image.Gray // compact: Rect.Min == (0,0), Stride == width
}

var _ gozxing.LuminanceSource = (*grayLuminance)(nil)

func newGrayLuminance(g *image.Gray) *grayLuminance {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	return &grayLuminance{LuminanceSourceBase: gozxing.LuminanceSourceBase{Width: w, Height: h}, img: g}
}

// GetRow copies row y into row, allocating only if row is too small.
func (s *grayLuminance) GetRow(y int, row []byte) ([]byte, error) {
	if y < 0 || y >= s.Height {
		return nil, fmt.Errorf("qr: luminance row %d outside 0..%d", y, s.Height-1)
	}
	if len(row) < s.Width {
		row = make([]byte, s.Width)
	}
	copy(row, s.img.Pix[y*s.Width:(y+1)*s.Width])
	return row, nil
}

// GetMatrix returns the pixels themselves; gozxing only reads them.
func (s *grayLuminance) GetMatrix() []byte { return s.img.Pix[:s.Width*s.Height] }

// IsCropSupported reports true.
func (s *grayLuminance) IsCropSupported() bool { return true }

// Crop returns the given part of the image as a new source.
func (s *grayLuminance) Crop(left, top, width, height int) (gozxing.LuminanceSource, error) {
	r := image.Rect(left, top, left+width, top+height)
	if !r.In(s.img.Rect) {
		return nil, errors.New("qr: crop rectangle outside the image")
	}
	return newGrayLuminance(crop(s.img, r)), nil
}

// Invert returns a source with black and white swapped.
func (s *grayLuminance) Invert() gozxing.LuminanceSource { return gozxing.LuminanceSourceInvert(s) }

// IsRotateSupported reports true (90° only).
func (s *grayLuminance) IsRotateSupported() bool { return true }

// RotateCounterClockwise returns the image turned by 90° counter-clockwise.
func (s *grayLuminance) RotateCounterClockwise() (gozxing.LuminanceSource, error) {
	return newGrayLuminance(rotateCCW(s.img)), nil
}

// String draws the image in ASCII, for debugging.
func (s *grayLuminance) String() string { return gozxing.LuminanceSourceString(s) }

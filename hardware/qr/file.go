package qr

import (
	"fmt"
	"image"
	_ "image/gif" // DecodeFile reads GIF, JPEG and PNG
	_ "image/jpeg"
	_ "image/png"
	"os"
)

// DecodeFile decodes the first code in a JPEG, PNG or GIF file with a
// default Decoder without a time limit. It returns ErrNotFound if the
// picture has none.
func DecodeFile(path string) (Result, error) {
	img, err := LoadImage(path)
	if err != nil {
		return Result{}, err
	}
	return NewDecoder(Options{Budget: -1}).Decode(img)
}

// LoadImage reads a JPEG, PNG or GIF file.
func LoadImage(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("qr: open image: %w", err)
	}
	defer f.Close() // read-only: a close error changes nothing
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("qr: decode image %s: %w", path, err)
	}
	return img, nil
}

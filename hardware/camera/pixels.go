package camera

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"sync"
)

// Converting what a camera delivers into images. The results keep the
// luminance in a plane of its own, which a decoder uses as it is.

// yuyvToYCbCr converts a packed YUYV 4:2:2 frame (Y0 U Y1 V for each pair of
// pixels) into planes, without any colour arithmetic.
func yuyvToYCbCr(buf []byte, w, h int) (*image.YCbCr, error) {
	if w <= 0 || h <= 0 || w%2 != 0 {
		return nil, fmt.Errorf("camera: YUYV frame size %dx%d: width must be even", w, h)
	}
	if len(buf) < w*h*2 {
		return nil, fmt.Errorf("camera: YUYV frame has %d bytes, want %d for %dx%d", len(buf), w*h*2, w, h)
	}
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio422)
	for y := 0; y < h; y++ {
		src := buf[y*w*2 : (y+1)*w*2]
		yp := img.Y[y*img.YStride : y*img.YStride+w]
		cb := img.Cb[y*img.CStride : y*img.CStride+w/2]
		cr := img.Cr[y*img.CStride : y*img.CStride+w/2]
		for i := range cb {
			q := src[i*4 : i*4+4 : i*4+4]
			yp[2*i], cb[i], yp[2*i+1], cr[i] = q[0], q[1], q[2], q[3]
		}
	}
	return img, nil
}

// decodeMJPEG decodes one MJPEG frame. Many UVC webcams leave out the
// Huffman tables and rely on the standard ones (JPEG spec K.3); Go's decoder
// has no defaults, so they are put back first.
func decodeMJPEG(frame []byte) (image.Image, error) {
	fixed, err := withHuffmanTables(frame)
	if err != nil {
		return nil, err
	}
	img, err := jpeg.Decode(bytes.NewReader(fixed))
	if err != nil {
		return nil, fmt.Errorf("camera: decode MJPEG frame: %w", err)
	}
	return img, nil
}

var errNotJPEG = errors.New("camera: frame is not a JPEG")

// withHuffmanTables returns frame, or a copy with the standard Huffman
// tables inserted before the scan if it defines none.
func withHuffmanTables(frame []byte) ([]byte, error) {
	if len(frame) < 4 || frame[0] != 0xff || frame[1] != 0xd8 {
		return nil, errNotJPEG
	}
	for i := 2; i+4 <= len(frame); {
		if frame[i] != 0xff {
			return nil, fmt.Errorf("%w: no marker at byte %d", errNotJPEG, i)
		}
		switch marker := frame[i+1]; {
		case marker == 0xc4: // DHT
			return frame, nil
		case marker == 0xda: // SOS: the scan starts and no table came before it
			out := make([]byte, 0, len(frame)+len(standardDHT()))
			out = append(out, frame[:i]...)
			out = append(out, standardDHT()...)
			return append(out, frame[i:]...), nil
		case marker == 0xff: // fill byte
			i++
		default:
			i += 2 + segmentLen(frame, i)
		}
	}
	return nil, fmt.Errorf("%w: no scan", errNotJPEG)
}

// standardDHT is a DHT segment with the four tables of JPEG spec K.3, taken
// from what image/jpeg writes: its encoder always uses exactly those.
var standardDHT = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(0, 0, color.RGBA{200, 10, 10, 255}) // colour, so all four tables are written
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		panic("camera: encode JPEG in memory: " + err.Error())
	}
	b := buf.Bytes()
	for i := 2; i+4 <= len(b); i += 2 + segmentLen(b, i) {
		if b[i+1] == 0xc4 {
			return b[i : i+2+segmentLen(b, i)]
		}
	}
	panic("camera: image/jpeg wrote no DHT segment")
})

// segmentLen is the length field of the JPEG marker segment at b[i:], which
// counts itself but not the marker.
func segmentLen(b []byte, i int) int { return int(b[i+2])<<8 | int(b[i+3]) }

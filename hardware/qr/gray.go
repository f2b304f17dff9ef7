package qr

import "image"

// Grayscale conversions. Every function here returns a compact *image.Gray:
// origin (0,0) and Stride == width, which is what grayLuminance hands to
// gozxing without copying.

// grayOf returns the luminance of the part r of img as a compact *image.Gray.
// It reuses img's memory when img already is a compact gray image covering r,
// and reads the Y plane of a camera's *image.YCbCr frame directly.
func grayOf(img image.Image, r image.Rectangle) *image.Gray {
	r = r.Intersect(img.Bounds())
	switch m := img.(type) {
	case *image.Gray:
		return planeOf(m.Pix, m.Stride, m.Rect, r)
	case *image.YCbCr:
		return planeOf(m.Y, m.YStride, m.Rect, r)
	case *image.RGBA:
		return grayFromRGBA(m.Pix, m.Stride, m.Rect, r, true)
	case *image.NRGBA:
		return grayFromRGBA(m.Pix, m.Stride, m.Rect, r, false)
	default:
		return grayGeneric(img, r)
	}
}

// planeOf crops an 8-bit plane (Gray pixels, or a YCbCr Y plane) to r.
func planeOf(pix []byte, stride int, bounds, r image.Rectangle) *image.Gray {
	w, h := r.Dx(), r.Dy()
	off := (r.Min.Y-bounds.Min.Y)*stride + (r.Min.X - bounds.Min.X)
	if stride == w && len(pix)-off >= w*h {
		return &image.Gray{Pix: pix[off : off+w*h : off+w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}
	}
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		copy(g.Pix[y*w:(y+1)*w], pix[off+y*stride:])
	}
	return g
}

// grayFromRGBA converts 8-bit RGBA or NRGBA pixels. Transparent pixels are
// composed onto white, as gozxing's own image source does. Weights are
// ITU-R BT.601 in 16-bit fixed point, the same as color.GrayModel.
func grayFromRGBA(pix []byte, stride int, bounds, r image.Rectangle, premultiplied bool) *image.Gray {
	w, h := r.Dx(), r.Dy()
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		src := pix[(r.Min.Y-bounds.Min.Y+y)*stride+(r.Min.X-bounds.Min.X)*4:]
		dst := g.Pix[y*w : (y+1)*w]
		for x := range dst {
			p := src[x*4 : x*4+4 : x*4+4]
			lum := (19595*uint32(p[0]) + 38470*uint32(p[1]) + 7471*uint32(p[2]) + 1<<15) >> 16
			a := uint32(p[3])
			if !premultiplied {
				lum = lum * a / 255
			}
			dst[x] = uint8(lum + 255 - a)
		}
	}
	return g
}

// grayGeneric is the slow path for image types without a fast path.
func grayGeneric(img image.Image, r image.Rectangle) *image.Gray {
	w, h := r.Dx(), r.Dy()
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			cr, cg, cb, ca := img.At(r.Min.X+x, r.Min.Y+y).RGBA()
			lum := (19595*cr + 38470*cg + 7471*cb + 1<<15) >> 16 // premultiplied, 16-bit
			g.Pix[y*w+x] = uint8((lum + 0xffff - ca) >> 8)
		}
	}
	return g
}

// downscale shrinks g by an integer factor f, averaging f×f boxes. The
// average also removes some of the sensor noise before binarizing.
func downscale(g *image.Gray, f int) *image.Gray {
	if f <= 1 {
		return g
	}
	w, h := g.Rect.Dx()/f, g.Rect.Dy()/f
	out := image.NewGray(image.Rect(0, 0, w, h))
	if w == 0 || h == 0 {
		return out
	}
	sums := make([]uint32, w)
	area := uint32(f * f)
	for y := 0; y < h; y++ {
		clear(sums)
		for dy := 0; dy < f; dy++ {
			row := g.Pix[(y*f+dy)*g.Stride:]
			for x := range sums {
				for _, v := range row[x*f : x*f+f] {
					sums[x] += uint32(v)
				}
			}
		}
		dst := out.Pix[y*w : (y+1)*w]
		for x, s := range sums {
			dst[x] = uint8((s + area/2) / area)
		}
	}
	return out
}

// upscale2 doubles g in both directions with bilinear interpolation, which
// gives the binarizer and the grid sampler more pixels per module on small
// or blurred codes.
func upscale2(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, 2*w, 2*h))
	for y := 0; y < h; y++ {
		y1 := min(y+1, h-1)
		r0, r1 := g.Pix[y*g.Stride:], g.Pix[y1*g.Stride:]
		d0, d1 := out.Pix[2*y*out.Stride:], out.Pix[(2*y+1)*out.Stride:]
		for x := 0; x < w; x++ {
			x1 := min(x+1, w-1)
			a, b := uint16(r0[x]), uint16(r0[x1])
			c, d := uint16(r1[x]), uint16(r1[x1])
			d0[2*x] = uint8(a)
			d0[2*x+1] = uint8((a + b + 1) / 2)
			d1[2*x] = uint8((a + c + 1) / 2)
			d1[2*x+1] = uint8((a + b + c + d + 2) / 4)
		}
	}
	return out
}

// rotateCCW rotates g by 90° counter-clockwise: the pixel at (x, y) of the
// result is the pixel at (w-1-y, x) of g.
func rotateCCW(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, h, w))
	for y := 0; y < w; y++ {
		dst := out.Pix[y*h : (y+1)*h]
		sx := w - 1 - y
		for x := range dst {
			dst[x] = g.Pix[x*g.Stride+sx]
		}
	}
	return out
}

// crop copies the part r of g (clipped to g) into a new compact image.
func crop(g *image.Gray, r image.Rectangle) *image.Gray {
	return planeOf(g.Pix, g.Stride, g.Rect, r.Intersect(g.Rect))
}

package qr

import "image"

// Image enhancements tried when a plain decode fails. Each returns a new
// image and leaves its input alone (the input may be the caller's frame).

// stretch maps the darkest and brightest 1% of pixels to 0 and 255, so that
// a dim or washed-out code clears the hybrid binarizer's minimum contrast.
func stretch(g *image.Gray) *image.Gray {
	var hist [256]int
	for _, v := range g.Pix {
		hist[v]++
	}
	cut := len(g.Pix) / 100
	lo, hi := 0, 255
	for n := 0; lo < 255 && n+hist[lo] <= cut; lo++ {
		n += hist[lo]
	}
	for n := 0; hi > 0 && n+hist[hi] <= cut; hi-- {
		n += hist[hi]
	}
	if hi <= lo {
		return g
	}
	var lut [256]uint8
	for i := range lut {
		v := (i - lo) * 255 / (hi - lo)
		lut[i] = uint8(min(max(v, 0), 255))
	}
	out := image.NewGray(g.Rect)
	for i, v := range g.Pix {
		out.Pix[i] = lut[v]
	}
	return out
}

// boxBlur averages each pixel with its (2r+1)² neighbourhood (edges
// clamped), with running sums: the cost does not depend on r. r must be
// below 128 so that a row sum fits in 16 bits.
func boxBlur(g *image.Gray, r int) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(g.Rect)
	if w == 0 || h == 0 {
		return out
	}
	tmp := make([]uint16, w*h) // horizontal window sums
	pad := make([]uint8, w+2*r+1)
	for y := 0; y < h; y++ {
		sumLine(g.Pix[y*w:(y+1)*w], tmp[y*w:(y+1)*w], pad, r)
	}
	sums := make([]int, w)
	rowAt := func(y int) []uint16 { y = min(max(y, 0), h-1); return tmp[y*w : (y+1)*w] }
	for y := -r; y <= r; y++ {
		for x, v := range rowAt(y) {
			sums[x] += int(v)
		}
	}
	den := (2*r + 1) * (2*r + 1)
	inv := (1<<24 + den - 1) / den // sum·inv >> 24 == sum/den, rounded, for sums ≤ 255·den
	for y := 0; y < h; y++ {
		dst := out.Pix[y*w : (y+1)*w]
		add, sub, sums := rowAt(y + r + 1)[:len(dst)], rowAt(y - r)[:len(dst)], sums[:len(dst)]
		for x, s := range sums {
			dst[x] = uint8((s*inv + 1<<23) >> 24)
			sums[x] = s + int(add[x]) - int(sub[x])
		}
	}
	return out
}

// sumLine writes to dst the sum of the window of radius r around each pixel
// of src, edges clamped. pad is scratch space of len(src)+2r+1.
func sumLine(src []uint8, dst []uint16, pad []uint8, r int) {
	n := len(src)
	for i := 0; i < r; i++ {
		pad[i] = src[0]
		pad[r+n+i] = src[n-1]
	}
	pad[2*r+n] = src[n-1]
	copy(pad[r:], src)
	sum := 0
	for _, v := range pad[:2*r+1] {
		sum += int(v)
	}
	add, sub := pad[2*r+1:], pad[:n]
	for i := range dst[:n-1] {
		dst[i] = uint16(sum)
		sum += int(add[i]) - int(sub[i])
	}
	dst[n-1] = uint16(sum)
}

// flatten subtracts the local background (a box blur of radius r) and
// amplifies what is left by gain: glare and uneven light become flat grey
// and a low-contrast code gets the contrast the binarizer needs.
func flatten(g *image.Gray, r, gain int) *image.Gray {
	out := boxBlur(g, r) // overwritten in place with the result
	px := out.Pix[:len(g.Pix)]
	for i, v := range g.Pix {
		px[i] = clamp8(128 + (int(v)-int(px[i]))*gain)
	}
	return out
}

func clamp8(v int) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

package qr

import (
	"image"
	"slices"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// The attempt list. Order matters: each attempt is tried only if all earlier
// ones failed, so the ones that read most frames for least time come first.
// The list was tuned on the qr-counter corpus (see corpus_test.go).

// attempt is one way of looking at the image.
type attempt struct {
	name    string
	formats FormatSet // skipped unless one of these is enabled
	// gated attempts run only when an earlier pass saw a sign of a code:
	// a QR finder pattern for QR attempts, a 1-D symbol that failed its
	// check for 1-D ones. Frames with nothing in view stop before them.
	gated bool
	run   func(p *pass) (Result, bool)
}

var attempts = []attempt{
	// Cheap, for every frame: most codes are read here.
	{"hybrid", QRCode, false, func(p *pass) (Result, bool) { return p.qr(p.base, hybrid, false) }},
	// 1-D rows at full resolution: shrinking would merge thin bars, and
	// reading 15 rows costs little at any size.
	{"rows", EAN13 | Code128, false, func(p *pass) (Result, bool) { return p.rows(p.full, false) }},
	{"rows-rotated", EAN13 | Code128, false, func(p *pass) (Result, bool) { return p.rows(p.rotated(), false) }},
	// Half size with the background flattened: finds dim or glared codes
	// the first pass saw nothing of, for about a millisecond.
	{"half-flatten", QRCode, false, func(p *pass) (Result, bool) {
		return p.qr(p.derive(downscale(p.base.g, 2), 2, flattenBy(8, 2)), hybrid, false)
	}},
	// Only once a finder pattern has been seen.
	{"flatten", QRCode, true, func(p *pass) (Result, bool) {
		return p.qr(p.derive(p.base.g, 1, flattenBy(16, 2)), hybrid, false)
	}},
	{"crop-x2-flatten", QRCode, true, func(p *pass) (Result, bool) { return p.cropQR(flattenBy(32, 2), hybrid) }},
	{"crop-x2-blur-flatten", QRCode, true, func(p *pass) (Result, bool) {
		r := p.flattenRadius(2)
		return p.cropQR(func(g *image.Gray) *image.Gray { return flatten(boxBlur(g, 1), r, 2) }, hybrid)
	}},
	{"flatten-global", QRCode, true, func(p *pass) (Result, bool) {
		return p.qr(p.derive(p.base.g, 1, flattenBy(p.flattenRadius(1), 3)), global, false)
	}},
	{"crop-x2", QRCode, true, func(p *pass) (Result, bool) { return p.cropQR(nil, hybrid) }},
	{"stretch", QRCode, true, func(p *pass) (Result, bool) { return p.qr(p.derive(p.base.g, 1, stretch), hybrid, false) }},
	{"global", QRCode, true, func(p *pass) (Result, bool) { return p.qr(p.base, global, false) }},
	{"half", QRCode, true, func(p *pass) (Result, bool) { return p.qr(p.derive(downscale(p.base.g, 2), 2, nil), hybrid, false) }},
	// Last: gozxing's TRY_HARDER (every row scanned, 1-D turned as well).
	{"hybrid-harder", QRCode, true, func(p *pass) (Result, bool) { return p.qrHarder() }},
	{"rows-harder", EAN13 | Code128, true, func(p *pass) (Result, bool) { return p.rows(p.base, true) }},
}

func flattenBy(r, gain int) func(*image.Gray) *image.Gray {
	return func(g *image.Gray) *image.Gray { return flatten(g, r, gain) }
}

// run goes down the attempt list until one reads a code or the budget ends.
func (p *pass) run() (Result, bool) {
	ran := 0
	for _, a := range attempts {
		if a.formats&p.d.formats == 0 || (a.gated && !p.evidence(a.formats)) {
			continue
		}
		if ran > 0 && p.overBudget() {
			break
		}
		ran++
		res, ok := a.run(p)
		if p.d.trace != nil {
			p.d.trace(a.name, ok)
		}
		if ok {
			return res, true
		}
	}
	return Result{}, false
}

// evidence reports whether an earlier pass saw a sign of a code of formats.
func (p *pass) evidence(formats FormatSet) bool {
	if formats&QRCode != 0 {
		return len(p.candidates) > 0
	}
	return p.seen1D
}

// binarizerKind selects gozxing's binarizer.
type binarizerKind int

const (
	hybrid binarizerKind = iota // local thresholds on 8×8 blocks
	global                      // one threshold per image (per row for 1-D)
)

func bitmap(g *image.Gray, kind binarizerKind) *gozxing.BinaryBitmap {
	src := newGrayLuminance(g)
	var b gozxing.Binarizer
	if kind == hybrid {
		b = newHybridBinarizer(src)
	} else {
		b = gozxing.NewGlobalHistgramBinarizer(src)
	}
	bm, _ := gozxing.NewBinaryBitmap(b) // fails only for a nil binarizer
	return bm
}

// derive returns a view of base shrunk by factor f (img must already be
// the shrunk image) and transformed by enhance, if not nil.
func (p *pass) derive(img *image.Gray, f int, enhance func(*image.Gray) *image.Gray) view {
	if enhance != nil {
		img = enhance(img)
	}
	return p.base.sub(img, point{}, float64(f))
}

// rotated returns the base image turned by 90°, for vertical 1-D codes.
func (p *pass) rotated() view {
	v := p.base
	v.g = rotateCCW(v.g)
	v.rotated = true
	return v
}

// qr runs one QR attempt on v and remembers the finder patterns it saw.
func (p *pass) qr(v view, kind binarizerKind, tryHarder bool) (Result, bool) {
	if v.g.Rect.Dx() < 21 || v.g.Rect.Dy() < 21 {
		return Result{}, false
	}
	m, err := bitmap(v.g, kind).GetBlackMatrix()
	if err != nil {
		return Result{}, false
	}
	if v.g == p.base.g && kind == hybrid {
		p.baseMatrix = m
	}
	return p.qrMatrix(v, m, tryHarder)
}

// qrHarder looks again at the base image's hybrid matrix with TRY_HARDER,
// which scans every row for finder patterns.
func (p *pass) qrHarder() (Result, bool) {
	if p.baseMatrix == nil {
		return p.qr(p.base, hybrid, true)
	}
	return p.qrMatrix(p.base, p.baseMatrix, true)
}

func (p *pass) qrMatrix(v view, m *gozxing.BitMatrix, tryHarder bool) (Result, bool) {
	scan := scanQR(m, tryHarder)
	p.remember(v, scan.candidates)
	if scan.found == nil {
		return Result{}, false
	}
	return Result{Text: scan.found.text, Format: FormatQR, Points: v.points(scan.found.corners)}, true
}

// remember keeps v's finder-pattern candidates in base coordinates.
func (p *pass) remember(v view, cands []*detector.FinderPattern) {
	s := v.scale / p.base.scale
	dx, dy := (v.ox-p.base.ox)/p.base.scale, (v.oy-p.base.oy)/p.base.scale
	for _, c := range cands {
		p.candidates = append(p.candidates,
			detector.NewFinderPattern(dx+s*c.GetX(), dy+s*c.GetY(), s*c.GetEstimatedModuleSize(), c.GetCount()))
	}
}

// cropQR takes a closer look at the region around the finder patterns seen
// so far: small or blurred codes get twice the pixels per module (from the
// full-resolution frame when the base image was shrunk, else by
// interpolation), and the binarizer sees the code without the counter.
func (p *pass) cropQR(enhance func(*image.Gray) *image.Gray, kind binarizerKind) (Result, bool) {
	r, ok := p.cropRect()
	if !ok {
		return Result{}, false
	}
	var v view
	if f := int(p.base.scale / p.full.scale); f >= 2 {
		r = image.Rect(r.Min.X*f, r.Min.Y*f, r.Max.X*f, r.Max.Y*f)
		v = p.full.sub(crop(p.full.g, r), point{float64(r.Min.X), float64(r.Min.Y)}, 1)
	} else {
		v = p.base.sub(upscale2(crop(p.base.g, r)), point{float64(r.Min.X), float64(r.Min.Y)}, 0.5)
	}
	if enhance != nil {
		v.g = enhance(v.g)
	}
	return p.qr(v, kind, false)
}

// cropRect is the region worth a closer look: around the best triple of
// candidates, or else around the first candidate, with room for the rest of
// a code of up to version 6 (41 modules).
func (p *pass) cropRect() (image.Rectangle, bool) {
	if len(p.candidates) == 0 {
		return image.Rectangle{}, false
	}
	r, ok := candidateBox(p.candidates, 0.6)
	if !ok {
		c := p.candidates[0]
		reach := 40 * c.GetEstimatedModuleSize()
		r = image.Rect(int(c.GetX()-reach), int(c.GetY()-reach), int(c.GetX()+reach), int(c.GetY()+reach))
	}
	r = r.Intersect(p.base.g.Rect)
	const sideMin, sideMax = 40, 480 // smaller is noise; larger costs more than it gains
	if r.Dx() < sideMin || r.Dy() < sideMin || r.Dx() > sideMax || r.Dy() > sideMax {
		return image.Rectangle{}, false
	}
	return r, true
}

// flattenRadius is the background radius for flatten on an image scaled by
// scale from base: about five modules of the codes seen, so that a finder
// pattern's 3×3-module centre is well inside the window.
func (p *pass) flattenRadius(scale float64) int {
	ms := make([]float64, len(p.candidates))
	for i, c := range p.candidates {
		ms[i] = c.GetEstimatedModuleSize()
	}
	slices.Sort(ms)
	r := 16.0
	if len(ms) > 0 {
		r = 5 * ms[len(ms)/2]
	}
	return int(min(max(r*scale, 8), 100))
}

// rows scans v for the enabled 1-D formats.
func (p *pass) rows(v view, tryHarder bool) (Result, bool) {
	var hints map[gozxing.DecodeHintType]any
	if tryHarder {
		hints = map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	}
	res, err := newOneDReader(p.d.formats, &p.seen1D).Decode(bitmap(v.g, global), hints)
	if err != nil {
		return Result{}, false
	}
	var pts []point
	for _, rp := range res.GetResultPoints() {
		pts = append(pts, point{rp.GetX(), rp.GetY()})
	}
	return Result{Text: res.GetText(), Format: formatName(res.GetBarcodeFormat()), Points: v.points(pts)}, true
}

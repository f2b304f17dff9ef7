package qr

import (
	"errors"
	"fmt"
	"image"
	"math"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// ErrNotFound means no code of an enabled format was read in the image.
var ErrNotFound = errors.New("qr: no code found")

// imageSideMax bounds the part of an image Decode works on; larger ones (an
// image.Uniform is infinite) are refused rather than allocated.
const imageSideMax = 1 << 14

// Format names, as Result.Format spells them (gozxing's names).
const (
	FormatQR      = "QR_CODE"
	FormatEAN13   = "EAN_13"
	FormatCode128 = "CODE_128"
)

// Result is one decoded code.
type Result struct {
	Text   string
	Format string // FormatQR, FormatEAN13 or FormatCode128
	// Points are in the source image's coordinates: a QR code's four
	// corners (top-left, top-right, bottom-right, bottom-left of the symbol)
	// or a 1-D code's two ends on the row that was read.
	Points  []image.Point
	Elapsed time.Duration // time Decode spent on the image
}

// FormatSet selects the symbologies a Decoder reads.
type FormatSet uint8

// The symbologies on offer. UPC-E, EAN-8 and the rest are left out on
// purpose: the decoy 1-D strip on wallet screens reads as UPC-E.
const (
	QRCode FormatSet = 1 << iota
	EAN13
	Code128

	DefaultFormats = QRCode | EAN13 | Code128
)

// ROI is a region of interest as fractions of the frame, 0..1 on each axis.
// The zero ROI means the whole frame.
type ROI struct{ X0, Y0, X1, Y1 float64 }

// Defaults for Options' zero values.
const (
	DefaultMaxWidth = 960
	DefaultBudget   = 30 * time.Millisecond
)

// Options configure a Decoder. The zero value is a sensible default.
type Options struct {
	Formats FormatSet // 0 means DefaultFormats
	ROI     ROI       // part of the frame to search; zero means all of it
	// MaxWidth is the widest image worked on; wider frames (after the ROI
	// cut) are shrunk by an integer factor. 0 means DefaultMaxWidth.
	MaxWidth int
	// Budget bounds the time spent on one image: the attempt list stops
	// when it is used up (the first attempt always runs). 0 means
	// DefaultBudget; negative means no limit (every attempt runs, which
	// makes results independent of machine speed).
	Budget time.Duration
}

// Decoder reads payment QR codes and product barcodes from camera frames.
// It is safe for concurrent use: each Decode call keeps its own state.
type Decoder struct {
	formats  FormatSet
	roi      ROI
	maxWidth int
	budget   time.Duration
	now      func() time.Time
	trace    func(attempt string, ok bool) // for tests tuning the attempt list
}

// NewDecoder returns a Decoder with opts, zero fields taking defaults.
func NewDecoder(opts Options) *Decoder {
	d := &Decoder{formats: opts.Formats, roi: opts.ROI, maxWidth: opts.MaxWidth, budget: opts.Budget, now: time.Now}
	if d.formats == 0 {
		d.formats = DefaultFormats
	}
	if d.maxWidth <= 0 {
		d.maxWidth = DefaultMaxWidth
	}
	if d.budget == 0 {
		d.budget = DefaultBudget
	}
	return d
}

// Decode looks for one code in img and returns it, or ErrNotFound. An
// image more than 16384 pixels on a side (after the ROI cut) is refused
// with an error.
//
// It tries cheap attempts first (the whole frame with gozxing's hybrid
// binarizer, then 1-D rows) and goes on to costlier ones (other
// binarizers, contrast and glare correction, an enlarged crop around the
// QR finder patterns seen, rotation, TRY_HARDER) only while the budget
// lasts — and, for the QR attempts, only when an earlier pass saw a finder
// pattern, so that the many camera frames with no code in view stay cheap.
func (d *Decoder) Decode(img image.Image) (Result, error) {
	start := d.now()
	src := d.roiRect(img.Bounds())
	if src.Empty() {
		return Result{}, ErrNotFound
	}
	if src.Dx() > imageSideMax || src.Dy() > imageSideMax {
		return Result{}, fmt.Errorf("qr: image of %dx%d pixels is too large", src.Dx(), src.Dy())
	}
	f := max(1, (src.Dx()+d.maxWidth-1)/d.maxWidth)
	full := view{g: grayOf(img, src), ox: float64(src.Min.X), oy: float64(src.Min.Y), scale: 1}
	base := full.sub(downscale(full.g, f), point{}, float64(f))
	p := &pass{d: d, full: full, base: base, start: start}
	res, ok := p.run()
	if !ok {
		return Result{}, ErrNotFound
	}
	res.Elapsed = d.now().Sub(start)
	return res, nil
}

// roiRect turns the fractional ROI into pixels of bounds.
func (d *Decoder) roiRect(b image.Rectangle) image.Rectangle {
	r := d.roi
	if r == (ROI{}) {
		return b
	}
	at := func(lo, n int, f float64) int { return lo + int(math.Round(float64(n)*min(max(f, 0), 1))) }
	return image.Rect(at(b.Min.X, b.Dx(), r.X0), at(b.Min.Y, b.Dy(), r.Y0),
		at(b.Min.X, b.Dx(), r.X1), at(b.Min.Y, b.Dy(), r.Y1)).Intersect(b)
}

// view is a working image and the map from its pixels back to the source
// frame: source = (ox, oy) + scale·p, after undoing a 90° turn if rotated.
type view struct {
	g       *image.Gray
	ox, oy  float64
	scale   float64
	rotated bool // g is the base image turned 90° counter-clockwise
}

// toSource maps a point of v.g to the source frame.
func (v view) toSource(p point) image.Point {
	if v.rotated { // undo rotateCCW: base (x, y) = (h-1-y', x') with h = g's height
		p = point{float64(v.g.Rect.Dy()) - 1 - p.y, p.x}
	}
	return image.Pt(int(math.Round(v.ox+v.scale*p.x)), int(math.Round(v.oy+v.scale*p.y)))
}

// sub returns a view of g, a transform of v's image where a pixel of g at p
// is v's pixel at off + p·scale.
func (v view) sub(g *image.Gray, off point, scale float64) view {
	return view{g: g, ox: v.ox + v.scale*off.x, oy: v.oy + v.scale*off.y, scale: v.scale * scale}
}

func (v view) points(ps []point) []image.Point {
	out := make([]image.Point, len(ps))
	for i, p := range ps {
		out[i] = v.toSource(p)
	}
	return out
}

// pass is the state of one Decode call.
type pass struct {
	d     *Decoder
	full  view // the ROI at full resolution
	base  view // the same, shrunk to at most MaxWidth
	start time.Time
	// candidates are the finder patterns seen so far, in base coordinates.
	candidates []*detector.FinderPattern
	seen1D     bool               // a 1-D symbol was seen that failed its check
	baseMatrix *gozxing.BitMatrix // the base image, hybrid-binarized, once done
}

// overBudget reports whether the time for this image is used up.
func (p *pass) overBudget() bool {
	return p.d.budget > 0 && p.d.now().Sub(p.start) > p.d.budget
}

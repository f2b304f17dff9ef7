package qr

import (
	"image"
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// QR decoding on one binarized image. It calls gozxing's finder, detector and
// decoder itself instead of qrcode.QRCodeReader so that it can
//   - see every finder-pattern candidate, which tells the pipeline whether a
//     code is probably in view (worth more attempts) and where (a crop);
//   - try other triples of candidates when the best-looking one fails, as
//     happens when glare or a decoy barcode adds look-alike patterns;
//   - report the code's four corners instead of the finder centres.

// altTriplesMax bounds the other candidate triples tried after the best
// one; each gets only the altNudges nearest samplings (the first ring).
const (
	altTriplesMax = 6
	altNudges     = 9
)

// qrFound is a decoded QR code in the coordinates of the image it came from.
type qrFound struct {
	text    string
	corners []point
}

// qrScan is what one QR attempt learned.
type qrScan struct {
	found      *qrFound
	candidates []*detector.FinderPattern // finder-pattern candidates seen
}

// point is a position in some working image.
type point struct{ x, y float64 }

// scanQR looks for one QR code in the black matrix m.
func scanQR(m *gozxing.BitMatrix, tryHarder bool) qrScan {
	hints := map[gozxing.DecodeHintType]any{}
	if tryHarder {
		hints[gozxing.DecodeHintType_TRY_HARDER] = true
	}
	finder := detector.NewFinderPatternFinder(m, nil)
	info, err := finder.Find(hints)
	scan := qrScan{candidates: finder.GetPossibleCenters()}
	if err == nil {
		scan.found = decodeTriple(m, info, hints, brNudges)
	}
	if scan.found == nil && len(scan.candidates) > 3 {
		scan.found = decodeOtherTriples(m, scan.candidates, info, hints)
	}
	return scan
}

// decodeTriple samples and decodes the code framed by one finder triple.
// If that fails it resamples with the fourth corner moved by each of nudges
// (brNudges or a prefix of it).
func decodeTriple(m *gozxing.BitMatrix, info *detector.FinderPatternInfo, hints map[gozxing.DecodeHintType]any, nudges []point) *qrFound {
	det, err := detector.NewDetector(m).ProcessFinderPatternInfo(info)
	if err != nil {
		return refineTriple(m, info, estimateDimension(info), nil, hints, nudges)
	}
	res, err := decoder.NewDecoder().Decode(det.GetBits(), hints)
	if err != nil {
		var align *detector.AlignmentPattern
		if pts := det.GetPoints(); len(pts) > 3 {
			align, _ = pts[3].(*detector.AlignmentPattern)
		}
		return refineTriple(m, info, det.GetBits().GetWidth(), align, hints, nudges[1:]) // [0] just failed
	}
	return &qrFound{text: res.GetText(), corners: qrCorners(det.GetPoints(), det.GetBits().GetWidth())}
}

// brNudges are the offsets, in modules along the code's axes, tried for the
// fourth point of the sampling grid: none first, then rings of half-module
// steps. Without an alignment pattern (version 1, or one not found) gozxing
// assumes a parallelogram, so a slightly tilted phone puts the bottom-right
// modules half a module off and the Reed-Solomon check fails; zbar reads
// those frames.
var brNudges = func() []point {
	const nudgeRings = 3 // ±1.5 modules: on the corpus ±1 read 4 fewer frames, ±3 none more
	out := []point{{0, 0}}
	for r := 1; r <= nudgeRings; r++ {
		for dy := -r; dy <= r; dy++ {
			for dx := -r; dx <= r; dx++ {
				if max(abs(dx), abs(dy)) == r {
					out = append(out, point{float64(dx) / 2, float64(dy) / 2})
				}
			}
		}
	}
	return out
}()

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// refineTriple resamples the code with the fourth point nudged around its
// estimate until the decoder's error correction accepts the grid.
func refineTriple(m *gozxing.BitMatrix, info *detector.FinderPatternInfo, dim int, align *detector.AlignmentPattern, hints map[gozxing.DecodeHintType]any, nudges []point) *qrFound {
	if dim < 21 {
		return nil
	}
	tl, tr, bl := info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()
	d := float64(dim)
	src := d - 3.5 // module coordinate of the fourth point
	brX, brY := tr.GetX()-tl.GetX()+bl.GetX(), tr.GetY()-tl.GetY()+bl.GetY()
	if align != nil {
		src = d - 6.5
		brX, brY = align.GetX(), align.GetY()
	}
	span := d - 7 // modules between finder centres
	ux, uy := (tr.GetX()-tl.GetX())/span, (tr.GetY()-tl.GetY())/span
	vx, vy := (bl.GetX()-tl.GetX())/span, (bl.GetY()-tl.GetY())/span
	dec := decoder.NewDecoder()
	for _, n := range nudges {
		x, y := brX+n.x*ux+n.y*vx, brY+n.x*uy+n.y*vy
		t := common.PerspectiveTransform_QuadrilateralToQuadrilateral(
			3.5, 3.5, d-3.5, 3.5, src, src, 3.5, d-3.5,
			tl.GetX(), tl.GetY(), tr.GetX(), tr.GetY(), x, y, bl.GetX(), bl.GetY())
		bits, err := detector.Detector_sampleGrid(m, t, dim)
		if err != nil {
			continue
		}
		res, err := dec.Decode(bits, hints)
		if err != nil {
			continue
		}
		xy := []float64{0, 0, d, 0, d, d, 0, d}
		t.TransformPoints(xy)
		return &qrFound{text: res.GetText(), corners: []point{{xy[0], xy[1]}, {xy[2], xy[3]}, {xy[4], xy[5]}, {xy[6], xy[7]}}}
	}
	return nil
}

// estimateDimension guesses the symbol's size in modules from the finder
// centres and their module sizes, rounded to a valid size (4k+1).
func estimateDimension(info *detector.FinderPatternInfo) int {
	tl, tr, bl := info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()
	ms := (tl.GetEstimatedModuleSize() + tr.GetEstimatedModuleSize() + bl.GetEstimatedModuleSize()) / 3
	if ms <= 0 {
		return 0
	}
	span := (gozxing.ResultPoint_Distance(tl, tr) + gozxing.ResultPoint_Distance(tl, bl)) / 2 / ms
	dim := int(math.Round(span)) + 7
	switch dim & 3 {
	case 0:
		dim++
	case 2:
		dim--
	case 3:
		dim += 2
	}
	return dim
}

// qrCorners maps the symbol's corners to the image through the same
// perspective transform the detector sampled with. points is the detector's
// [bottomLeft, topLeft, topRight, alignment?].
func qrCorners(points []gozxing.ResultPoint, dim int) []point {
	if len(points) < 3 {
		return nil
	}
	var align *detector.AlignmentPattern
	if len(points) > 3 {
		align, _ = points[3].(*detector.AlignmentPattern)
	}
	t := detector.Detector_createTransform(points[1], points[2], points[0], align, dim)
	d := float64(dim)
	xy := []float64{0, 0, d, 0, d, d, 0, d}
	t.TransformPoints(xy)
	return []point{{xy[0], xy[1]}, {xy[2], xy[3]}, {xy[4], xy[5]}, {xy[6], xy[7]}}
}

// decodeOtherTriples tries the candidate triples that look most like the
// corners of a square, skipping the one already tried.
func decodeOtherTriples(m *gozxing.BitMatrix, cands []*detector.FinderPattern, tried *detector.FinderPatternInfo, hints map[gozxing.DecodeHintType]any) *qrFound {
	for _, tr := range rankTriples(cands, altTriplesMax+1) {
		bl, tl, trp := gozxing.ResultPoint_OrderBestPatterns(tr[0], tr[1], tr[2])
		info := detector.NewFinderPatternInfo(bl.(*detector.FinderPattern), tl.(*detector.FinderPattern), trp.(*detector.FinderPattern))
		if tried != nil && sameTriple(info, tried) {
			continue
		}
		if f := decodeTriple(m, info, hints, brNudges[:altNudges]); f != nil {
			return f
		}
	}
	return nil
}

func sameTriple(a, b *detector.FinderPatternInfo) bool {
	return a.GetTopLeft() == b.GetTopLeft() && a.GetTopRight() == b.GetTopRight() &&
		a.GetBottomLeft() == b.GetBottomLeft()
}

// rankTriples returns up to n triples of candidates with similar module sizes
// that are closest to an isosceles right triangle, best first.
func rankTriples(c []*detector.FinderPattern, n int) [][3]*detector.FinderPattern {
	const candidatesMax = 12 // 220 triples at most
	c = c[:min(len(c), candidatesMax)]
	type scored struct {
		t [3]*detector.FinderPattern
		d float64
	}
	var all []scored
	for i := 0; i < len(c); i++ {
		for j := i + 1; j < len(c); j++ {
			for k := j + 1; k < len(c); k++ {
				if d, ok := triangleDistortion(c[i], c[j], c[k]); ok {
					all = append(all, scored{[3]*detector.FinderPattern{c[i], c[j], c[k]}, d})
				}
			}
		}
	}
	out := make([][3]*detector.FinderPattern, 0, n)
	for len(out) < n && len(all) > 0 {
		best := 0
		for i := range all {
			if all[i].d < all[best].d {
				best = i
			}
		}
		out = append(out, all[best].t)
		all[best] = all[len(all)-1]
		all = all[:len(all)-1]
	}
	return out
}

// triangleDistortion scores how far three centres are from the corners of
// an isosceles right triangle whose legs span a plausible number of modules
// (0 is perfect), as gozxing's SelectBestPatterns does.
func triangleDistortion(a, b, c *detector.FinderPattern) (float64, bool) {
	ma, mb, mc := a.GetEstimatedModuleSize(), b.GetEstimatedModuleSize(), c.GetEstimatedModuleSize()
	lo, hi := math.Min(ma, math.Min(mb, mc)), math.Max(ma, math.Max(mb, mc))
	if hi > lo*1.4 {
		return 0, false
	}
	s := []float64{sq(a, b), sq(b, c), sq(a, c)}
	x, y, z := sort3(s[0], s[1], s[2])
	mod := (ma + mb + mc) / 3
	leg := math.Sqrt(y) / mod // modules between finder centres: 14 (v1) .. 170 (v40)
	if leg < 12 || leg > 180 {
		return 0, false
	}
	return (math.Abs(z-2*y) + math.Abs(z-2*x)) / z, true
}

func sq(a, b *detector.FinderPattern) float64 {
	dx, dy := a.GetX()-b.GetX(), a.GetY()-b.GetY()
	return dx*dx + dy*dy
}

func sort3(a, b, c float64) (float64, float64, float64) {
	if a > b {
		a, b = b, a
	}
	if b > c {
		b, c = c, b
	}
	if a > b {
		a, b = b, a
	}
	return a, b, c
}

// candidateBox returns a rectangle around the best candidate triple, grown by
// margin times the triple's size, or false if there is no plausible triple.
func candidateBox(cands []*detector.FinderPattern, margin float64) (image.Rectangle, bool) {
	tr := rankTriples(cands, 1)
	if len(tr) == 0 {
		return image.Rectangle{}, false
	}
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, p := range tr[0] {
		minX, maxX = math.Min(minX, p.GetX()), math.Max(maxX, p.GetX())
		minY, maxY = math.Min(minY, p.GetY()), math.Max(maxY, p.GetY())
	}
	grow := margin * math.Max(maxX-minX, maxY-minY)
	return image.Rect(int(minX-grow), int(minY-grow), int(maxX+grow)+1, int(maxY+grow)+1), true
}

package qr

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	goqrcode "github.com/skip2/go-qrcode"
)

// Test pictures: codes drawn into grey frames with a known pose, so a test
// can say where the corners must come out.

// modules is a code as a grid of dark (true) modules, quiet zone included.
type modules [][]bool

// qrModules encodes text with skip2/go-qrcode (not the library that
// decodes it), with its standard 4-module quiet zone.
func qrModules(t testing.TB, text string) modules {
	t.Helper()
	q, err := goqrcode.New(text, goqrcode.Medium)
	if err != nil {
		t.Fatalf("goqrcode.New(%q): %v", text, err)
	}
	return q.Bitmap()
}

// barModules draws a 1-D code with gozxing's writer, rows high, with a
// quiet zone of 10 modules on each side.
func barModules(t testing.TB, w gozxing.Writer, format gozxing.BarcodeFormat, text string, rows int) modules {
	t.Helper()
	m, err := w.Encode(text, format, 0, 1, map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 20})
	if err != nil {
		t.Fatalf("encode %v %q: %v", format, text, err)
	}
	row := make([]bool, m.GetWidth())
	for x := range row {
		row[x] = m.Get(x, 0)
	}
	out := make(modules, rows)
	for i := range out {
		out[i] = row
	}
	return out
}

func ean13Modules(t testing.TB, text string) modules {
	return barModules(t, oned.NewEAN13Writer(), gozxing.BarcodeFormat_EAN_13, text, 40)
}

func code128Modules(t testing.TB, text string) modules {
	return barModules(t, oned.NewCode128Writer(), gozxing.BarcodeFormat_CODE_128, text, 30)
}

// pose places a code in a frame: its centre, the size of one module in
// pixels and the turn in degrees (clockwise on screen).
type pose struct {
	cx, cy, module, angle float64
}

// frame is a grey counter scene: a gradient with a few boxes.
func frame(w, h int, seed uint64) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			g.Pix[y*w+x] = uint8(90 + 60*x/w + 40*y/h)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 3))
	for range 4 {
		bx, by := rng.IntN(w), rng.IntN(h)
		bw, bh := 10+rng.IntN(w/4+1), 10+rng.IntN(h/4+1)
		shade := uint8(50 + rng.IntN(160))
		for y := by; y < min(h, by+bh); y++ {
			for x := bx; x < min(w, bx+bw); x++ {
				g.Pix[y*w+x] = shade
			}
		}
	}
	return g
}

// drawCode paints m at p into g (white quiet zone, black modules) and returns
// where the corners of the symbol proper (quiet zone excluded, quiet
// modules wide) land: top-left, top-right, bottom-right, bottom-left.
func drawCode(g *image.Gray, m modules, p pose, quiet int) []point {
	rows, cols := len(m), len(m[0])
	sin, cos := math.Sincos(p.angle * math.Pi / 180)
	hw, hh := float64(cols)*p.module/2, float64(rows)*p.module/2
	r := math.Hypot(hw, hh) + 1
	b := g.Rect
	for y := max(b.Min.Y, int(p.cy-r)); y < min(b.Max.Y, int(p.cy+r)+1); y++ {
		for x := max(b.Min.X, int(p.cx-r)); x < min(b.Max.X, int(p.cx+r)+1); x++ {
			dx, dy := float64(x)+0.5-p.cx, float64(y)+0.5-p.cy
			u := (dx*cos + dy*sin + hw) / p.module
			v := (-dx*sin + dy*cos + hh) / p.module
			if u < 0 || v < 0 || u >= float64(cols) || v >= float64(rows) {
				continue
			}
			c := uint8(235)
			if m[int(v)][int(u)] {
				c = 25
			}
			g.Pix[g.PixOffset(x, y)] = c
		}
	}
	corner := func(u, v float64) point {
		dx, dy := u*p.module-hw, v*p.module-hh
		return point{p.cx + dx*cos - dy*sin, p.cy + dx*sin + dy*cos}
	}
	q := float64(quiet)
	return []point{corner(q, q), corner(float64(cols)-q, q), corner(float64(cols)-q, float64(rows)-q), corner(q, float64(rows)-q)}
}

// addNoise adds Gaussian noise of the given sigma.
func addNoise(g *image.Gray, sigma float64, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 5))
	for i, v := range g.Pix {
		g.Pix[i] = clamp8(int(float64(v) + rng.NormFloat64()*sigma))
	}
}

// scene is a 640×480 frame with one code drawn in it.
func scene(m modules, p pose, quiet int) (*image.Gray, []point) {
	g := frame(640, 480, 1)
	corners := drawCode(g, m, p, quiet)
	return g, corners
}

// near reports whether every got point is within tol of some want point.
func near(got []image.Point, want []point, tol float64) bool {
	for _, gp := range got {
		ok := false
		for _, wp := range want {
			if math.Hypot(float64(gp.X)-wp.x, float64(gp.Y)-wp.y) <= tol {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return len(got) > 0
}

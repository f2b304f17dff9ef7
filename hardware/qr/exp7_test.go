//go:build exp

package qr

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

func thresh(g *image.Gray, t uint8) *gozxing.BitMatrix {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	m, _ := gozxing.NewBitMatrix(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if g.Pix[y*w+x] < t {
				m.Set(x, y)
			}
		}
	}
	return m
}

func TestExpMiss(t *testing.T) {
	frames := loadCorpus(t)
	d := NewDecoder(Options{Budget: -1})
	type V = func(g *image.Gray, ms float64) *image.Gray
	variants := map[string]V{
		"x2":         func(g *image.Gray, ms float64) *image.Gray { return upscale2(g) },
		"x2blur":     func(g *image.Gray, ms float64) *image.Gray { return boxBlur(upscale2(g), 1) },
		"x2blur2":    func(g *image.Gray, ms float64) *image.Gray { return boxBlur(upscale2(g), 2) },
		"x2flatA":    func(g *image.Gray, ms float64) *image.Gray { return flatten(upscale2(g), int(min(max(10*ms, 8), 100)), 2) },
		"x2blurflatA": func(g *image.Gray, ms float64) *image.Gray {
			return flatten(boxBlur(upscale2(g), 1), int(min(max(10*ms, 8), 100)), 2)
		},
		"flatA":  func(g *image.Gray, ms float64) *image.Gray { return flatten(g, int(min(max(5*ms, 8), 100)), 2) },
		"flatA3": func(g *image.Gray, ms float64) *image.Gray { return flatten(g, int(min(max(5*ms, 8), 100)), 3) },
		"blurflatA": func(g *image.Gray, ms float64) *image.Gray {
			return flatten(boxBlur(g, 1), int(min(max(5*ms, 8), 100)), 3)
		},
	}
	score := map[string]int{}
	for _, f := range frames {
		if r, err := d.Decode(f.g); err == nil && r.Text == f.want {
			continue
		}
		p := &pass{d: d, base: view{g: f.g, scale: 1}}
		p.run()
		ok := map[string]bool{}
		var ms float64
		for _, c := range p.candidates {
			ms += c.GetEstimatedModuleSize()
		}
		if len(p.candidates) > 0 {
			ms /= float64(len(p.candidates))
		}
		var r image.Rectangle
		var hasR bool
		if len(p.candidates) > 0 {
			r, hasR = p.cropRect()
		}
		for name, v := range variants {
			for _, full := range []bool{false, true} {
				if !full && !hasR {
					continue
				}
				g := f.g
				if !full {
					g = crop(f.g, r)
				}
				e := v(g, ms)
				tag := name
				if full {
					tag = "full-" + name
				}
				for _, kind := range []binarizerKind{hybrid, global} {
					m, err := bitmap(e, kind).GetBlackMatrix()
					if err != nil {
						continue
					}
					if s := scanQR(m, true); s.found != nil && s.found.text == f.want {
						ok[tag+map[binarizerKind]string{hybrid: "-H", global: "-G"}[kind]] = true
					}
				}
				for th := 60; th <= 200; th += 20 {
					if s := scanQR(thresh(e, uint8(th)), true); s.found != nil && s.found.text == f.want {
						ok[tag+"-T"] = true
					}
				}
			}
		}
		var names []string
		for k := range ok {
			names = append(names, k)
			score[k]++
		}
		t.Logf("%s cands=%d ms=%.1f crop=%v %v", f.name, len(p.candidates), ms, r, names)
	}
	t.Logf("score %v", score)
}

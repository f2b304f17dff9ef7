//go:build exp

package qr

import (
	"fmt"
	"image"
	"sort"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

func TestExpMatrix(t *testing.T) {
	frames := loadCorpus(t)
	d := NewDecoder(Options{Budget: -1})
	type S struct {
		name string
		f    func(p *pass) (Result, bool)
	}
	fl := func(r, gain int) func(*image.Gray) *image.Gray {
		return func(g *image.Gray) *image.Gray { return flatten(g, r, gain) }
	}
	strats := []S{
		{"global", func(p *pass) (Result, bool) { return p.qr(p.base, global, false) }},
		{"flat16", func(p *pass) (Result, bool) { return p.qr(p.derive(p.base.g, 1, fl(16, 2)), hybrid, false) }},
		{"flat16x3", func(p *pass) (Result, bool) { return p.qr(p.derive(p.base.g, 1, fl(16, 3)), hybrid, false) }},
		{"flat32", func(p *pass) (Result, bool) { return p.qr(p.derive(p.base.g, 1, fl(32, 2)), hybrid, false) }},
		{"flatA", func(p *pass) (Result, bool) {
			r := p.flattenRadius(1)
			return p.qr(p.derive(p.base.g, 1, fl(r, 2)), hybrid, false)
		}},
		{"flatAG", func(p *pass) (Result, bool) {
			r := p.flattenRadius(1)
			return p.qr(p.derive(p.base.g, 1, fl(r, 3)), global, false)
		}},
		{"stretch", func(p *pass) (Result, bool) { return p.qr(p.derive(p.base.g, 1, stretch), hybrid, false) }},
		{"blur", func(p *pass) (Result, bool) {
			return p.qr(p.derive(p.base.g, 1, func(g *image.Gray) *image.Gray { return boxBlur(g, 1) }), hybrid, false)
		}},
		{"sharpen", func(p *pass) (Result, bool) {
			return p.qr(p.derive(p.base.g, 1, func(g *image.Gray) *image.Gray { return sharpen(boxBlur(g, 1), 2) }), hybrid, false)
		}},
		{"half", func(p *pass) (Result, bool) { return p.qr(p.derive(downscale(p.base.g, 2), 2, nil), hybrid, false) }},
		{"harder", func(p *pass) (Result, bool) { return p.qr(p.base, hybrid, true) }},
		{"crop2", func(p *pass) (Result, bool) { return p.cropQR(nil, hybrid) }},
		{"crop2G", func(p *pass) (Result, bool) { return p.cropQR(nil, global) }},
		{"crop2blurflatA", func(p *pass) (Result, bool) {
			r := p.flattenRadius(2)
			return p.cropQR(func(g *image.Gray) *image.Gray { return flatten(boxBlur(g, 1), r, 2) }, hybrid)
		}},
		{"crop2flat32", func(p *pass) (Result, bool) { return p.cropQR(fl(32, 2), hybrid) }},
		{"x2blurflatA", func(p *pass) (Result, bool) {
			r := p.flattenRadius(2)
			return p.qr(p.base.sub(flatten(boxBlur(upscale2(p.base.g), 1), r, 2), point{}, 0.5), hybrid, true)
		}},
		{"x2blurflat32", func(p *pass) (Result, bool) {
			return p.qr(p.base.sub(flatten(boxBlur(upscale2(p.base.g), 1), 32, 2), point{}, 0.5), hybrid, false)
		}},
	}
	solved := map[string]map[string]bool{}
	cost := map[string]time.Duration{}
	for _, s := range strats {
		solved[s.name] = map[string]bool{}
	}
	rest := 0
	for _, f := range frames {
		p0 := &pass{d: d, base: view{g: f.g, scale: 1}}
		if r, ok := p0.qr(p0.base, hybrid, false); ok && r.Text == f.want {
			continue
		}
		rest++
		p0.qr(p0.derive(downscale(f.g, 2), 2, func(g *image.Gray) *image.Gray { return flatten(g, 8, 2) }), hybrid, false)
		cands := p0.candidates
		for _, s := range strats {
			p := &pass{d: d, base: p0.base, candidates: append([]*detector.FinderPattern(nil), cands...)}
			t0 := time.Now()
			r, ok := s.f(p)
			cost[s.name] += time.Since(t0)
			if ok && r.Text == f.want {
				solved[s.name][f.name] = true
			} else if ok {
				t.Logf("WRONG %s %s", s.name, f.name)
			}
		}
	}
	// greedy
	covered := map[string]bool{}
	for {
		best, bestN := "", 0
		for _, s := range strats {
			n := 0
			for k := range solved[s.name] {
				if !covered[k] {
					n++
				}
			}
			if n > bestN {
				best, bestN = s.name, n
			}
		}
		if bestN == 0 {
			break
		}
		for k := range solved[best] {
			covered[k] = true
		}
		t.Logf("greedy %s +%d (avg cost %v)", best, bestN, cost[best]/time.Duration(rest))
	}
	var lines []string
	for _, s := range strats {
		var ks []string
		for k := range solved[s.name] {
			ks = append(ks, k[:3])
		}
		sort.Strings(ks)
		lines = append(lines, fmt.Sprintf("%-15s %2d %8v %v", s.name, len(ks), cost[s.name]/time.Duration(rest), ks))
	}
	for _, l := range lines {
		t.Log(l)
	}
	t.Logf("rest=%d covered=%d", rest, len(covered))
}

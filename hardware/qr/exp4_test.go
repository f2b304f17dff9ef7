//go:build exp

package qr

import (
	"image"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

func TestExp2(t *testing.T) {
	frames := loadCorpus(t)
	base := map[string]bool{}
	for _, f := range frames {
		if txt, _ := run(hyb(f.g), false); txt == f.want {
			base[f.name] = true
		}
	}
	t.Logf("base %d", len(base))
	type S = func(g *image.Gray) (string, []*detector.FinderPattern)
	strats := []struct {
		name string
		f    S
	}{
		{"stretchH", func(g *image.Gray) (string, []*detector.FinderPattern) { return run(hyb(stretch(g)), false) }},
		{"flat16x2H", func(g *image.Gray) (string, []*detector.FinderPattern) { return run(hyb(flatten(g, 16, 2)), false) }},
		{"flat16x3G", func(g *image.Gray) (string, []*detector.FinderPattern) { return run(glob(flatten(g, 16, 3)), false) }},
		{"flat8x3G", func(g *image.Gray) (string, []*detector.FinderPattern) { return run(glob(flatten(g, 8, 3)), false) }},
		{"blur1H", func(g *image.Gray) (string, []*detector.FinderPattern) { return run(hyb(boxBlur(g, 1)), false) }},
		{"blur1stretchH", func(g *image.Gray) (string, []*detector.FinderPattern) { return run(hyb(stretch(boxBlur(g, 1))), false) }},
		{"sharpH", func(g *image.Gray) (string, []*detector.FinderPattern) { return run(hyb(sharpen(boxBlur(g, 1), 2)), false) }},
		{"blur1flat12x3G", func(g *image.Gray) (string, []*detector.FinderPattern) { return run(glob(flatten(boxBlur(g, 1), 12, 3)), false) }},
		{"x2blur1flat24x3G", func(g *image.Gray) (string, []*detector.FinderPattern) { return run(glob(flatten(boxBlur(upscale2(g), 2), 24, 3)), false) }},
	}
	union := map[string]bool{}
	for k := range base {
		union[k] = true
	}
	for _, s := range strats {
		ok, wrong, extra := 0, 0, []string{}
		start := time.Now()
		for _, f := range frames {
			txt, _ := s.f(f.g)
			if txt == f.want {
				ok++
				if !base[f.name] {
					extra = append(extra, f.name)
					union[f.name] = true
				}
			} else if txt != "" {
				wrong++
			}
		}
		el := time.Since(start) / time.Duration(len(frames))
		t.Logf("%-16s ok=%3d wrong=%d %v/frame new=%v", s.name, ok, wrong, el, extra)
	}
	var miss []string
	for _, f := range frames {
		if !union[f.name] {
			miss = append(miss, f.name)
		}
	}
	sort.Strings(miss)
	t.Logf("union=%d missing=%s", len(union), strings.Join(miss, " "))
}

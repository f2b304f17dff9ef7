//go:build exp

package qr

import (
	"encoding/csv"
	"fmt"
	"image"
	_ "image/jpeg"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

type frame struct {
	name, want, tier string
	g                *image.Gray
}

func loadCorpus(t testing.TB) []frame {
	dir := "/work/shared/corpus/qr-counter"
	f, _ := os.Open(filepath.Join(dir, "manifest.csv"))
	recs, _ := csv.NewReader(f).ReadAll()
	var out []frame
	for _, r := range recs[1:] {
		fh, _ := os.Open(filepath.Join(dir, r[0]))
		img, _, err := image.Decode(fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, frame{r[0], r[2], r[3], grayOf(img, img.Bounds())})
	}
	return out
}

func hyb(g *image.Gray) *gozxing.BitMatrix {
	bm, _ := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(newGrayLuminance(g)))
	m, err := bm.GetBlackMatrix()
	if err != nil {
		return nil
	}
	return m
}
func glob(g *image.Gray) *gozxing.BitMatrix {
	bm, _ := gozxing.NewBinaryBitmap(gozxing.NewGlobalHistgramBinarizer(newGrayLuminance(g)))
	m, err := bm.GetBlackMatrix()
	if err != nil {
		return nil
	}
	return m
}

type strat struct {
	name string
	f    func(g *image.Gray) (string, []*detector.FinderPattern)
}

func run(m *gozxing.BitMatrix, th bool) (string, []*detector.FinderPattern) {
	if m == nil {
		return "", nil
	}
	s := scanQR(m, th)
	if s.found != nil {
		return s.found.text, s.candidates
	}
	return "", s.candidates
}

func TestExp(t *testing.T) {
	frames := loadCorpus(t)
	strats := []strat{
		{"H", func(g *image.Gray) (string, []*detector.FinderPattern) { return run(hyb(g), false) }},
		{"G", func(g *image.Gray) (string, []*detector.FinderPattern) { return run(glob(g), false) }},
		{"HTH", func(g *image.Gray) (string, []*detector.FinderPattern) { return run(hyb(g), true) }},
		{"H/2", func(g *image.Gray) (string, []*detector.FinderPattern) { return run(hyb(downscale(g, 2)), false) }},
		{"G/2", func(g *image.Gray) (string, []*detector.FinderPattern) { return run(glob(downscale(g, 2)), false) }},
		{"Hx2", func(g *image.Gray) (string, []*detector.FinderPattern) { return run(hyb(upscale2(g)), false) }},
	}
	solved := map[string]map[string]bool{}
	for _, s := range strats {
		solved[s.name] = map[string]bool{}
		ok, wrong, ncand := 0, 0, 0
		start := time.Now()
		for _, f := range frames {
			txt, c := s.f(f.g)
			if len(c) > 0 {
				ncand++
			}
			if txt == f.want {
				ok++
				solved[s.name][f.name] = true
			} else if txt != "" {
				wrong++
			}
		}
		el := time.Since(start) / time.Duration(len(frames))
		t.Logf("%-6s ok=%3d wrong=%d withcand=%d  %v/frame", s.name, ok, wrong, ncand, el)
	}
	union := map[string]bool{}
	for _, m := range solved {
		for k := range m {
			union[k] = true
		}
	}
	var miss []string
	for _, f := range frames {
		if !union[f.name] {
			miss = append(miss, f.name+":"+f.tier)
		}
	}
	sort.Strings(miss)
	t.Logf("union=%d missing=%s", len(union), strings.Join(miss, " "))
	_ = fmt.Sprint
}

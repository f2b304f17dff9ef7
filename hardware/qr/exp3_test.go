//go:build exp

package qr

import (
	"testing"

	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

func TestExpCat(t *testing.T) {
	frames := loadCorpus(t)
	cat := map[string][]string{}
	for _, f := range frames {
		m := hyb(f.g)
		s := scanQR(m, false)
		if s.found != nil {
			if s.found.text != f.want {
				cat["WRONG"] = append(cat["WRONG"], f.name)
			}
			continue
		}
		finder := detector.NewFinderPatternFinder(m, nil)
		_, ferr := finder.Find(nil)
		n := len(finder.GetPossibleCenters())
		switch {
		case ferr == nil:
			cat["tripleFailed"] = append(cat["tripleFailed"], f.name+":"+f.tier)
		case n == 2:
			cat["two"] = append(cat["two"], f.name+":"+f.tier)
		default:
			cat["fewer"] = append(cat["fewer"], f.name+":"+f.tier)
		}
	}
	for k, v := range cat {
		t.Logf("%s %d %v", k, len(v), v)
	}
}

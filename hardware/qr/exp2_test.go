//go:build exp

package qr

import (
	"testing"

	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

func TestExpOne(t *testing.T) {
	frames := loadCorpus(t)
	for _, f := range frames {
		if f.name != "003.jpg" && f.name != "014.jpg" && f.name != "136.jpg" {
			continue
		}
		m := hyb(f.g)
		finder := detector.NewFinderPatternFinder(m, nil)
		info, ferr := finder.Find(nil)
		var err error = ferr
		if ferr == nil {
			err = nil
		}
		for _, c := range finder.GetPossibleCenters() {
			t.Logf("%s cand %.1f,%.1f ms=%.2f n=%d", f.name, c.GetX(), c.GetY(), c.GetEstimatedModuleSize(), c.GetCount())
		}
		if err != nil {
			t.Logf("find err %v", err)
			continue
		}
		det, err := detector.NewDetector(m).ProcessFinderPatternInfo(info)
		if err != nil {
			t.Logf("detect err %v", err)
			continue
		}
		t.Logf("dim %d pts %v", det.GetBits().GetWidth(), det.GetPoints())
		_, err = decoder.NewDecoder().Decode(det.GetBits(), nil)
		t.Logf("decode err %v", err)
	}
}

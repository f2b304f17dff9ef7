//go:build exp

package qr

import (
	"testing"
)

func TestExpNudge(t *testing.T) {
	frames := loadCorpus(t)
	d := NewDecoder(Options{Budget: -1})
	old := brNudges
	var big []point
	for dy := -8; dy <= 8; dy++ {
		for dx := -8; dx <= 8; dx++ {
			big = append(big, point{float64(dx) / 2, float64(dy) / 2})
		}
	}
	base := 0
	for _, f := range frames {
		if r, err := d.Decode(f.g); err == nil && r.Text == f.want {
			base++
		}
	}
	_ = big
	for _, R := range []int{2, 3, 4, 6} {
		brNudges = nil
		for r := 1; r <= R; r++ {
			for dy := -r; dy <= r; dy++ {
				for dx := -r; dx <= r; dx++ {
					if max(abs(dx), abs(dy)) == r {
						brNudges = append(brNudges, point{float64(dx) / 2, float64(dy) / 2})
					}
				}
			}
		}
		n := 0
		var got []string
		for _, f := range frames {
			r, err := d.Decode(f.g)
			if err == nil && r.Text == f.want {
				n++
				got = append(got, f.name)
			} else if err == nil {
				t.Logf("WRONG %s", f.name)
			}
		}
		t.Logf("R=%d n=%d", R, n)
		if R == 6 {
			t.Logf("%v", got)
		}
	}
	brNudges = old
	t.Logf("base %d", base)
}

//go:build exp

package qr

import (
	"sort"
	"testing"
	"time"
)

func TestExpLadder(t *testing.T) {
	frames := loadCorpus(t)
	for _, budget := range []time.Duration{-1, DefaultBudget} {
		d := NewDecoder(Options{Budget: budget})
		wins := map[string]int{}
		runs := map[string]int{}
		var cur []string
		d.trace = func(a string, ok bool) {
			runs[a]++
			cur = append(cur, a)
			if ok {
				wins[a]++
			}
		}
		ok, wrong := 0, 0
		var worst time.Duration
		var miss []string
		start := time.Now()
		for _, f := range frames {
			cur = nil
			t0 := time.Now()
			r, err := d.Decode(f.g)
			if el := time.Since(t0); el > worst {
				worst = el
			}
			if err == nil && r.Text == f.want {
				ok++
			} else if err == nil {
				wrong++
				t.Logf("WRONG %s %q", f.name, r.Text)
			} else {
				miss = append(miss, f.name)
			}
		}
		sort.Strings(miss)
		t.Logf("budget %v ok=%d wrong=%d avg=%v worst=%v", budget, ok, wrong, time.Since(start)/time.Duration(len(frames)), worst)
		t.Logf("wins %v", wins)
		t.Logf("runs %v", runs)
		t.Logf("miss %v", miss)
	}
}

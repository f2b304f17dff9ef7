//go:build exp

package qr

import (
	"testing"
	"time"
)

func TestExpFailCost(t *testing.T) {
	frames := loadCorpus(t, 1)
	d := NewDecoder(Options{Budget: -1})
	var cur string
	var t0 time.Time
	cost := map[string]time.Duration{}
	d.trace = func(a string, ok bool) { cost[a] += time.Since(t0); t0 = time.Now() }
	_ = cur
	for _, f := range frames {
		t0 = time.Now()
		start := time.Now()
		_, err := d.Decode(f.img)
		if err != nil {
			t.Logf("%s %v", f.file, time.Since(start))
		}
	}
	t.Logf("%v", cost)
}

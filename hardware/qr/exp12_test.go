//go:build exp

package qr

import (
	"testing"
	"time"
)

func TestExpVariants(t *testing.T) {
	frames := loadCorpus(t, 1)
	run := func(name string) {
		d := NewDecoder(Options{Budget: -1})
		ok := 0
		var failT, okT time.Duration
		for _, f := range frames {
			s := time.Now()
			r, err := d.Decode(f.img)
			el := time.Since(s)
			if err == nil && r.Text == f.want {
				ok++
				okT += el
			} else {
				failT += el
			}
		}
		t.Logf("%-20s ok=%d okT=%v failT=%v", name, ok, okT, failT)
	}
	run("base")
	old := brNudges
	brNudges = old[:24]
	run("nudges24")
	brNudges = old
	run("base-again")
}

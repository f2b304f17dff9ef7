package pos_test

import (
	"testing"

	"zhanggui/pos"
)

func TestParseRate(t *testing.T) {
	for in, want := range map[string]pos.BasisPoints{"0.6": 60, "0.38%": 38, " 1 ": 100, "0": 0, "100": 10000, "2.5": 250} {
		got, err := pos.ParseRate(in)
		if err != nil || got != want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "abc", "-1", "0.385", "100.01", "1e2"} {
		if _, err := pos.ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) accepted", bad)
		}
	}
	if s := pos.BasisPoints(60).String(); s != "0.60" {
		t.Errorf("60 bp prints %q", s)
	}
	if s := pos.BasisPoints(1234).String(); s != "12.34" {
		t.Errorf("1234 bp prints %q", s)
	}
}

func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"0.6", "0.38%", "100", "abc", "0.385"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		bp, err := pos.ParseRate(s)
		if err != nil {
			return
		}
		if bp < 0 || bp > 10000 {
			t.Fatalf("ParseRate(%q) = %d out of range", s, bp)
		}
		if back, err := pos.ParseRate(bp.String()); err != nil || back != bp {
			t.Fatalf("%d prints %q, which reads %d, %v", bp, bp.String(), back, err)
		}
	})
}

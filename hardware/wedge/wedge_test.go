package wedge_test

import (
	"testing"
	"time"

	"zhanggui/hardware/wedge"
)

// feed types s with the given gap between keys, then the suffix after gap.
func feed(d *wedge.Detector, s string, gap time.Duration, key wedge.Suffix) (string, bool) {
	t := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for _, r := range s {
		t = t.Add(gap)
		d.Rune(r, t)
	}
	return d.End(key, t.Add(gap))
}

func TestDetector(t *testing.T) {
	tests := []struct {
		name  string
		input string
		gap   time.Duration
		key   wedge.Suffix
		want  string
		scan  bool
	}{
		{"scanner", "6901234567892", 4 * time.Millisecond, wedge.SuffixEnter, "6901234567892", true},
		{"payment code", "286512345678901234", 8 * time.Millisecond, wedge.SuffixEnter, "286512345678901234", true},
		{"person typing", "6901234567892", 180 * time.Millisecond, wedge.SuffixEnter, "", false},
		{"short burst", "123", 4 * time.Millisecond, wedge.SuffixEnter, "", false},
		{"wrong suffix", "6901234567892", 4 * time.Millisecond, wedge.SuffixTab, "", false},
	}
	for _, tt := range tests {
		got, scan := feed(wedge.New(wedge.Options{}), tt.input, tt.gap, tt.key)
		if got != tt.want || scan != tt.scan {
			t.Errorf("%s: %q, %v; want %q, %v", tt.name, got, scan, tt.want, tt.scan)
		}
	}
}

// TestTypedThenScanned: a cashier typed "3*" slowly, then the gun scanned:
// only the burst is the scan.
func TestTypedThenScanned(t *testing.T) {
	d := wedge.New(wedge.Options{})
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for _, r := range "3*" {
		at = at.Add(300 * time.Millisecond)
		d.Rune(r, at)
	}
	at = at.Add(500 * time.Millisecond)
	for _, r := range "6901234567892" {
		at = at.Add(3 * time.Millisecond)
		d.Rune(r, at)
	}
	code, ok := d.End(wedge.SuffixEnter, at.Add(3*time.Millisecond))
	if !ok || code != "6901234567892" {
		t.Errorf("got %q, %v", code, ok)
	}
}

func FuzzDetector(f *testing.F) {
	f.Add("6901234567892", uint8(4))
	f.Fuzz(func(t *testing.T, s string, gapMS uint8) {
		code, ok := feed(wedge.New(wedge.Options{}), s, time.Duration(gapMS)*time.Millisecond, wedge.SuffixEnter)
		// invalid UTF-8 arrives as U+FFFD runes: compare in runes, not bytes
		if ok && (len([]rune(code)) < 6 || len([]rune(code)) > len([]rune(s))) {
			t.Fatalf("scan %q from %q", code, s)
		}
	})
}

// Package wedge tells a barcode scanner from a person typing. A scanner in
// keyboard-wedge mode types a whole code in a burst, a few milliseconds a
// key, and ends it with a suffix (Enter or Tab); a person types slower and
// unevenly. The detector looks only at the timing of the keys, so it works
// for any scanner the shop plugs in.
package wedge

import "time"

// Suffix is the key a scanner sends after a code.
type Suffix int

// Suffixes a scanner can be set to send.
const (
	SuffixEnter Suffix = iota
	SuffixTab
)

// Options tune a Detector; zero fields take the defaults.
type Options struct {
	MaxGap time.Duration // longest pause between two keys of a scan: 40 ms
	MinLen int           // shortest code a scanner sends: 6 characters
	Suffix Suffix        // what ends a scan: Enter
}

// Detector watches the keys of one input field.
type Detector struct {
	opts  Options
	burst []rune
	last  time.Time
}

// New returns a Detector with opts.
func New(opts Options) *Detector {
	if opts.MaxGap <= 0 {
		opts.MaxGap = 40 * time.Millisecond
	}
	if opts.MinLen <= 0 {
		opts.MinLen = 6
	}
	return &Detector{opts: opts}
}

// Rune records a typed character at time at.
func (d *Detector) Rune(r rune, at time.Time) {
	if len(d.burst) > 0 && at.Sub(d.last) > d.opts.MaxGap {
		// A pause: whatever came before was typed, and so may this be.
		d.burst = d.burst[:0]
	}
	d.burst = append(d.burst, r)
	d.last = at
}

// End reports, when the suffix key arrives at at, whether the characters
// just before it were scanned, and the scanned code. It resets the detector.
func (d *Detector) End(key Suffix, at time.Time) (code string, scanned bool) {
	defer d.Reset()
	if key != d.opts.Suffix || len(d.burst) < d.opts.MinLen || at.Sub(d.last) > d.opts.MaxGap {
		return "", false
	}
	return string(d.burst), true
}

// Reset forgets the keys seen so far.
func (d *Detector) Reset() { d.burst = d.burst[:0] }

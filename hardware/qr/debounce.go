package qr

import (
	"sync"
	"time"
)

// DefaultDebounceWindow is how long a code must be out of sight before the
// Debouncer reports it again.
const DefaultDebounceWindow = 2 * time.Second

// debounceEntriesMax bounds the texts remembered; old ones are dropped
// first. A till sees a handful of codes a minute.
const debounceEntriesMax = 256

// Debouncer suppresses a text seen again within a window of its last
// sighting. A phone held in front of the camera for ten seconds is thus
// reported once, not five times; the same code shown again after a pause
// longer than the window is reported again (pos decides whether a payment
// code may be used twice — it may not). It is safe for concurrent use.
type Debouncer struct {
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	seen map[string]time.Time // text → last sighting
}

// NewDebouncer returns a Debouncer with the given window (0 means
// DefaultDebounceWindow) and clock (nil means time.Now).
func NewDebouncer(window time.Duration, now func() time.Time) *Debouncer {
	if window <= 0 {
		window = DefaultDebounceWindow
	}
	if now == nil {
		now = time.Now
	}
	return &Debouncer{window: window, now: now, seen: map[string]time.Time{}}
}

// Allow records a sighting of text and reports whether it is new: never
// seen, or not seen for longer than the window.
func (d *Debouncer) Allow(text string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	last, ok := d.seen[text]
	d.seen[text] = now
	if len(d.seen) > debounceEntriesMax {
		d.forgetOld(now)
	}
	return !ok || now.Sub(last) > d.window
}

// forgetOld drops the texts not seen within the window, or, if all were,
// the oldest one.
func (d *Debouncer) forgetOld(now time.Time) {
	oldest, oldestAt := "", now
	for text, at := range d.seen {
		if now.Sub(at) > d.window {
			delete(d.seen, text)
		} else if at.Before(oldestAt) {
			oldest, oldestAt = text, at
		}
	}
	if len(d.seen) > debounceEntriesMax {
		delete(d.seen, oldest)
	}
}

// Reset forgets every text, e.g. when a sale is finished.
func (d *Debouncer) Reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	clear(d.seen)
}

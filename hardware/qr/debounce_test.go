package qr

import (
	"fmt"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestDebouncer(t *testing.T) {
	type sighting struct {
		after time.Duration // since the previous sighting
		text  string
		want  bool
	}
	tests := []struct {
		name   string
		window time.Duration
		steps  []sighting
	}{
		{"first sighting passes", 0, []sighting{{0, "a", true}}},
		{"repeat within the window is dropped", 0, []sighting{{0, "a", true}, {time.Second, "a", false}}},
		{"held in view stays dropped", 0, []sighting{
			{0, "a", true}, {1500 * time.Millisecond, "a", false}, {1500 * time.Millisecond, "a", false},
			{1500 * time.Millisecond, "a", false}}},
		{"shown again after a pause passes", 0, []sighting{{0, "a", true}, {2001 * time.Millisecond, "a", true}}},
		{"exactly the window is still a repeat", 0, []sighting{{0, "a", true}, {2 * time.Second, "a", false}}},
		{"other texts are independent", 0, []sighting{{0, "a", true}, {0, "b", true}, {time.Second, "a", false}}},
		{"custom window", 500 * time.Millisecond, []sighting{{0, "a", true}, {600 * time.Millisecond, "a", true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)}
			d := NewDebouncer(tt.window, clock.now)
			for i, s := range tt.steps {
				clock.advance(s.after)
				if got := d.Allow(s.text); got != s.want {
					t.Errorf("step %d: Allow(%q) = %v, want %v", i, s.text, got, s.want)
				}
			}
		})
	}
}

func TestDebouncerBounded(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	d := NewDebouncer(time.Hour, clock.now)
	for i := range 3 * debounceEntriesMax {
		clock.advance(time.Millisecond)
		d.Allow(fmt.Sprint(i))
	}
	if n := len(d.seen); n > debounceEntriesMax {
		t.Errorf("remembers %d texts, want at most %d", n, debounceEntriesMax)
	}
	if d.Allow(fmt.Sprint(3*debounceEntriesMax - 1)) {
		t.Errorf("the latest text was forgotten")
	}
	d.Reset()
	if !d.Allow("0") {
		t.Errorf("Allow after Reset = false, want true")
	}
}

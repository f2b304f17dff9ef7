package qr

import (
	"context"
	"errors"
	"image"
	"io"
	"sync"
	"testing"
	"time"

	"zhanggui/hardware/camera"
)

// tickingClock advances by step at every reading.
type tickingClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *tickingClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

// phoneSource is the demo's simulated customer: a phone showing texts[i]
// from frame switchAt[i] on, for frames frames in all.
func phoneSource(t *testing.T, frames int, texts []string, switchAt []int) *camera.Generated {
	t.Helper()
	scene := camera.NewPhoneScene(640, 480, 42)
	render := func(n int) image.Image {
		for i, at := range switchAt {
			if n == at {
				if err := scene.SetText(texts[i]); err != nil {
					t.Errorf("SetText: %v", err)
				}
			}
		}
		return scene.Render(n)
	}
	return camera.NewGenerated(render, camera.GeneratedOptions{Frames: frames})
}

// TestScannerEndToEnd: a phone shows an Alipay code, then after a blank
// screen a WeChat code; the scanner reports each once, within a few frames
// of it appearing, and ends cleanly with the source.
func TestScannerEndToEnd(t *testing.T) {
	const framesMax = 3 // a code must be read within this many frames of showing
	src := phoneSource(t, 40, []string{alipayCode, "", wechatCode}, []int{0, 15, 20})
	clock := &tickingClock{t: time.Unix(1e9, 0), step: 10 * time.Millisecond}
	s := NewScanner(src, ScannerOptions{Now: clock.now, Decoder: NewDecoder(Options{Budget: -1})})
	out := make(chan Scan)
	errc := make(chan error, 1)
	go func() { errc <- s.Run(context.Background(), out) }()
	var got []Scan
	for scan := range out {
		got = append(got, scan)
	}
	if err := <-errc; err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := []struct {
		text  string
		shown int
	}{{alipayCode, 0}, {wechatCode, 20}}
	if len(got) != len(want) {
		t.Fatalf("got %d scans %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		if got[i].Text != w.text || got[i].Format != FormatQR {
			t.Errorf("scan %d = %q %s, want %q", i, got[i].Text, got[i].Format, w.text)
		}
		if got[i].Frame < w.shown || got[i].Frame >= w.shown+framesMax {
			t.Errorf("scan %d read at frame %d, want within %d frames of %d", i, got[i].Frame, framesMax, w.shown)
		}
		if got[i].Latency != clock.step {
			t.Errorf("scan %d latency %v, want %v (one clock tick)", i, got[i].Latency, clock.step)
		}
	}
	st := s.Stats()
	if st.Frames != 40 || st.Reported != 2 || st.Decoded < 30 {
		t.Errorf("stats %+v: want 40 frames, 2 reported, most decoded", st)
	}
}

func TestScannerCancel(t *testing.T) {
	src := phoneSource(t, 0, []string{""}, []int{0}) // endless, blank screen
	s := NewScanner(src, ScannerOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan Scan)
	errc := make(chan error, 1)
	go func() { errc <- s.Run(ctx, out) }()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("Run after cancel = %v, want context.Canceled", err)
	}
	if _, open := <-out; open {
		t.Errorf("out still open after Run returned")
	}
}

// failingSource fails after its frames.
type failingSource struct{ err error }

func (f failingSource) Frame(ctx context.Context) (image.Image, error) { return nil, f.err }

func TestScannerSourceErrors(t *testing.T) {
	broken := errors.New("usb unplugged")
	tests := []struct {
		name string
		err  error
		want error // nil: Run returns nil
	}{
		{"end of file", io.EOF, nil},
		{"device error", broken, broken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := NewScanner(failingSource{tt.err}, ScannerOptions{}).Run(context.Background(), make(chan Scan))
			if (tt.want == nil && err != nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("Run = %v, want %v", err, tt.want)
			}
		})
	}
}

// BenchmarkScannerPhone is the demo loop: generated phone frames through the
// scanner (rendering included), per frame.
func BenchmarkScannerPhone(b *testing.B) {
	scene := camera.NewPhoneScene(640, 480, 7)
	if err := scene.SetText(alipayCode); err != nil {
		b.Fatal(err)
	}
	s := NewScanner(camera.NewGenerated(scene.Render, camera.GeneratedOptions{}), ScannerOptions{})
	ctx := context.Background()
	for b.Loop() {
		if _, _, err := s.Step(ctx); err != nil {
			b.Fatal(err)
		}
	}
	st := s.Stats()
	b.ReportMetric(float64(st.Decoded)/float64(st.Frames)*100, "%decoded")
}

package qr

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"sync"
	"time"
)

// FrameSource gives camera frames. hardware/camera's sources satisfy it; it
// is declared here so that camera need not know about decoding.
type FrameSource interface {
	// Frame blocks until the next frame or until ctx ends. It returns io.EOF
	// when a finite source has no more frames.
	Frame(ctx context.Context) (image.Image, error)
}

// Scan is a code the Scanner read and had not reported within the
// debounce window.
type Scan struct {
	Result
	Frame      int           // index of the frame it was read from, from 0
	CapturedAt time.Time     // when the source handed over the frame
	Latency    time.Duration // from CapturedAt to the Scan being ready
}

// ScannerOptions configure a Scanner; zero fields take defaults.
type ScannerOptions struct {
	Decoder   *Decoder         // nil means NewDecoder(Options{})
	Debouncer *Debouncer       // nil means NewDebouncer(0, Now)
	Now       func() time.Time // nil means time.Now
}

// ScannerStats are running totals of a Scanner.
type ScannerStats struct {
	Frames      int           // frames read
	Decoded     int           // frames with a code, repeats included
	Reported    int           // Scans produced
	DecodeTime  time.Duration // total time in Decoder.Decode
	LastLatency time.Duration // Latency of the last Scan
	MaxLatency  time.Duration // largest Latency so far
}

// Scanner reads frames from a FrameSource, decodes them and reports each
// code once per sighting (see Debouncer).
type Scanner struct {
	src FrameSource
	dec *Decoder
	deb *Debouncer
	now func() time.Time

	mu    sync.Mutex
	stats ScannerStats
}

// NewScanner returns a Scanner reading src.
func NewScanner(src FrameSource, opts ScannerOptions) *Scanner {
	s := &Scanner{src: src, dec: opts.Decoder, deb: opts.Debouncer, now: opts.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if s.dec == nil {
		s.dec = NewDecoder(Options{})
	}
	if s.deb == nil {
		s.deb = NewDebouncer(0, s.now)
	}
	return s
}

// Step reads and decodes one frame. ok is false if the frame had no code or
// only one reported within the debounce window. err is the source's error
// (io.EOF at the end of a finite source), wrapped.
func (s *Scanner) Step(ctx context.Context) (scan Scan, ok bool, err error) {
	img, err := s.src.Frame(ctx)
	if err != nil {
		return Scan{}, false, fmt.Errorf("qr: read frame: %w", err)
	}
	captured := s.now()
	res, err := s.dec.Decode(img)
	done := s.now()

	s.mu.Lock()
	defer s.mu.Unlock()
	frame := s.stats.Frames
	s.stats.Frames++
	s.stats.DecodeTime += done.Sub(captured)
	if err != nil {
		return Scan{}, false, nil // nothing in view: the usual case
	}
	s.stats.Decoded++
	if !s.deb.Allow(res.Text) {
		return Scan{}, false, nil
	}
	scan = Scan{Result: res, Frame: frame, CapturedAt: captured, Latency: done.Sub(captured)}
	s.stats.Reported++
	s.stats.LastLatency = scan.Latency
	s.stats.MaxLatency = max(s.stats.MaxLatency, scan.Latency)
	return scan, true, nil
}

// Run calls Step until ctx ends or the source fails, sending each Scan on
// out, and closes out when it returns. It returns nil when the source ends
// with io.EOF, ctx's error when cancelled, or else the source's error.
func (s *Scanner) Run(ctx context.Context, out chan<- Scan) error {
	defer close(out)
	for {
		scan, ok, err := s.Step(ctx)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return err
		case !ok:
			continue
		}
		select {
		case out <- scan:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Stats returns the running totals. It is safe to call while Run runs.
func (s *Scanner) Stats() ScannerStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

package camera

import (
	"context"
	"image"
	"io"
	"sync"
)

// GeneratedOptions configure a Generated source.
type GeneratedOptions struct {
	FPS    float64 // frames per second; 0 gives frames as fast as asked
	Frames int     // io.EOF after this many frames; 0 means endless
}

// Generated is a source whose frames a function draws, for demo mode (the
// simulated customer's phone, see PhoneScene) and tests.
type Generated struct {
	render func(frame int) image.Image
	limit  int

	mu     sync.Mutex
	pace   pacer
	frame  int
	closed bool
}

var _ FrameSource = (*Generated)(nil)

// NewGenerated returns a source whose n-th frame (from 0) is render(n).
// render is called from Frame, one call at a time.
func NewGenerated(render func(frame int) image.Image, opts GeneratedOptions) *Generated {
	return &Generated{render: render, limit: opts.Frames, pace: newPacer(opts.FPS)}
}

// Frame draws the next frame when it is due.
func (g *Generated) Frame(ctx context.Context) (image.Image, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil, ErrClosed
	}
	if g.limit > 0 && g.frame >= g.limit {
		return nil, io.EOF
	}
	if err := g.pace.wait(ctx); err != nil {
		return nil, err
	}
	n := g.frame
	g.frame++
	return g.render(n), nil
}

// Close stops the source.
func (g *Generated) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	return nil
}

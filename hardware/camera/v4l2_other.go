//go:build !linux

package camera

import (
	"context"
	"fmt"
	"image"
)

// V4L2Options configure a V4L2 source.
type V4L2Options struct {
	Width, Height int
}

// V4L2 is a webcam; capture is implemented on Linux only.
type V4L2 struct{}

// OpenV4L2 returns ErrUnsupported outside Linux.
func OpenV4L2(path string, opts V4L2Options) (*V4L2, error) {
	return nil, fmt.Errorf("%w: %s", ErrUnsupported, path)
}

// Device returns the zero Device.
func (c *V4L2) Device() Device { return Device{} }

// Frame returns ErrUnsupported.
func (c *V4L2) Frame(ctx context.Context) (image.Image, error) { return nil, ErrUnsupported }

// Close does nothing.
func (c *V4L2) Close() error { return nil }

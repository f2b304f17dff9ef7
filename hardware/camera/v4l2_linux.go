//go:build linux

package camera

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/blackjack/webcam"
)

// V4L2 pixel formats (fourcc codes) this source reads.
const (
	fourccMJPEG webcam.PixelFormat = 'M' | 'J'<<8 | 'P'<<16 | 'G'<<24
	fourccYUYV  webcam.PixelFormat = 'Y' | 'U'<<8 | 'Y'<<16 | 'V'<<24
)

// v4l2Buffers is the number of driver buffers: enough to capture while one
// frame is converted, few enough that a frame is never stale.
const v4l2Buffers = 4

// V4L2Options configure a V4L2 source.
type V4L2Options struct {
	// Width and Height are the wanted frame size; the nearest size the
	// camera offers is used. Zero means 640×480.
	Width, Height int
}

// V4L2 is a webcam read through Video4Linux2. Frames are *image.YCbCr
// (YUYV cameras, and MJPEG ones through image/jpeg).
type V4L2 struct {
	dev    Device
	format webcam.PixelFormat
	w, h   int

	mu     sync.Mutex // one user of cam at a time
	cam    *webcam.Webcam
	closed atomic.Bool // set by Close without waiting for a Frame in progress
}

var _ FrameSource = (*V4L2)(nil)

// OpenV4L2 opens the camera at path (e.g. /dev/video0) and starts
// streaming. Errors wrap ErrNoCamera (no such device, or not a capture
// device), ErrBusy, ErrPermission or ErrUnsupportedFormat.
func OpenV4L2(path string, opts V4L2Options) (*V4L2, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, openError(path, err)
	}
	cam, err := webcam.Open(path)
	if err != nil {
		return nil, openError(path, err)
	}
	c := &V4L2{cam: cam, dev: Device{Path: path, Name: path}}
	if name, err := cam.GetName(); err == nil {
		c.dev.Name = name
	}
	if err := c.start(opts); err != nil {
		_ = cam.Close() // the start error is the one to report
		return nil, err
	}
	return c, nil
}

// openError classifies why a device could not be opened.
func openError(path string, err error) error {
	var kind error
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.ENXIO):
		kind = ErrNoCamera
	case errors.Is(err, syscall.EBUSY):
		kind = ErrBusy
	case errors.Is(err, fs.ErrPermission):
		kind = ErrPermission
	default: // webcam.Open's "Not a video capture device" and the like
		kind = ErrNoCamera
	}
	return fmt.Errorf("%w: open %s: %w", kind, path, err)
}

// start picks the format and size and starts streaming.
func (c *V4L2) start(opts V4L2Options) error {
	want := image.Pt(opts.Width, opts.Height)
	if want.X <= 0 || want.Y <= 0 {
		want = image.Pt(640, 480)
	}
	formats := c.cam.GetSupportedFormats()
	for _, f := range []webcam.PixelFormat{fourccYUYV, fourccMJPEG} {
		if _, ok := formats[f]; !ok {
			continue
		}
		size, ok := nearestSize(c.cam.GetSupportedFrameSizes(f), want)
		if !ok {
			continue
		}
		// The driver may adjust the size, and webcam v0.6.1 returns the
		// requested one, so only sizes the camera listed are asked for.
		if _, _, _, err := c.cam.SetImageFormat(f, uint32(size.X), uint32(size.Y)); err != nil {
			return fmt.Errorf("camera: %s: set format: %w", c.dev.Path, err)
		}
		c.format, c.w, c.h = f, size.X, size.Y
		if err := c.cam.SetBufferCount(v4l2Buffers); err != nil {
			return fmt.Errorf("camera: %s: %w", c.dev.Path, err)
		}
		if err := c.cam.StartStreaming(); err != nil {
			return fmt.Errorf("camera: %s: start streaming: %w", c.dev.Path, err)
		}
		return nil
	}
	return fmt.Errorf("%w: %s", ErrUnsupportedFormat, c.dev.Path)
}

// nearestSize picks the offered size closest to want (by area, then
// shape). Stepwise ranges offer their corners and want clamped into them.
func nearestSize(sizes []webcam.FrameSize, want image.Point) (image.Point, bool) {
	best, bestCost, found := image.Point{}, 0, false
	for _, s := range sizes {
		cands := []image.Point{
			{int(s.MinWidth), int(s.MinHeight)}, {int(s.MaxWidth), int(s.MaxHeight)},
			{clampStep(want.X, s.MinWidth, s.MaxWidth, s.StepWidth), clampStep(want.Y, s.MinHeight, s.MaxHeight, s.StepHeight)},
		}
		for _, p := range cands {
			if p.X <= 0 || p.Y <= 0 || p.X%2 != 0 {
				continue
			}
			cost := abs(p.X*p.Y-want.X*want.Y) + abs(p.X-want.X) + abs(p.Y-want.Y)
			if !found || cost < bestCost {
				best, bestCost, found = p, cost, true
			}
		}
	}
	return best, found
}

func clampStep(v int, lo, hi, step uint32) int {
	v = min(max(v, int(lo)), int(hi))
	if step > 1 {
		v -= (v - int(lo)) % int(step)
	}
	return v
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// Device returns the path and driver name of the camera.
func (c *V4L2) Device() Device { return c.dev }

// Frame waits for the next frame and converts it. The wait polls the device
// in one-second slices so that a cancelled ctx ends it within a second.
func (c *V4L2) Frame(ctx context.Context) (image.Image, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if c.closed.Load() {
			return nil, ErrClosed
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		err := c.cam.WaitForFrame(1)
		var timeout *webcam.Timeout
		if errors.As(err, &timeout) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("camera: %s: wait for frame: %w", c.dev.Path, err)
		}
		buf, index, err := c.cam.GetFrame()
		if err != nil {
			return nil, fmt.Errorf("camera: %s: read frame: %w", c.dev.Path, err)
		}
		if len(buf) == 0 {
			_ = c.cam.ReleaseFrame(index) // an empty dequeue: nothing to lose
			continue
		}
		img, convErr := c.convert(buf) // copies out of the driver's buffer
		if err := c.cam.ReleaseFrame(index); err != nil {
			return nil, fmt.Errorf("camera: %s: release frame: %w", c.dev.Path, err)
		}
		return img, convErr
	}
}

func (c *V4L2) convert(buf []byte) (image.Image, error) {
	if c.format == fourccMJPEG {
		return decodeMJPEG(buf)
	}
	return yuyvToYCbCr(buf, c.w, c.h)
}

// Close stops streaming and closes the device, after a Frame in progress
// has noticed (within a second).
func (c *V4L2) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.cam.Close(); err != nil {
		return fmt.Errorf("camera: close %s: %w", c.dev.Path, err)
	}
	return nil
}

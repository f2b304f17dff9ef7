//go:build linux

package camera

import (
	"errors"
	"image"
	"path/filepath"
	"testing"

	"github.com/blackjack/webcam"
)

// TestOpenV4L2Missing: no camera here, so opening one must fail clearly.
func TestOpenV4L2Missing(t *testing.T) {
	for _, path := range []string{"/dev/video0", filepath.Join(t.TempDir(), "video9")} {
		cam, err := OpenV4L2(path, V4L2Options{})
		if err == nil {
			cam.Close()
			t.Skipf("%s opened: this machine has a camera", path)
		}
		if !errors.Is(err, ErrNoCamera) {
			t.Errorf("OpenV4L2(%s) = %v, want ErrNoCamera", path, err)
		}
		if got, want := ChineseMessage(err), "未找到摄像头，请检查 USB 连接"; got != want {
			t.Errorf("ChineseMessage = %q, want %q", got, want)
		}
	}
}

// TestOpenV4L2NotACamera: a file that exists but is no video device.
func TestOpenV4L2NotACamera(t *testing.T) {
	_, err := OpenV4L2("/dev/null", V4L2Options{})
	if !errors.Is(err, ErrNoCamera) {
		t.Errorf("OpenV4L2(/dev/null) = %v, want ErrNoCamera", err)
	}
}

func TestNearestSize(t *testing.T) {
	discrete := func(w, h uint32) webcam.FrameSize {
		return webcam.FrameSize{MinWidth: w, MaxWidth: w, MinHeight: h, MaxHeight: h}
	}
	tests := []struct {
		name  string
		sizes []webcam.FrameSize
		want  image.Point
		got   image.Point
		ok    bool
	}{
		{"exact", []webcam.FrameSize{discrete(1280, 720), discrete(640, 480), discrete(320, 240)}, image.Pt(640, 480), image.Pt(640, 480), true},
		{"nearest", []webcam.FrameSize{discrete(1920, 1080), discrete(800, 600), discrete(160, 120)}, image.Pt(640, 480), image.Pt(800, 600), true},
		{"stepwise", []webcam.FrameSize{{MinWidth: 16, MaxWidth: 1920, StepWidth: 16, MinHeight: 16, MaxHeight: 1080, StepHeight: 8}}, image.Pt(650, 485), image.Pt(640, 480), true},
		{"none", nil, image.Pt(640, 480), image.Point{}, false},
	}
	for _, tt := range tests {
		got, ok := nearestSize(tt.sizes, tt.want)
		if got != tt.got || ok != tt.ok {
			t.Errorf("%s: nearestSize = %v, %v; want %v, %v", tt.name, got, ok, tt.got, tt.ok)
		}
	}
}

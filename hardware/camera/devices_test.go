package camera

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestListDevicesFake(t *testing.T) {
	dev, sys := t.TempDir(), t.TempDir()
	for _, name := range []string{"video10", "video2", "video0", "videoX", "null", "video1"} {
		if err := os.WriteFile(filepath.Join(dev, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for node, name := range map[string]string{"video0": "HD Pro Webcam C920\n", "video10": "  "} {
		if err := os.MkdirAll(filepath.Join(sys, node), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sys, node, "name"), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := listDevices(dev, sys)
	if err != nil {
		t.Fatal(err)
	}
	want := []Device{
		{filepath.Join(dev, "video0"), "HD Pro Webcam C920"},
		{filepath.Join(dev, "video1"), "video1"},
		{filepath.Join(dev, "video2"), "video2"},
		{filepath.Join(dev, "video10"), "video10"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("listDevices = %v, want %v", got, want)
	}
}

// TestListDevicesNone: this machine has no camera (see SETUP-NOTES); the
// answer is an empty list, not an error. Where there are cameras, every
// entry must be a /dev/video node.
func TestListDevicesNone(t *testing.T) {
	devs, err := ListDevices()
	if err != nil {
		t.Fatalf("ListDevices: %v", err)
	}
	if devs == nil {
		t.Errorf("ListDevices = nil, want an empty list")
	}
	for _, d := range devs {
		if !videoNode.MatchString(filepath.Base(d.Path)) {
			t.Errorf("device %v is not a video node", d)
		}
	}
}

func TestListDevicesMissingDir(t *testing.T) {
	if _, err := listDevices(filepath.Join(t.TempDir(), "nope"), t.TempDir()); err == nil {
		t.Errorf("listDevices of a missing /dev: no error")
	}
}

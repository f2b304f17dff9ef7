package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"zhanggui/hardware/camera"
)

// The owner picks the camera, its frame size and the barcode gun's suffix
// and speed in the hardware screen; they are saved with the settings.
func TestDeviceSettingsSaved(t *testing.T) {
	f := newFixture(t)
	f.app.deps.Hardware.CameraDevices = func() ([]camera.Device, error) {
		return []camera.Device{{Path: "/dev/video0", Name: "USB Camera"}, {Path: "/dev/video2", Name: "扫码盒子"}}, nil
	}
	d := f.app.hardware.devices
	f.app.hardware.refresh()
	if len(d.camera.Options) != 3 || d.camera.Selected != "自动（第一个摄像头）" || d.size.Selected != "640x480" {
		t.Fatalf("shown: %v %q %q", d.camera.Options, d.camera.Selected, d.size.Selected)
	}
	d.camera.SetSelected("扫码盒子 (/dev/video2)")
	d.size.SetSelected("1280x720")
	d.suffix.SetSelected("Tab")
	d.gap.SetText("60")
	if err := d.save(); err != nil {
		t.Fatal(err)
	}
	st, _ := f.db.Settings(context.Background())
	if st.Camera != "/dev/video2" || st.CameraSize != "1280x720" || st.ScanSuffix != "tab" || st.ScanGapMs != 60 {
		t.Fatalf("saved %q %q %q %d", st.Camera, st.CameraSize, st.ScanSuffix, st.ScanGapMs)
	}
	if w, h := st.CameraFrame(); w != 1280 || h != 720 {
		t.Errorf("frame %dx%d", w, h)
	}
	if o := f.app.wedgeOptions(); o.MaxGap != 60*time.Millisecond {
		t.Errorf("the gun's gap in use: %v", o.MaxGap)
	}
	d.gap.SetText("1")
	if err := d.save(); err == nil {
		t.Error("a 1 ms gap was accepted")
	}
	if st, _ := f.db.Settings(context.Background()); st.ScanGapMs != 60 {
		t.Errorf("a refused save changed the gap to %d", st.ScanGapMs)
	}
}

// A barcode gun set to end codes with Tab rings the item up on Tab.
func TestScannerTabSuffixSubmits(t *testing.T) {
	f := newFixture(t)
	st := f.app.settings
	st.ScanSuffix = "tab"
	if err := f.app.applySettings(st); err != nil {
		t.Fatal(err)
	}
	scan := f.app.checkout.scan
	if !scan.AcceptsTab() {
		t.Fatal("the scan field gives Tab away")
	}
	scan.SetText("6901234567892")
	scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	if n := len(f.app.checkout.cart.Lines); n != 1 {
		t.Errorf("%d lines after a Tab-ended scan", n)
	}
}

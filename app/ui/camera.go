package ui

import (
	"context"
	"image"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"zhanggui/hardware/camera"
	"zhanggui/hardware/qr"
)

// teeSource hands frames to the scanner and keeps the latest for the preview.
type teeSource struct {
	src  camera.FrameSource
	mu   sync.Mutex
	last image.Image
}

func (t *teeSource) Frame(ctx context.Context) (image.Image, error) {
	img, err := t.src.Frame(ctx)
	if err == nil {
		t.mu.Lock()
		t.last = img
		t.mu.Unlock()
	}
	return img, err
}

func (t *teeSource) latest() image.Image {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last
}

// cameraScan is a live camera preview that reports the codes it reads.
type cameraScan struct {
	preview *canvas.Image
	status  *widget.Label
	stop    context.CancelFunc
	done    chan struct{}
}

// startCamera opens the configured camera and decodes what it sees until
// stopped; each code read (once per sighting) goes to onCode on the Fyne
// goroutine. It returns nil when the till has no camera.
func (a *App) startCamera(onCode func(qr.Scan)) *cameraScan {
	if a.deps.OpenCamera == nil {
		return nil
	}
	cs := &cameraScan{preview: canvas.NewImageFromImage(nil), status: widget.NewLabel(""), done: make(chan struct{})}
	cs.preview.FillMode = canvas.ImageFillContain
	cs.preview.SetMinSize(fyne.NewSize(320, 240))
	src, err := a.deps.OpenCamera()
	if err != nil {
		cs.status.SetText(cameraMessage(err))
		close(cs.done)
		cs.stop = func() {}
		return cs
	}
	cs.status.SetText(T("Camera on: hold the payment code up to it"))
	tee := &teeSource{src: src}
	ctx, cancel := context.WithCancel(context.Background())
	cs.stop = cancel
	scans := make(chan qr.Scan, 1)
	sc := qr.NewScanner(tee, qr.ScannerOptions{Decoder: qr.NewDecoder(qr.Options{Formats: qr.QRCode | qr.Code128})})
	go func() {
		defer src.Close()
		_ = sc.Run(ctx, scans) // ends with ctx; it closes scans
	}()
	go cs.show(ctx, tee, scans, onCode)
	return cs
}

// show refreshes the preview ten times a second and hands over scans.
func (cs *cameraScan) show(ctx context.Context, tee *teeSource, scans <-chan qr.Scan, onCode func(qr.Scan)) {
	defer close(cs.done)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case s, ok := <-scans:
			if !ok {
				return
			}
			fyne.Do(func() { onCode(s) })
		case <-tick.C:
			if img := tee.latest(); img != nil {
				fyne.Do(func() { cs.preview.Image = img; cs.preview.Refresh() })
			}
		}
	}
}

// cameraMessage tells the cashier what is wrong with the camera.
func cameraMessage(err error) string {
	if Language() == "zh" {
		return camera.ChineseMessage(err)
	}
	return "Camera unavailable: check its USB connection."
}

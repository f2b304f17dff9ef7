package ui

import (
	"context"
	"image"
	"image/color"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
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

// outlineHold is how long the outline stays after the code was last read:
// a few frames, so it does not flicker while the decoder misses one.
const outlineHold = 400 * time.Millisecond

// cameraScan is a live camera preview that outlines the code it sees and
// reports the codes it reads.
type cameraScan struct {
	preview fyne.CanvasObject // the picture with the outline over it
	img     *canvas.Image
	outline *outline
	status  *widget.Label
	stop    context.CancelFunc
	done    chan struct{}
}

// startCamera opens the configured camera and decodes what it sees until
// stopped; each code read (once per sighting) goes to onCode on the Fyne
// goroutine, with a beep. It returns nil when the till has no camera.
func (a *App) startCamera(onCode func(qr.Scan)) *cameraScan {
	if a.deps.OpenCamera == nil {
		return nil
	}
	cs := newCameraScan()
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
	// The scanner reports every frame with a code, so the outline follows
	// it; the Debouncer below decides what counts as a new scan.
	sc := qr.NewScanner(tee, qr.ScannerOptions{Decoder: qr.NewDecoder(qr.Options{Formats: qr.QRCode | qr.Code128}),
		Debouncer: qr.NewDebouncer(time.Nanosecond, nil)})
	go func() {
		defer src.Close()
		_ = sc.Run(ctx, scans) // ends with ctx; it closes scans
	}()
	deb := qr.NewDebouncer(0, nil)
	go cs.show(ctx, tee, scans, func(s qr.Scan) {
		if deb.Allow(s.Text) {
			a.beep(true)
			onCode(s)
		}
	})
	return cs
}

func newCameraScan() *cameraScan {
	cs := &cameraScan{img: canvas.NewImageFromImage(nil), status: widget.NewLabel(""), done: make(chan struct{})}
	cs.img.FillMode = canvas.ImageFillContain
	cs.img.SetMinSize(fyne.NewSize(320, 240))
	cs.outline = newOutline()
	cs.preview = cs.outline.over(cs.img)
	return cs
}

// show refreshes the preview ten times a second, outlines the code in view
// and hands over scans.
func (cs *cameraScan) show(ctx context.Context, tee *teeSource, scans <-chan qr.Scan, onScan func(qr.Scan)) {
	defer close(cs.done)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var seen time.Time // when the outline was last set
	for {
		select {
		case <-ctx.Done():
			return
		case s, ok := <-scans:
			if !ok {
				return
			}
			seen = time.Now()
			frame := image.Rectangle{}
			if img := tee.latest(); img != nil {
				frame = img.Bounds()
			}
			fyne.Do(func() { cs.outline.set(s.Points, frame); onScan(s) })
		case <-tick.C:
			img, stale := tee.latest(), !seen.IsZero() && time.Since(seen) > outlineHold
			if stale {
				seen = time.Time{}
			}
			fyne.Do(func() {
				if stale {
					cs.outline.set(nil, image.Rectangle{})
				}
				if img != nil {
					cs.img.Image = img
					cs.img.Refresh()
				}
			})
		}
	}
}

// beep sounds the scan feedback when the till has a speaker (Deps.Beep).
func (a *App) beep(ok bool) {
	if a.deps.Beep != nil {
		a.deps.Beep(ok)
	}
}

// cameraMessage tells the cashier what is wrong with the camera.
func cameraMessage(err error) string {
	if Language() == "zh" {
		return camera.ChineseMessage(err)
	}
	return "Camera unavailable: check its USB connection."
}

// outlineColour is the outline's: a bright green that reads on a phone's
// white screen and on a dark counter alike.
var outlineColour = color.NRGBA{R: 0x20, G: 0xe0, B: 0x40, A: 0xff}

// outline draws the edges of the code in view over the preview: the four
// sides of a QR code, or the scanned row of a 1-D barcode. It is the
// layout of the container that holds the picture and the lines.
type outline struct {
	lines [4]*canvas.Line
	pts   []image.Point   // in the frame's coordinates, as the decoder gives them
	frame image.Rectangle // the frame they belong to
	box   *fyne.Container
}

func newOutline() *outline {
	o := &outline{}
	for i := range o.lines {
		o.lines[i] = canvas.NewLine(outlineColour)
		o.lines[i].StrokeWidth = 3
		o.lines[i].Hide()
	}
	return o
}

// over stacks the outline on img.
func (o *outline) over(img *canvas.Image) *fyne.Container {
	objs := []fyne.CanvasObject{img}
	for _, l := range o.lines {
		objs = append(objs, l)
	}
	o.box = container.New(o, objs...)
	return o.box
}

// set shows the code at pts in frame; no points hide the outline.
func (o *outline) set(pts []image.Point, frame image.Rectangle) {
	o.pts, o.frame = pts, frame
	o.place(o.box.Size())
}

// Layout fills size with the picture and puts the lines on the code.
func (o *outline) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(size)
	o.place(size)
}

// MinSize is the picture's.
func (o *outline) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }

// place puts one line on each edge of the code as drawn in a box of size.
func (o *outline) place(size fyne.Size) {
	ps := previewPoints(o.pts, o.frame, size)
	edges := len(ps)
	if edges == 2 {
		edges = 1 // a 1-D code: the row that was read
	}
	for i, l := range o.lines {
		if i >= edges {
			l.Hide()
			continue
		}
		l.Position1, l.Position2 = ps[i], ps[(i+1)%len(ps)]
		l.Show()
		l.Refresh()
	}
}

// previewPoints maps points of a frame to where they are drawn in a box of
// size showing the frame with canvas.ImageFillContain: scaled to fit,
// keeping its aspect, centred. It returns nil when there is nothing to draw.
func previewPoints(pts []image.Point, frame image.Rectangle, size fyne.Size) []fyne.Position {
	fw, fh := float32(frame.Dx()), float32(frame.Dy())
	if len(pts) < 2 || fw <= 0 || fh <= 0 || size.Width <= 0 || size.Height <= 0 {
		return nil
	}
	scale := min(size.Width/fw, size.Height/fh)
	padX, padY := (size.Width-fw*scale)/2, (size.Height-fh*scale)/2
	out := make([]fyne.Position, 0, min(len(pts), 4))
	for _, p := range pts[:min(len(pts), 4)] {
		out = append(out, fyne.NewPos(padX+float32(p.X-frame.Min.X)*scale, padY+float32(p.Y-frame.Min.Y)*scale))
	}
	return out
}

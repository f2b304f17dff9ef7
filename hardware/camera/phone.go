package camera

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// PhoneScene draws what a counter webcam sees of a customer holding up a
// phone: a grey counter with sensor noise and, on the phone's screen, a QR
// code — with a Code-128 strip above it when the text is all digits, as on
// wallet payment screens. The phone drifts and tilts a little from frame to
// frame. Use its Render with NewGenerated.
type PhoneScene struct {
	w, h       int
	background []uint8 // the counter without noise, w·h
	noise      []int8  // 2·w·h values of sensor noise; each frame uses a window
	seed       uint64

	mu    sync.Mutex
	text  string
	qr    *gozxing.BitMatrix // nil: blank screen
	strip *gozxing.BitMatrix // nil: no barcode strip
}

// phoneTiltMax is how far the phone turns either way, in radians (8°).
const phoneTiltMax = 8 * math.Pi / 180

// NewPhoneScene returns a w×h scene (at least 1×1) with a blank phone
// screen. seed fixes the counter's look and the noise, so a test sees the
// same frames each run.
func NewPhoneScene(w, h int, seed uint64) *PhoneScene {
	w, h = max(w, 1), max(h, 1)
	s := &PhoneScene{w: w, h: h, seed: seed, background: make([]uint8, w*h)}
	s.paintCounter()
	s.makeNoise()
	return s
}

// SetText shows text as a QR code on the phone, or a blank screen for "".
// It fails if text does not fit in a QR code.
func (s *PhoneScene) SetText(text string) error {
	var qr, strip *gozxing.BitMatrix
	if text != "" {
		var err error
		hints := map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 0, gozxing.EncodeHintType_ERROR_CORRECTION: "M"}
		if qr, err = qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints); err != nil {
			return fmt.Errorf("camera: phone scene: encode %d-byte text: %w", len(text), err)
		}
		if allDigits(text) {
			strip, _ = oned.NewCode128Writer().Encode(text, gozxing.BarcodeFormat_CODE_128, 0, 1, nil) // only decoration: a failure leaves it out
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.text, s.qr, s.strip = text, qr, strip
	return nil
}

// Text returns the text shown, "" for a blank screen.
func (s *PhoneScene) Text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.text
}

// Render draws frame n as an *image.Gray.
func (s *PhoneScene) Render(n int) image.Image {
	s.mu.Lock()
	qr, strip := s.qr, s.strip
	s.mu.Unlock()
	img := image.NewGray(image.Rect(0, 0, s.w, s.h))
	copy(img.Pix, s.background)
	s.drawPhone(img, s.pose(n), qr, strip)
	s.addNoise(img, n)
	return img
}

// pose is where the phone is in a frame.
type pose struct {
	cx, cy, angle float64 // centre in pixels, tilt in radians
	pw, ph        float64 // phone body size in pixels
}

func (s *PhoneScene) pose(n int) pose {
	t := float64(n)
	side := math.Min(float64(s.w), float64(s.h))
	return pose{
		cx:    float64(s.w)/2 + 0.04*side*math.Sin(t*0.21),
		cy:    float64(s.h)/2 + 0.03*side*math.Cos(t*0.17),
		angle: phoneTiltMax * math.Sin(t*0.13),
		pw:    0.5 * side, ph: 0.85 * side,
	}
}

// drawPhone paints the phone by mapping each pixel of its bounding box back
// into the phone body's own coordinates.
func (s *PhoneScene) drawPhone(img *image.Gray, p pose, qr, strip *gozxing.BitMatrix) {
	sin, cos := math.Sincos(p.angle)
	r := math.Hypot(p.pw, p.ph) / 2
	x0, x1 := max(0, int(p.cx-r)), min(s.w, int(p.cx+r)+1)
	y0, y1 := max(0, int(p.cy-r)), min(s.h, int(p.cy+r)+1)
	l := newPhoneLayout(p.pw, p.ph)
	for y := y0; y < y1; y++ {
		dx, dy := float64(x0)-p.cx, float64(y)-p.cy
		bx, by := dx*cos+dy*sin+p.pw/2, -dx*sin+dy*cos+p.ph/2
		row := img.Pix[y*s.w : (y+1)*s.w]
		for x := x0; x < x1; x++ { // one pixel right is (cos, -sin) in the body's coordinates
			if c, ok := l.pixel(bx, by, qr, strip); ok {
				row[x] = c
			}
			bx, by = bx+cos, by-sin
		}
	}
}

// Grey levels of the phone: a dark body, a bright screen, dark modules.
const (
	bodyGrey   = 28
	screenGrey = 225
	inkGrey    = 30
)

// phoneLayout places the screen, the QR code and the barcode strip on a
// phone body of w×h pixels (origin at the body's top-left corner).
type phoneLayout struct {
	w, h           float64
	screen, qr, st rect
}

type rect struct{ x, y, w, h float64 }

// at maps (x, y) to (u, v) ∈ [0,1)² across r, or reports false outside r.
func (r rect) at(x, y float64) (u, v float64, ok bool) {
	if x < r.x || y < r.y || x >= r.x+r.w || y >= r.y+r.h {
		return 0, 0, false
	}
	return (x - r.x) / r.w, (y - r.y) / r.h, true
}

func newPhoneLayout(w, h float64) phoneLayout {
	bezel := 0.05 * w
	scr := rect{bezel, bezel, w - 2*bezel, h - 2*bezel}
	side := 0.8 * scr.w // the QR: 80% of the screen's width, a little below the middle
	qr := rect{scr.x + 0.1*scr.w, scr.y + 0.58*scr.h - side/2, side, side}
	st := rect{qr.x, qr.y - 0.32*side, side, 0.2 * side} // the strip, above it
	return phoneLayout{w: w, h: h, screen: scr, qr: qr, st: st}
}

// pixel is the phone's grey at (x, y), or false outside the phone.
func (l phoneLayout) pixel(x, y float64, qr, strip *gozxing.BitMatrix) (uint8, bool) {
	if x < 0 || x >= l.w || y < 0 || y >= l.h {
		return 0, false
	}
	if _, _, ok := l.screen.at(x, y); !ok {
		return bodyGrey, true
	}
	if u, v, ok := l.qr.at(x, y); ok && qr != nil {
		return moduleGrey(qr, u, v), true
	}
	if u, _, ok := l.st.at(x, y); ok && strip != nil {
		return moduleGrey(strip, u, 0), true
	}
	return screenGrey, true
}

func moduleGrey(m *gozxing.BitMatrix, u, v float64) uint8 {
	if m.Get(int(u*float64(m.GetWidth())), int(v*float64(m.GetHeight()))) {
		return inkGrey
	}
	return screenGrey
}

// paintCounter draws the static background: a soft gradient and a few
// darker and lighter boxes (things on the counter).
func (s *PhoneScene) paintCounter() {
	rng := rand.New(rand.NewPCG(s.seed, 1))
	for y := 0; y < s.h; y++ {
		for x := 0; x < s.w; x++ {
			s.background[y*s.w+x] = uint8(110 + 50*x/max(1, s.w) + 30*y/max(1, s.h))
		}
	}
	for range 5 {
		bw, bh := rng.IntN(s.w/3+1)+10, rng.IntN(s.h/3+1)+10
		bx, by := rng.IntN(s.w), rng.IntN(s.h)
		shade := uint8(60 + rng.IntN(150))
		for y := by; y < min(s.h, by+bh); y++ {
			for x := bx; x < min(s.w, bx+bw); x++ {
				s.background[y*s.w+x] = shade
			}
		}
	}
}

// makeNoise draws the noise once; frames take windows of it at offsets that
// change from frame to frame, which is cheap and looks like fresh noise.
func (s *PhoneScene) makeNoise() {
	rng := rand.New(rand.NewPCG(s.seed, 2))
	s.noise = make([]int8, 2*s.w*s.h)
	for i := range s.noise {
		s.noise[i] = int8(rng.IntN(13) - 6)
	}
}

// addNoise adds sensor noise of about ±6 grey levels.
func (s *PhoneScene) addNoise(img *image.Gray, n int) {
	off := (n * 7919) % max(1, s.w*s.h)
	noise := s.noise[off : off+len(img.Pix)]
	for i, v := range img.Pix {
		img.Pix[i] = uint8(min(max(int(v)+int(noise[i]), 0), 255))
	}
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

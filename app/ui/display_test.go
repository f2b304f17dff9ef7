package ui

import (
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	qrcode "github.com/skip2/go-qrcode"

	"zhanggui/hardware/camera"
	"zhanggui/hardware/qr"
	"zhanggui/pos"
	"zhanggui/sync/providersim"
)

// openDisplay turns the fixture's customer display on; its views are
// delivered on d.changed as they are shown.
func openDisplay(t *testing.T, f *fixture) *customerDisplay {
	t.Helper()
	f.app.deps.Display = DisplayDeps{Enabled: true, Hold: 5 * time.Second}
	f.app.showDisplay()
	d := f.app.display
	if d == nil {
		t.Fatal("no customer display")
	}
	d.changed = make(chan displayView, 256)
	// The test calls onTick itself: Fyne's test driver runs fyne.Do on the
	// caller's goroutine, so a ticking goroutine would race with the test.
	d.stop()
	t.Cleanup(d.close)
	return d
}

// waitView waits for the display to show a view of mode.
func waitView(t *testing.T, d *customerDisplay, mode displayMode) displayView {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case v := <-d.changed:
			if v.Mode == mode {
				return v
			}
		case <-deadline:
			t.Fatalf("the display never showed mode %d", mode)
		}
	}
}

// decodeQR reads the QR code in img with gozxing.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code on the display: %v", err)
	}
	return res.GetText()
}

func TestCustomerDisplayFollowsACashSale(t *testing.T) {
	f := newFixture(t)
	d := openDisplay(t, f)
	if d.view.Mode != dispIdle || d.view.Headline != "测试小店" || d.view.Detail != "欢迎光临" {
		t.Errorf("idle display: %+v", d.view)
	}
	f.scan("6901234567892")
	f.scan("6903456789014")
	f.scan("6901234567892") // the cola again: it is the last item
	want := displayView{Mode: dispCart, Headline: "可口可乐 330ml  2 瓶  ¥6.00", Amount: "合计 ¥10.50", Detail: "共 2 项"}
	if d.view != want {
		t.Errorf("ringing up:\n got %+v\nwant %+v", d.view, want)
	}
	if d.amount.Text != "合计 ¥10.50" || d.headline.Text != want.Headline {
		t.Errorf("the window shows %q / %q", d.headline.Text, d.amount.Text)
	}
	f.key(fyne.KeyF12)
	f.app.pay.received.SetText("20")
	f.app.pay.received.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	sale, err := f.db.LastSale(context.Background())
	if err != nil || sale == nil || sale.Total != 1050 {
		t.Fatalf("no cash sale: %v %+v", err, sale)
	}
	want = displayView{Mode: dispThanks, Headline: "谢谢惠顾，欢迎再来", Amount: "实付 ¥10.50", Detail: "找零 ¥9.50"}
	if d.view != want {
		t.Errorf("after the sale:\n got %+v\nwant %+v", d.view, want)
	}
	d.onTick() // still within the hold
	if d.view.Mode != dispThanks {
		t.Errorf("thanks gone at once: %+v", d.view)
	}
	f.now = f.now.Add(6 * time.Second)
	d.onTick()
	if d.view.Mode != dispIdle {
		t.Errorf("after the hold: %+v", d.view)
	}
	f.scan("6903456789014") // the next customer
	if d.view.Mode != dispCart || d.view.Amount != "合计 ¥4.50" {
		t.Errorf("next customer: %+v", d.view)
	}
}

func TestCustomerDisplayShowsTheQR(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	d := openDisplay(t, f)
	f.scan("6901234567892")
	f.app.checkout.onPayQR(pos.Alipay, 0) // F11, then Alipay
	v := waitView(t, d, dispQR)
	open, err := f.db.OpenPayments(context.Background())
	if err != nil || len(open) != 1 || open[0].QR == "" {
		t.Fatalf("open payments: %v %+v", err, open)
	}
	p := open[0]
	if got := decodeQR(t, d.qr.Image); got != p.QR || v.QR != p.QR {
		t.Errorf("the display's QR reads %q (view %q), the payment's code is %q", got, v.QR, p.QR)
	}
	if v.Amount != "¥3.00" || v.Headline != "请用支付宝扫码付款" || !strings.Contains(v.Detail, "秒") {
		t.Errorf("QR view: %+v", v)
	}
	if err := sim.CustomerPay(p.ID); err != nil {
		t.Fatal(err)
	}
	pd := waitPayment(t, f)
	if pd.payment.State != pos.PaySucceeded {
		t.Fatalf("payment %s: %s", pd.payment.State, pd.status.Text)
	}
	want := displayView{Mode: dispThanks, Headline: "谢谢惠顾，欢迎再来", Amount: "实付 ¥3.00", Detail: "支付宝"}
	if d.view != want || d.qr.Visible() {
		t.Errorf("after paying:\n got %+v (QR shown: %v)\nwant %+v", d.view, d.qr.Visible(), want)
	}
}

func TestCustomerDisplayDuringCodePayments(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	d := openDisplay(t, f)
	f.scan("6903456789014")
	f.key(fyne.KeyF9)
	if d.view.Mode != dispAskCode || d.view.Headline != "请出示付款码" || d.view.Amount != "¥4.50" {
		t.Errorf("F9: %+v", d.view)
	}
	broke := sim.NewPaymentCode(providersim.Alipay, "buyer5")
	sim.Script(providersim.OnCode(broke), providersim.InsufficientBalance)
	f.scan(broke)
	if pd := waitPayment(t, f); pd.payment.State != pos.PayFailed {
		t.Fatalf("payment %s", pd.payment.State)
	}
	if d.view.Mode != dispMessage || d.view.Headline != "支付未成功" || !strings.Contains(d.view.Detail, "未扣款") {
		t.Errorf("refused: %+v", d.view)
	}
	code := sim.NewPaymentCode(providersim.Alipay, "buyer6")
	sim.Script(providersim.OnCode(code), providersim.PasswordThenSuccess(2, 0))
	f.scan(code)
	if v := waitView(t, d, dispPaying); v.Amount != "¥4.50" {
		t.Errorf("paying: %+v", v)
	}
	pd := waitPayment(t, f)
	var password bool
	for len(d.changed) > 0 {
		v := <-d.changed
		password = password || v.Headline == "请在手机上输入密码确认付款"
	}
	if pd.payment.State != pos.PaySucceeded || !password || d.view.Mode != dispThanks {
		t.Errorf("payment %s; asked for the password: %v; now %+v", pd.payment.State, password, d.view)
	}
}

func TestCustomerDisplayOffline(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	d := openDisplay(t, f)
	f.app.deps.Link = func(pos.Provider) pos.Link { return pos.LinkOffline }
	f.scan("6903456789014")
	f.scan(sim.NewPaymentCode(providersim.Alipay, "buyer7"))
	want := displayView{Mode: dispMessage, Headline: "手机支付暂时无法使用", Detail: "请使用现金或其他方式付款"}
	if d.view != want {
		t.Errorf("offline:\n got %+v\nwant %+v", d.view, want)
	}
	if f.app.lastPay != nil || charged(sim) != 0 {
		t.Error("a payment started while offline")
	}
}

func TestCustomerDisplayOffIsNil(t *testing.T) {
	f := newFixture(t)
	f.scan("6901234567892")
	if f.app.display != nil {
		t.Fatal("a display opened while disabled")
	}
	var d *customerDisplay // every hook is safe on nil
	d.cart(nil, nil)
	d.askCode(1)
	d.paying(1)
	d.progress(pos.Payment{}, time.Time{})
	d.done(pos.Payment{}, nil, 0)
	if err := d.offline(pos.ErrEmptyCart); err != pos.ErrEmptyCart {
		t.Errorf("offline passed %v through", err)
	}
	d.close()
}

// TestCustomerDisplayRenders draws the display's states in the software
// painter, decodes the QR from the pixels, and keeps PNGs of each state
// when ZHANGGUI_DISPLAY_PNG_DIR is set (to look at them).
func TestCustomerDisplayRenders(t *testing.T) {
	f := newFixture(t)
	d := openDisplay(t, f)
	f.scan("6901234567892")
	f.scan("6903456789014")
	shot(t, d, "display-cart")
	d.paying(750)
	const url = "https://qr.alipay.com/bax08861xqvhmzzpyfru6009"
	d.progress(pos.Payment{Mode: pos.ModeQR, Provider: pos.Alipay, State: pos.PayWaiting, QR: url, Amount: 750},
		f.now.Add(2*time.Minute))
	if got := decodeQR(t, shot(t, d, "display-qr")); got != url {
		t.Errorf("the rendered display's QR reads %q", got)
	}
	d.done(pos.Payment{State: pos.PaySucceeded, Amount: 750}, nil, 0)
	f.key(fyne.KeyF12)
	f.app.pay.received.SetText("10")
	f.app.pay.received.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if d.view.Mode != dispThanks {
		t.Fatalf("after the sale: %+v", d.view)
	}
	shot(t, d, "display-thanks")
	d.win.Resize(fyne.NewSize(320, 260)) // squeezed under the demo phone
	shot(t, d, "display-small")
	d.progress(pos.Payment{Mode: pos.ModeQR, Provider: pos.Wechat, State: pos.PayWaiting, QR: url, Amount: 750},
		f.now.Add(2*time.Minute))
	d.win.Resize(fyne.NewSize(800, 180)) // a strip under the till
	if got := decodeQR(t, shot(t, d, "display-strip")); got != url {
		t.Errorf("the strip's QR reads %q", got)
	}
}

// shot renders the display window; it keeps a PNG when asked to.
func shot(t *testing.T, d *customerDisplay, name string) image.Image {
	t.Helper()
	img := d.win.Canvas().Capture()
	if dir := os.Getenv("ZHANGGUI_DISPLAY_PNG_DIR"); dir != "" {
		out, err := os.Create(filepath.Join(dir, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		if err := png.Encode(out, img); err != nil {
			t.Fatal(err)
		}
	}
	return img
}

func TestDisplaySpot(t *testing.T) {
	r := image.Rect
	for _, tc := range []struct {
		name     string
		monitors []image.Rectangle
		till     image.Rectangle
		avoid    []image.Rectangle
		want     image.Rectangle
	}{
		{"second monitor", []image.Rectangle{r(0, 0, 1920, 1080), r(1920, 0, 2720, 600)}, r(0, 0, 1280, 720), nil,
			r(1920, 0, 2720, 600)},
		{"right of the till", []image.Rectangle{r(0, 0, 1920, 1080)}, r(0, 0, 1280, 720), nil, r(1280, 0, 1920, 600)},
		{"beside the phone", []image.Rectangle{r(0, 0, 2560, 1440)}, r(0, 0, 1280, 720),
			[]image.Rectangle{r(1290, 0, 1590, 640)}, r(1590, 0, 2390, 600)},
		{"under the phone (Xvfb)", []image.Rectangle{r(0, 0, 1600, 900)}, r(0, 0, 1280, 720),
			[]image.Rectangle{r(1290, 0, 1590, 640)}, r(1280, 640, 1600, 900)},
		{"a strip under the till (Xvfb, tall phone)", []image.Rectangle{r(0, 0, 1600, 900)}, r(0, 0, 1280, 720),
			[]image.Rectangle{r(1290, 0, 1590, 804)}, r(0, 720, 800, 900)},
		{"no room: a corner clear of the phone", []image.Rectangle{r(0, 0, 1366, 768)}, r(0, 0, 1366, 768),
			[]image.Rectangle{r(1066, 128, 1366, 768)}, r(0, 168, 800, 768)},
		{"no monitors known", nil, r(100, 100, 1380, 820), nil, r(1380, 100, 2180, 700)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := displaySpot(tc.monitors, tc.till, tc.avoid, wantDisplay)
			if got != tc.want {
				t.Errorf("displaySpot = %v, want %v", got, tc.want)
			}
			for _, a := range tc.avoid {
				if got.Overlaps(a) {
					t.Errorf("%v covers %v", got, a)
				}
			}
		})
	}
}

// codeFrame draws a QR code of text on a white frame of size, the symbol's
// top-left corner at at, scale pixels a module; it returns the frame and
// the symbol's rectangle.
func codeFrame(t *testing.T, text string, size, at image.Point, scale int) (image.Image, image.Rectangle) {
	t.Helper()
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	q.DisableBorder = true
	bits := q.Bitmap()
	frame := image.NewGray(image.Rectangle{Max: size})
	draw.Draw(frame, frame.Bounds(), image.White, image.Point{}, draw.Src)
	for y, row := range bits {
		for x, black := range row {
			if black {
				cell := image.Rect(x*scale, y*scale, (x+1)*scale, (y+1)*scale).Add(at)
				draw.Draw(frame, cell, image.NewUniform(color.Black), image.Point{}, draw.Src)
			}
		}
	}
	return frame, image.Rectangle{Min: at, Max: at.Add(image.Pt(len(bits)*scale, len(bits)*scale))}
}

// TestOutlineFollowsTheCode decodes a generated frame and checks that the
// outline drawn over the preview sits on the code.
func TestOutlineFollowsTheCode(t *testing.T) {
	frame, sym := codeFrame(t, "281234567890123456", image.Pt(640, 480), image.Pt(300, 120), 6)
	res, err := qr.NewDecoder(qr.Options{}).Decode(frame)
	if err != nil || len(res.Points) != 4 {
		t.Fatalf("decode: %v, points %v", err, res.Points)
	}
	// A 400×400 box shows the 640×480 frame at 0.625, 50 pixels down.
	box := fyne.NewSize(400, 400)
	want := []fyne.Position{
		{X: float32(sym.Min.X) * 0.625, Y: 50 + float32(sym.Min.Y)*0.625},
		{X: float32(sym.Max.X) * 0.625, Y: 50 + float32(sym.Min.Y)*0.625},
		{X: float32(sym.Max.X) * 0.625, Y: 50 + float32(sym.Max.Y)*0.625},
		{X: float32(sym.Min.X) * 0.625, Y: 50 + float32(sym.Max.Y)*0.625},
	}
	got := previewPoints(res.Points, frame.Bounds(), box)
	near := func(a, b fyne.Position) bool { return abs32(a.X-b.X) <= 6 && abs32(a.Y-b.Y) <= 6 }
	for i := range want {
		if len(got) != 4 || !near(got[i], want[i]) {
			t.Fatalf("outline %v, want about %v (frame points %v, symbol %v)", got, want, res.Points, sym)
		}
	}
	// The overlay puts its four lines there.
	cs := newCameraScan()
	cs.preview.Resize(box)
	cs.outline.set(res.Points, frame.Bounds())
	for i, l := range cs.outline.lines {
		if !l.Visible() || l.Position1 != got[i] || l.Position2 != got[(i+1)%4] {
			t.Errorf("line %d: %v→%v visible %v, want %v→%v", i, l.Position1, l.Position2, l.Visible(), got[i], got[(i+1)%4])
		}
	}
	if dir := os.Getenv("ZHANGGUI_DISPLAY_PNG_DIR"); dir != "" { // to look at it
		w := test.NewTempWindow(t, cs.preview)
		cs.img.Image = frame
		w.Resize(box)
		cs.outline.set(res.Points, frame.Bounds())
		out, err := os.Create(filepath.Join(dir, "preview-outline.png"))
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		if err := png.Encode(out, w.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
	}
	cs.outline.set(nil, image.Rectangle{})
	for i, l := range cs.outline.lines {
		if l.Visible() {
			t.Errorf("line %d still shown with no code in view", i)
		}
	}
}

func TestPreviewPoints(t *testing.T) {
	frame := image.Rect(0, 0, 640, 480)
	for _, tc := range []struct {
		name string
		pts  []image.Point
		box  fyne.Size
		want []fyne.Position
	}{
		{"same size", []image.Point{{10, 20}, {630, 470}}, fyne.NewSize(640, 480), []fyne.Position{{X: 10, Y: 20}, {X: 630, Y: 470}}},
		{"wide box: bars left and right", []image.Point{{0, 0}, {640, 480}}, fyne.NewSize(800, 240),
			[]fyne.Position{{X: 240, Y: 0}, {X: 560, Y: 240}}},
		{"tall box: bars above and below", []image.Point{{320, 240}, {640, 0}}, fyne.NewSize(320, 640),
			[]fyne.Position{{X: 160, Y: 320}, {X: 320, Y: 200}}},
		{"one point: nothing", []image.Point{{1, 1}}, fyne.NewSize(320, 240), nil},
		{"no box yet", []image.Point{{1, 1}, {2, 2}}, fyne.NewSize(0, 0), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := previewPoints(tc.pts, frame, tc.box)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func abs32(f float32) float32 { return max(f, -f) }

// TestScanBeeps: an item found beeps OK, an unknown code beeps the error.
func TestScanBeeps(t *testing.T) {
	f := newFixture(t)
	var beeps []bool
	f.app.deps.Beep = func(ok bool) { beeps = append(beeps, ok) }
	f.scan("6901234567892")
	f.scan("6900000000000")
	if len(beeps) != 2 || !beeps[0] || beeps[1] {
		t.Errorf("beeps %v, want [true false]", beeps)
	}
}

// TestCameraOutlinesAndBeepsOnce: the live camera path outlines the code
// in every frame it is read from, and reports it (with one beep) once.
func TestCameraOutlinesAndBeepsOnce(t *testing.T) {
	f := newFixture(t)
	frame, sym := codeFrame(t, "281234567890123457", image.Pt(640, 480), image.Pt(120, 200), 5)
	f.app.deps.OpenCamera = func() (camera.FrameSource, error) {
		return camera.NewGenerated(func(int) image.Image { return frame }, camera.GeneratedOptions{FPS: 60}), nil
	}
	beeps := make(chan bool, 100)
	f.app.deps.Beep = func(ok bool) { beeps <- ok }
	codes := make(chan string, 100)
	cs := f.app.startCamera(func(s qr.Scan) { codes <- s.Text })
	select {
	case code := <-codes:
		if code != "281234567890123457" {
			t.Errorf("read %q", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the camera read nothing")
	}
	time.Sleep(300 * time.Millisecond) // more frames with the same code in view
	cs.stop()
	<-cs.done
	if len(codes) != 0 || len(beeps) != 1 || !<-beeps {
		t.Errorf("%d more reports and %d beeps for one code held up", len(codes), len(beeps))
	}
	// Laid out now (not while the camera goroutine runs: the test driver
	// runs fyne.Do on it), the outline stands where the last frame had it.
	w := test.NewTempWindow(t, cs.preview)
	w.Resize(fyne.NewSize(400, 400))
	box := cs.preview.Size()
	scale := min(box.Width/640, box.Height/480)
	pad := fyne.NewPos((box.Width-640*scale)/2, (box.Height-480*scale)/2)
	want := fyne.NewPos(pad.X+float32(sym.Min.X)*scale, pad.Y+float32(sym.Min.Y)*scale)
	if l := cs.outline.lines[0]; !l.Visible() || abs32(l.Position1.X-want.X) > 5 || abs32(l.Position1.Y-want.Y) > 5 {
		t.Errorf("outline starts at %v (shown %v), want about %v in a %v preview", l.Position1, l.Visible(), want, box)
	}
}

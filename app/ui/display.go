package ui

import (
	"cmp"
	"context"
	"fmt"
	"image"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	qrcode "github.com/skip2/go-qrcode"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// DisplayDeps configures the customer display: a second window, facing the
// customer, that follows the till (the cart's total, the QR to scan, the
// payment's progress, thanks and change).
type DisplayDeps struct {
	Enabled bool
	// Screen finds and moves windows, so the display opens beside the till
	// (or fills a second monitor); nil leaves it to the window manager.
	Screen WindowScreen
	// Hold is how long thanks and messages stay up; zero means 6 s.
	Hold time.Duration
}

// WindowScreen finds and moves windows on the desktop (X11 in package app).
type WindowScreen interface {
	// Bounds is where w is on the desktop; false while it is not known
	// (not mapped yet, or a desktop that does not tell).
	Bounds(w fyne.Window) (image.Rectangle, bool)
	// Monitors are the monitors' areas on the desktop.
	Monitors() []image.Rectangle
	// Move puts w at r.
	Move(w fyne.Window, r image.Rectangle)
}

// displayView is what the customer display shows; render draws it. Tests
// read it.
type displayView struct {
	Mode     displayMode
	Headline string // the big line: the last item, what to do, thanks
	Amount   string // the total or the amount to pay, largest
	Detail   string // line count, countdown, change, advice
	QR       string // content of the QR to scan, if any
}

type displayMode int

const (
	dispIdle    displayMode = iota // no sale: the shop's name and a welcome
	dispCart                       // ringing up
	dispAskCode                    // the cashier waits for the customer's payment code
	dispPaying                     // a payment runs
	dispQR                         // the shop's dynamic QR is up
	dispThanks                     // the sale is done
	dispMessage                    // a payment did not go through, or cannot start
)

// customerDisplay is the customer display window. Every method is safe on
// a nil *customerDisplay (the display is off), so the checkout calls them
// unconditionally; all run on the Fyne goroutine.
type customerDisplay struct {
	a    *App
	win  fyne.Window
	hold time.Duration
	view displayView

	lines    []string  // the cart's lines as last seen ("barcode qty"), to find what changed
	lastLine int       // the line changed last, -1 for none
	seen     *pos.Cart // the cart as last seen
	sale     *pos.Sale // a completed sale not yet thanked for
	thanked  string    // ID of the sale thanked for last
	busy     bool      // a payment runs: the cart waits
	until    time.Time // thanks and messages stay up until then
	deadline time.Time // a payment's countdown ends then
	payAmt   money.Fen // the amount of the payment running

	shop, headline, amount, detail *canvas.Text
	qr                             *canvas.Image
	root                           *fyne.Container
	stop                           context.CancelFunc
	changed                        chan displayView // tests: each view shown, when not nil
}

// showDisplay opens the customer display when it is enabled.
func (a *App) showDisplay() {
	if !a.deps.Display.Enabled || a.display != nil {
		return
	}
	d := &customerDisplay{a: a, hold: cmp.Or(a.deps.Display.Hold, 6*time.Second), lastLine: -1}
	if a.checkout != nil && a.checkout.lastSale != nil {
		d.thanked = a.checkout.lastSale.ID // thanks were said before a restart
	}
	d.build()
	a.display = d
	// Fyne runs until every window is closed unless one is the master:
	// closing the till must not leave the display (and the app) running.
	a.win.SetMaster()
	d.cart(a.checkout.cart, nil)
	d.win.Show()
	ctx, cancel := context.WithCancel(context.Background())
	d.stop = cancel
	d.win.SetOnClosed(func() { // closed by hand: the till carries on without it
		cancel()
		a.display = nil
	})
	go d.tick(ctx)
	if a.deps.Display.Screen != nil {
		go d.placeSoon(ctx)
	}
}

func (d *customerDisplay) build() {
	d.shop = bigText(24)
	d.headline, d.amount, d.detail = bigText(40), bigText(88), bigText(30)
	for _, t := range []*canvas.Text{d.shop, d.headline, d.amount, d.detail} {
		t.Alignment = fyne.TextAlignCenter
	}
	d.shop.TextStyle.Bold = false
	d.qr = canvas.NewImageFromImage(nil)
	d.qr.FillMode = canvas.ImageFillContain
	d.qr.ScaleMode = canvas.ImageScalePixels
	d.qr.Hide()
	d.root = container.New(displayLayout{}, d.shop, d.headline, d.qr, d.amount, d.detail)
	d.win = fyne.CurrentApp().NewWindow(T("Customer display"))
	d.win.SetContent(d.root)
	d.win.Resize(fyne.NewSize(800, 600))
}

// close shuts the window (tests; the till's display lives as long as it).
func (d *customerDisplay) close() {
	if d == nil {
		return
	}
	d.stop()
	d.win.Close()
}

// cart follows the sale in progress; last is the sale just completed, if
// any, which the customer is thanked for.
func (d *customerDisplay) cart(c *pos.Cart, last *pos.Sale) {
	if d == nil || c == nil {
		return
	}
	changed := d.note(c)
	if last != nil && last.ID != d.thanked {
		d.sale = last
	}
	switch {
	case d.busy:
	case d.sale != nil:
		d.thank()
	case !changed && d.a.deps.Now().Before(d.until):
		// thanks or a message stay up until the next item
	default:
		d.showCart()
	}
}

// note records c; it reports whether the lines changed, and remembers
// which line changed last.
func (d *customerDisplay) note(c *pos.Cart) bool {
	lines := make([]string, len(c.Lines))
	changed := len(lines) != len(d.lines) || c != d.seen
	for i, l := range c.Lines {
		lines[i] = fmt.Sprint(l.Barcode, " ", l.Qty)
		if i >= len(d.lines) || d.lines[i] != lines[i] {
			d.lastLine, changed = i, true
		}
	}
	if d.lastLine >= len(lines) {
		d.lastLine = len(lines) - 1
	}
	d.seen, d.lines = c, lines
	return changed
}

func (d *customerDisplay) showCart() {
	d.until = time.Time{}
	t := d.seen.Totals()
	if len(t.Lines) == 0 {
		d.set(displayView{Mode: dispIdle, Headline: d.a.settings.ShopName, Detail: T("Welcome!")})
		return
	}
	l := t.Lines[max(d.lastLine, 0)]
	if d.lastLine < 0 {
		l = t.Lines[len(t.Lines)-1]
	}
	d.set(displayView{Mode: dispCart, Headline: fmt.Sprintf("%s  %s %s  %s", l.Name, l.Qty, l.Unit, l.Amount.Yuan()),
		Amount: Tf("Total %s", t.Total.Yuan()), Detail: Tf("Lines: %d", len(t.Lines))})
}

// thank shows the completed sale: paid, and the change to hand over.
func (d *customerDisplay) thank() {
	s := d.sale
	d.sale, d.thanked = nil, s.ID
	detail := ""
	if c := s.Change(); c > 0 {
		detail = T("Change") + " " + c.Yuan()
	} else if n := len(s.Tenders); n > 0 {
		detail = T(tenderNames[s.Tenders[n-1].Kind])
	}
	d.lines, d.lastLine = nil, -1
	d.until = d.a.deps.Now().Add(d.hold)
	d.set(displayView{Mode: dispThanks, Headline: T("Thank you, come again!"),
		Amount: Tf("You paid %s", s.Total.Yuan()), Detail: detail})
}

// askCode asks the customer for the payment code (F9).
func (d *customerDisplay) askCode(due money.Fen) {
	if d == nil || d.busy {
		return
	}
	d.set(displayView{Mode: dispAskCode, Headline: T("Please show your payment code"), Amount: due.Yuan(),
		Detail: T("Open the pay code in Alipay or WeChat")})
}

// paying shows a payment of amount starting.
func (d *customerDisplay) paying(amount money.Fen) {
	if d == nil {
		return
	}
	d.busy, d.payAmt, d.deadline = true, amount, time.Time{}
	d.set(displayView{Mode: dispPaying, Headline: T("Paying…"), Amount: amount.Yuan()})
}

// progress follows the payment p, which gives up at deadline.
func (d *customerDisplay) progress(p pos.Payment, deadline time.Time) {
	if d == nil {
		return
	}
	d.busy, d.deadline = true, deadline
	v := displayView{Mode: dispPaying, Amount: cmp.Or(p.Amount, d.payAmt).Yuan()}
	switch {
	case p.Mode == pos.ModeQR && p.QR != "" && (p.State == pos.PayWaiting || p.State == pos.PayUnknown):
		// the cashier's dialog keeps the QR up while the till asks the
		// provider again: the customer may still scan it
		v.Mode, v.QR = dispQR, p.QR
		v.Headline = qrHeadline(p.Provider) // unionpayqr.go
	case p.State == pos.PayWaiting:
		v.Headline = T("Please confirm the payment on your phone")
	case p.State == pos.PayUnknown:
		v.Headline = T("Confirming your payment, one moment please")
	case p.State == pos.PayCancelling:
		v.Headline = T("Cancelling the payment…")
	default:
		v.Headline = T("Paying…")
	}
	v.Detail = d.countdown()
	d.set(v)
}

// countdown is the time left to pay, or nothing without a deadline.
func (d *customerDisplay) countdown() string {
	left := d.deadline.Sub(d.a.deps.Now())
	if d.deadline.IsZero() || left <= 0 {
		return ""
	}
	return Tf("%d s left", int(left.Round(time.Second).Seconds()))
}

// done shows the payment's outcome in the customer's words; due is what
// the sale still needs after it.
func (d *customerDisplay) done(p pos.Payment, err error, due money.Fen) {
	if d == nil {
		return
	}
	d.busy, d.deadline = false, time.Time{}
	if d.sale != nil {
		d.thank()
		return
	}
	v := displayView{Mode: dispMessage}
	switch {
	case err != nil && p.ID == "":
		v.Headline, v.Detail = T("This payment method is not available right now"), T("Please pay another way")
	case p.State == pos.PaySucceeded:
		v.Headline, v.Amount, v.Detail = Tf("You paid %s", p.Amount.Yuan()), due.Yuan(), T("still to pay")
	case p.State == pos.PayFailed:
		v.Headline = T("The payment did not go through")
		v.Detail = T("Nothing was charged. Refresh your pay code, or pay another way")
	case p.State == pos.PayReversed:
		v.Headline, v.Detail = T("The payment was cancelled"), T("Nothing was charged")
	default:
		v.Headline, v.Detail = T("Confirming your payment, one moment please"), T("The cashier will tell you the result")
	}
	d.until = d.a.deps.Now().Add(d.hold)
	d.set(v)
}

// offline tells the customer a wallet payment cannot be taken now; it
// returns err, so the checkout can pass its check through it.
func (d *customerDisplay) offline(err error) error {
	if d == nil || err == nil {
		return err
	}
	d.until = d.a.deps.Now().Add(d.hold)
	d.set(displayView{Mode: dispMessage, Headline: T("Mobile payment is offline right now"),
		Detail: T("Please pay in cash or another way")})
	return err
}

// tick runs the countdown, and ends thanks and messages when they expire.
func (d *customerDisplay) tick(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fyne.Do(d.onTick)
		}
	}
}

func (d *customerDisplay) onTick() {
	now := d.a.deps.Now()
	switch {
	case d.busy && !d.deadline.IsZero():
		v := d.view
		v.Detail = d.countdown()
		d.set(v)
	case !d.busy && !d.until.IsZero() && !now.Before(d.until):
		d.showCart()
	}
}

// set shows v.
func (d *customerDisplay) set(v displayView) {
	old := d.view
	d.view = v
	d.shop.Text = d.a.settings.ShopName
	if v.Mode == dispIdle {
		d.shop.Text = "" // the shop's name is the headline
	}
	d.headline.Text, d.amount.Text, d.detail.Text = v.Headline, v.Amount, v.Detail
	if v.QR != old.QR {
		d.showQR(v.QR)
	}
	d.root.Refresh() // sizes the text to the window
	if d.changed != nil {
		select {
		case d.changed <- v:
		default: // a test that stopped listening
		}
	}
}

func (d *customerDisplay) showQR(content string) {
	if content == "" {
		d.qr.Hide()
		return
	}
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		d.a.deps.Log.Warn("customer display QR", "err", err)
		d.qr.Hide()
		return
	}
	d.qr.Image = q.Image(512)
	d.qr.Show()
	d.qr.Refresh()
}

// displayLayout scales the display's text and QR to its window, so one
// view reads in a small window beside the till and on a whole second
// monitor. Its objects: shop, headline, QR, amount, detail.
type displayLayout struct{}

// MinSize is small: the window may be squeezed beside the till.
func (displayLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(240, 180) }

// Layout puts the shop's name at the top and centres the rest below it,
// sized to the window (the design size is 480×600, wider is fine). In a
// wide, low window the QR goes left of the text, as big as the height allows.
func (displayLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	u := min(size.Width/480, size.Height/600) // narrow windows stay legible: fitText shrinks long lines
	shop, qr := objs[0].(*canvas.Text), objs[2]
	top := fitText(shop, max(22*u, 14), size.Width) + 12*u // the name stays readable in a low strip
	shop.Move(fyne.NewPos(0, 6*u))
	texts := []fyne.CanvasObject{objs[1], objs[3], objs[4]}
	ems := []float32{40, 88, 30}
	switch {
	case !qr.Visible(): // three lines of text: they may fill the height
		u = min(size.Width/480, (size.Height-top)/300)
		stackRows(texts, ems, u, 0, size.Width, top, size.Height)
	case size.Width >= 1.6*size.Height: // side by side
		side := min(size.Height-top, size.Width*0.45)
		qr.Resize(fyne.NewSize(side, side))
		qr.Move(fyne.NewPos(size.Width*0.05, top+(size.Height-top-side)/2))
		left := size.Width*0.05 + side
		u = min((size.Width-left)/480, (size.Height-top)/240) // three lines of text fill the height
		stackRows(texts, []float32{40, 64, 30}, u, left, size.Width-left, top, size.Height)
	default:
		rows := []fyne.CanvasObject{objs[1], qr, objs[3], objs[4]}
		stackRows(rows, []float32{40, 0, 64, 30}, u, 0, size.Width, top, size.Height)
	}
}

// stackRows lays rows out one under another, centred in the column from x
// of width between top and bottom: texts at em·u, an image (em 0) square.
func stackRows(rows []fyne.CanvasObject, ems []float32, u, x, width, top, bottom float32) {
	heights := make([]float32, len(rows))
	gap, total := 14*u, float32(0)
	for i, o := range rows {
		if t, ok := o.(*canvas.Text); ok {
			heights[i] = fitText(t, ems[i]*u, width)
			if t.Text == "" {
				heights[i] = 0
			}
		} else {
			heights[i] = min((bottom-top)*0.5, width*0.8)
		}
		total += heights[i] + gap
	}
	y := max(top, top+(bottom-top-total)/2)
	for i, o := range rows {
		w := width
		if _, ok := o.(*canvas.Text); !ok {
			w = heights[i]
		}
		o.Resize(fyne.NewSize(w, heights[i]))
		o.Move(fyne.NewPos(x+(width-w)/2, y))
		y += heights[i] + gap
	}
}

// fitText sizes t at em, or smaller so that it fits width, and returns its
// height.
func fitText(t *canvas.Text, em, width float32) float32 {
	t.TextSize = em
	if w := fyne.MeasureText(t.Text, em, t.TextStyle).Width; w > width*0.94 {
		t.TextSize = em * width * 0.94 / w
	}
	s := fyne.MeasureText(t.Text, t.TextSize, t.TextStyle)
	t.Resize(fyne.NewSize(width, s.Height))
	t.Refresh()
	return s.Height
}

// wantDisplay is the display's size when there is room.
var wantDisplay = image.Pt(800, 600)

// minLegible is the smallest scale of the 480×600 design the display may
// be shown at beside the till; below it, it goes over the till instead.
const minLegible = 0.25

// legibility is the scale the display's text is drawn at in a window of size.
func legibility(size image.Point) float64 {
	return min(float64(size.X)/480, float64(size.Y)/600)
}

// placement is where the display was put, and beside what.
type placement struct{ till, phone, display image.Rectangle }

// placeSoon places the display once the till's window is on the screen
// (windows are mapped after the app's loop starts), then places it again
// whenever the till or the demo phone moves, until the display is moved
// by hand.
func (d *customerDisplay) placeSoon(ctx context.Context) {
	var last placement
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(500 * time.Millisecond):
		}
		done := false
		fyne.DoAndWait(func() { last, done = d.place(last) })
		if done {
			return
		}
	}
}

// place moves the display beside the till's window and the demo phone
// when either has moved since last. done: the cashier moved the display,
// so the till leaves it where it is from now on.
func (d *customerDisplay) place(last placement) (now placement, done bool) {
	scr := d.a.deps.Display.Screen
	till, ok := scr.Bounds(d.a.win)
	if !ok {
		return last, false
	}
	now = placement{till: till}
	if d.a.phone != nil {
		now.phone, _ = scr.Bounds(d.a.phone.win)
	}
	if at, ok := scr.Bounds(d.win); ok && !last.display.Empty() && at.Min != last.display.Min {
		return last, true
	}
	if now.till == last.till && now.phone == last.phone {
		now.display = last.display
		return now, false
	}
	var avoid []image.Rectangle
	if !now.phone.Empty() {
		avoid = append(avoid, now.phone)
	}
	now.display = displaySpot(scr.Monitors(), till, avoid, wantDisplay)
	d.a.deps.Log.Info("customer display placed", "at", now.display, "till", till, "phone", now.phone)
	scr.Move(d.win, now.display)
	return now, false
}

// displaySpot chooses where the customer display goes. A monitor the till
// is not on (a dual-screen till's customer side) is filled. Otherwise it
// takes the free part of the till's monitor beside the till and the
// windows to avoid where the display is most legible, up to want; when no
// free part gives minLegible, it takes a corner of the monitor clear of the
// windows to avoid, over the till's window if it must.
func displaySpot(monitors []image.Rectangle, till image.Rectangle, avoid []image.Rectangle, want image.Point) image.Rectangle {
	for _, m := range monitors {
		if !m.Overlaps(till) {
			return m
		}
	}
	mon := till.Union(image.Rectangle{Min: till.Min, Max: till.Max.Add(want)}) // no monitor known: right of or below the till
	for _, m := range monitors {
		if m.Overlaps(till) {
			mon = m
			break
		}
	}
	best, bestScore, bestArea := image.Rectangle{}, minLegible, 0
	for _, f := range freeRects(mon, append([]image.Rectangle{till}, avoid...)) {
		size := image.Pt(min(f.Dx(), want.X), min(f.Dy(), want.Y))
		score, area := legibility(size), size.X*size.Y
		if score > bestScore || score == bestScore && area > bestArea {
			best, bestScore, bestArea = image.Rectangle{Min: f.Min, Max: f.Min.Add(size)}, score, area
		}
	}
	if bestArea > 0 {
		return best
	}
	return cornerSpot(mon, avoid, image.Pt(min(want.X, mon.Dx()), min(want.Y, mon.Dy())))
}

// cornerSpot is the first corner of mon (bottom right, bottom left, top
// right, top left) where a window of size overlaps none of avoid.
func cornerSpot(mon image.Rectangle, avoid []image.Rectangle, size image.Point) image.Rectangle {
	corners := []image.Point{mon.Max.Sub(size), {mon.Min.X, mon.Max.Y - size.Y}, {mon.Max.X - size.X, mon.Min.Y}, mon.Min}
	for _, c := range corners {
		r := image.Rectangle{Min: c, Max: c.Add(size)}
		free := true
		for _, a := range avoid {
			free = free && !r.Overlaps(a)
		}
		if free {
			return r
		}
	}
	return image.Rectangle{Min: corners[0], Max: corners[0].Add(size)}
}

// freeRects splits area into the maximal rectangles that overlap none of
// used (some may contain others: callers only look for the best).
func freeRects(area image.Rectangle, used []image.Rectangle) []image.Rectangle {
	free := []image.Rectangle{area}
	for _, u := range used {
		var next []image.Rectangle
		for _, f := range free {
			if !f.Overlaps(u) {
				next = append(next, f)
				continue
			}
			for _, part := range []image.Rectangle{
				{Min: f.Min, Max: image.Pt(u.Min.X, f.Max.Y)}, // left of u
				{Min: image.Pt(u.Max.X, f.Min.Y), Max: f.Max}, // right of u
				{Min: f.Min, Max: image.Pt(f.Max.X, u.Min.Y)}, // above u
				{Min: image.Pt(f.Min.X, u.Max.Y), Max: f.Max}, // below u
			} {
				if !part.Empty() {
					next = append(next, part)
				}
			}
		}
		free = next
	}
	return free
}

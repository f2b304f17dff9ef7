package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"zhanggui/pos"
)

// CustomerPhone is the demo's simulated customer: it shows payment codes
// for the cashier to scan and scans the shop's dynamic QR, behaving as the
// trainer chooses. It stands in for a real phone at a training till.
type CustomerPhone interface {
	// NewCode issues a payment code of provider whose payment behaves as b.
	NewCode(provider pos.Provider, b PhoneBehaviour) (string, error)
	// ScanShopQR scans the QR the till shows now and behaves as b.
	ScanShopQR(b PhoneBehaviour) error
	Providers() []pos.Provider
}

// PhoneBehaviour is what the simulated customer does.
type PhoneBehaviour string

// The customer's choices.
const (
	PhonePay       PhoneBehaviour = "pay"        // pays at once
	PhoneSlow      PhoneBehaviour = "slow"       // types the password slowly, then pays
	PhoneNoBalance PhoneBehaviour = "no_balance" // not enough money
	PhoneWalkAway  PhoneBehaviour = "walk_away"  // never confirms
)

var phoneChoices = []choice{
	{string(PhonePay), "Pay"}, {string(PhoneSlow), "Enter the password slowly"},
	{string(PhoneNoBalance), "Insufficient balance"}, {string(PhoneWalkAway), "Walk away"},
}

// phoneWindow is the small window of the simulated customer phone.
type phoneWindow struct {
	a        *App
	phone    CustomerPhone
	provider *widget.RadioGroup
	behave   *widget.RadioGroup
	qr       *canvas.Image
	code     *widget.Label
	msg      *widget.Label
	current  string
	win      fyne.Window
}

// showPhone opens the customer phone next to the till (demo shops only).
func (a *App) showPhone() {
	if a.deps.Phone == nil {
		return
	}
	w := &phoneWindow{a: a, phone: a.deps.Phone, code: widget.NewLabel(""), msg: widget.NewLabel("")}
	var names []choice
	for _, p := range w.phone.Providers() {
		names = append(names, choice{string(p), tenderNames[p.TenderKind()]})
	}
	w.provider = radio(names)
	w.provider.Horizontal = false
	if len(names) > 0 {
		w.provider.SetSelected(T(names[0].label))
	}
	w.behave = radio(phoneChoices)
	w.behave.Horizontal = false
	w.behave.SetSelected(T("Pay"))
	w.qr = canvas.NewImageFromImage(nil)
	w.qr.FillMode = canvas.ImageFillContain
	w.qr.SetMinSize(fyne.NewSize(200, 200))
	w.msg.Wrapping = fyne.TextWrapWord
	show := widget.NewButton(T("Show payment code"), w.onShowCode)
	scanGun := widget.NewButton(T("Cashier scans it"), w.onCashierScans)
	scanShop := widget.NewButton(T("Scan the shop's QR"), w.onScanShop)
	w.win = fyne.CurrentApp().NewWindow(T("Customer phone (demo)"))
	w.win.SetContent(container.NewVBox(widget.NewLabel(T("Wallet")), w.provider,
		widget.NewLabel(T("The customer will")), w.behave, show, w.qr, w.code, scanGun,
		widget.NewSeparator(), scanShop, w.msg))
	w.win.Resize(fyne.NewSize(300, 640))
	w.win.Show()
	a.phone = w
}

func (w *phoneWindow) onShowCode() {
	p := pos.Provider(radioValueOf(w.provider, w.phone.Providers()))
	code, err := w.phone.NewCode(p, PhoneBehaviour(radioValue(w.behave, phoneChoices)))
	if err != nil {
		w.msg.SetText(cashierMessage(err))
		return
	}
	w.current = code
	if q, err := qrcode.New(code, qrcode.Medium); err == nil {
		w.qr.Image = q.Image(256)
		w.qr.Refresh()
	}
	w.code.SetText(code)
	w.msg.SetText("")
}

// onCashierScans types the shown code into the till, as the barcode gun
// would from the phone's screen.
func (w *phoneWindow) onCashierScans() {
	if w.current == "" {
		w.msg.SetText(T("Show a payment code first."))
		return
	}
	w.a.checkout.startCodePayment(w.current, 0)
	w.current = ""
}

func (w *phoneWindow) onScanShop() {
	err := w.phone.ScanShopQR(PhoneBehaviour(radioValue(w.behave, phoneChoices)))
	switch {
	case err == nil:
		w.msg.SetText(T("Scanned the shop's QR."))
	case pos.ErrorCode(err) == pos.CodeNotFound:
		w.msg.SetText(T("No QR to scan: press F11 at the till first."))
	default: // the customer's choice (no balance) or the wallet refused: the till says why
		w.a.deps.Log.Info("demo phone: QR payment not made", "err", err)
		w.msg.SetText(T("Scanned; the payment did not go through (the till shows why)."))
	}
}

// radioValueOf maps the selected wallet name back to its provider.
func radioValueOf(r *widget.RadioGroup, ps []pos.Provider) string {
	for _, p := range ps {
		if T(tenderNames[p.TenderKind()]) == r.Selected {
			return string(p)
		}
	}
	return ""
}

package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"zhanggui/hardware/qr"
	"zhanggui/pos"
	"zhanggui/pos/money"
)

// PaymentService takes payments at the providers (sync/payments).
type PaymentService interface {
	PayCode(ctx context.Context, saleID, code string, amount money.Fen, update func(pos.Payment)) (pos.Payment, error)
	PayQR(ctx context.Context, saleID string, provider pos.Provider, amount money.Fen, update func(pos.Payment)) (pos.Payment, error)
	Resolve(ctx context.Context, id string) (pos.Payment, error)
	Refund(ctx context.Context, sale *pos.Sale, tender int, amount money.Fen, reason string) (pos.Refund, error)
	// RefundInCash gives amount of the tender back from the drawer,
	// whatever the tender was; nothing is asked of a provider.
	RefundInCash(ctx context.Context, sale *pos.Sale, tender int, amount money.Fen, reason string) (pos.Refund, error)
}

// payDialog shows one payment in progress: what the customer must do, a
// countdown, and a button to give up (which cancels at the provider).
type payDialog struct {
	status  *widget.Label
	detail  *widget.Label
	qr      *canvas.Image
	amount  *canvas.Text
	cancel  context.CancelFunc
	dlg     dialog.Dialog
	done    chan struct{} // closed when the payment has an outcome
	payment pos.Payment
	closeB  *widget.Button
	giveUp  *widget.Button
	started time.Time
}

// loadPayments reads the attempts made for the current cart.
func (s *checkoutScreen) loadPayments() {
	if s.app.deps.PaymentStore == nil {
		return
	}
	ps, err := s.app.deps.PaymentStore.PaymentsForSale(context.Background(), s.cart.ID)
	if err != nil {
		s.showError(err)
		return
	}
	s.payments = ps
}

// remaining is what is still due after the payments taken.
func (s *checkoutScreen) remaining() money.Fen {
	return s.cart.Totals().Total - pos.Paid(s.payments)
}

// locked refuses changes to the lines once the customer has paid part.
func (s *checkoutScreen) locked() error { return pos.CheckEditable(s.payments) }

// onPayCode opens the dialog that takes a customer's payment code (F9).
func (s *checkoutScreen) onPayCode() {
	if err := s.canPay(); err != nil {
		s.showError(err)
		return
	}
	part, ok := s.takePartAmount()
	if !ok {
		return
	}
	e := newKeyEntry()
	e.SetPlaceHolder(T("Scan the customer's payment code"))
	var dlg dialog.Dialog
	var cam *cameraScan
	pay := func(code string) {
		if cam != nil {
			cam.stop()
		}
		dlg.Hide()
		s.startCodePayment(code, part)
	}
	e.OnSubmitted = pay
	e.onKey = func(k fyne.KeyName) bool {
		if k == fyne.KeyEscape {
			dlg.Hide()
			return true
		}
		return false
	}
	body := container.NewVBox(e)
	cam = s.app.startCamera(func(sc qr.Scan) {
		s.app.deps.Log.Info("camera read a code", "format", sc.Format, "latency", sc.Latency)
		pay(sc.Text)
	})
	if cam != nil {
		body.Add(cam.preview)
		body.Add(cam.status)
	}
	dlg = dialog.NewCustom(Tf("Scan to pay %s", part.Yuan()), T("Cancel (Esc)"), body, s.app.win)
	dlg.SetOnClosed(func() {
		if cam != nil {
			cam.stop()
		}
		s.app.display.cart(s.cart, nil)
	})
	s.app.camScan = cam
	dlg.Resize(fyne.NewSize(480, 160))
	dlg.Show()
	s.app.display.askCode(part)
	s.app.win.Canvas().Focus(e)
}

// canPay checks there is something to pay and no payment in flight.
func (s *checkoutScreen) canPay() error {
	if len(s.cart.Lines) == 0 {
		return pos.ErrEmptyCart
	}
	if err := s.app.maySell(); err != nil {
		return err
	}
	if s.app.deps.Payments == nil {
		return pos.Errorf(pos.CodeUnavailable, "ui: no payment channel configured")
	}
	if pos.Pending(s.payments) || s.app.paying != nil {
		return pos.Errorf(pos.CodeConflict, "ui: a payment is still in progress")
	}
	return nil
}

// startCodePayment charges a scanned payment code for what remains due.
func (s *checkoutScreen) startCodePayment(code string, part money.Fen) {
	if err := s.canPay(); err != nil {
		s.showError(err)
		return
	}
	amount, err := s.payAmount(part)
	if err != nil {
		s.showError(err)
		return
	}
	s.scan.SetText("")
	if err := s.online(code, pos.ModeCode, ""); err != nil {
		s.showError(err)
		return
	}
	pd := s.newPayDialog(Tf("Payment code · %s", amount.Yuan()), amount)
	pd.status.SetText(T("Charging the customer's code…"))
	s.runPayment(pd, func(ctx context.Context, update func(pos.Payment)) (pos.Payment, error) {
		return s.app.deps.Payments.PayCode(ctx, s.cart.ID, code, amount, update)
	})
}

// onPayQR shows the shop's dynamic QR for what remains due (F11).
func (s *checkoutScreen) onPayQR(provider pos.Provider, part money.Fen) {
	if err := s.canPay(); err != nil {
		s.showError(err)
		return
	}
	amount, err := s.payAmount(part)
	if err != nil {
		s.showError(err)
		return
	}
	if err := s.online("", pos.ModeQR, provider); err != nil {
		s.showError(err)
		return
	}
	pd := s.newPayDialog(Tf("%s QR · %s", T(tenderNames[provider.TenderKind()]), amount.Yuan()), amount)
	pd.status.SetText(T("Creating the QR code…"))
	s.runPayment(pd, func(ctx context.Context, update func(pos.Payment)) (pos.Payment, error) {
		return s.app.deps.Payments.PayQR(ctx, s.cart.ID, provider, amount, update)
	})
}

func (s *checkoutScreen) newPayDialog(title string, amount money.Fen) *payDialog {
	pd := &payDialog{status: widget.NewLabel(""), detail: widget.NewLabel(""), done: make(chan struct{}), started: s.app.deps.Now()}
	pd.status.Wrapping, pd.detail.Wrapping = fyne.TextWrapWord, fyne.TextWrapWord
	pd.status.TextStyle.Bold = true
	pd.amount = bigText(40)
	pd.amount.Alignment = fyne.TextAlignCenter
	pd.amount.Text = amount.Yuan()
	pd.qr = canvas.NewImageFromImage(nil)
	pd.qr.FillMode = canvas.ImageFillContain
	pd.qr.SetMinSize(fyne.NewSize(260, 260))
	pd.qr.Hide()
	pd.giveUp = widget.NewButton(T("Cancel payment"), func() {
		if pd.cancel != nil {
			pd.cancel()
		}
		pd.status.SetText(T("Cancelling at the provider…"))
	})
	pd.closeB = widget.NewButton(T("Close"), func() { pd.dlg.Hide() })
	pd.closeB.Hide()
	body := container.NewVBox(pd.amount, container.NewCenter(pd.qr), pd.status, pd.detail,
		container.NewGridWithColumns(2, pd.giveUp, pd.closeB))
	pd.dlg = dialog.NewCustomWithoutButtons(title, body, s.app.win)
	pd.dlg.Resize(fyne.NewSize(460, 520))
	pd.dlg.Show()
	s.app.display.paying(amount)
	return pd
}

// runPayment runs pay on a goroutine: the screen stays live, and every
// progress step comes back through fyne.Do.
func (s *checkoutScreen) runPayment(pd *payDialog, pay func(context.Context, func(pos.Payment)) (pos.Payment, error)) {
	ctx, cancel := context.WithCancel(s.app.actx())
	pd.cancel = cancel
	s.app.paying, s.app.lastPay = pd, pd
	go func() {
		defer cancel()
		p, err := pay(ctx, func(p pos.Payment) { fyne.Do(func() { s.showProgress(pd, p) }) })
		fyne.Do(func() {
			s.finishPayment(pd, p, err)
			close(pd.done)
		})
	}()
}

// showProgress tells the cashier what the customer has to do now.
func (s *checkoutScreen) showProgress(pd *payDialog, p pos.Payment) {
	pd.payment = p
	switch p.State {
	case pos.PayAuthorizing:
		pd.status.SetText(T("Waiting for the provider…"))
	case pos.PayWaiting:
		if p.Mode == pos.ModeQR && p.QR != "" {
			pd.status.SetText(T("Ask the customer to scan this code with the wallet app"))
			s.showQR(pd, p.QR)
		} else {
			pd.status.SetText(T("Ask the customer to enter the password on the phone"))
		}
	case pos.PayUnknown:
		pd.status.SetText(T("No clear answer yet: asking the provider again…"))
	case pos.PayCancelling:
		pd.status.SetText(T("Cancelling at the provider…"))
	}
	wait := s.app.paymentWait(p.Mode)
	left := wait - s.app.deps.Now().Sub(pd.started)
	if left > 0 && !p.State.Final() {
		pd.detail.SetText(Tf("Waiting up to %d s more", int(left.Seconds())))
	}
	s.app.display.progress(p, pd.started.Add(wait))
}

func (s *checkoutScreen) showQR(pd *payDialog, content string) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		s.showError(pos.Errorf(pos.CodeInternal, "ui: QR for %s: %w", pd.payment.ID, err))
		return
	}
	pd.qr.Image = q.Image(300)
	pd.qr.Show()
	pd.qr.Refresh()
	pd.dlg.Refresh() // lays the dialog out again around the QR that was hidden
}

// finishPayment acts on the outcome: a paid customer always ends with a
// completed sale (or with what remains due shown), never with a failed one.
func (s *checkoutScreen) finishPayment(pd *payDialog, p pos.Payment, err error) {
	s.app.paying = nil
	pd.payment = p
	pd.giveUp.Hide()
	pd.closeB.Show()
	pd.qr.Hide()
	s.loadPayments()
	neverSent := err != nil && (p.ID == "" || !s.stored(p)) // never saved, so never sent (e.g. a full disk)
	switch {
	case neverSent:
		pd.status.SetText(cashierMessage(err))
		pd.detail.SetText(T("Nothing was charged."))
	case p.State == pos.PaySucceeded:
		pd.status.SetText(Tf("Paid %s", p.Amount.Yuan()))
		s.afterPaid(pd)
	case p.State == pos.PayFailed:
		pd.status.SetText(T("Payment refused: ") + p.Reason)
		pd.detail.SetText(T("Nothing was charged. Ask the customer to refresh the code, or pay another way."))
	case p.State == pos.PayReversed:
		pd.status.SetText(T("Payment cancelled: nothing was charged."))
	case p.Withdrawn():
		pd.status.SetText(T("QR withdrawn: nobody has paid it."))
		pd.detail.SetText(T("Take another payment. Should the customer still pay this QR, the till refunds it automatically."))
	default:
		pd.status.SetText(T("TO BE CONFIRMED (待确认): the outcome is not known yet."))
		pd.detail.SetText(T("Do not take the money again. The till keeps asking the provider; see the order list or press Query."))
	}
	if err != nil && p.ID != "" {
		s.app.deps.Log.Warn("payment", "id", p.ID, "state", p.State, "err", err)
	}
	s.refresh()
	shown := p
	if neverSent {
		shown = pos.Payment{} // the customer display words it as the till does: nothing was charged
	}
	s.app.display.done(shown, err, s.remaining())
}

// stored reports whether p reached the store. The service saves every
// payment before its request leaves the till, so one the store lacks was
// never sent to the provider.
func (s *checkoutScreen) stored(p pos.Payment) bool {
	if s.app.deps.PaymentStore == nil {
		return true
	}
	_, err := s.app.deps.PaymentStore.Payment(context.Background(), p.ID)
	return pos.ErrorCode(err) != pos.CodeNotFound
}

// afterPaid completes the sale when the payments cover it, or says what is left.
func (s *checkoutScreen) afterPaid(pd *payDialog) {
	left := s.remaining()
	if left > 0 {
		pd.detail.SetText(Tf("%s still due: cash (F12) or another payment.", left.Yuan()))
		s.lastInfo.SetText(pd.detail.Text)
		return
	}
	if err := s.completeWithPayments(nil, 0); err != nil {
		pd.detail.SetText(cashierMessage(err))
		s.showError(err)
		return
	}
	pd.dlg.Hide()
}

// completeWithPayments completes the sale with the succeeded payments and,
// if given, a cash tender for the rest.
func (s *checkoutScreen) completeWithPayments(cash *pos.Tender, rounding money.Fen) error {
	tenders := s.paidTenders()
	if cash != nil {
		tenders = append(tenders, *cash)
	}
	err := s.complete(rounding, tenders)
	if errors.Is(err, pos.ErrPaymentArrived) { // a late success: what is due has changed
		s.loadPayments()
		s.refresh()
	}
	return err
}

// resumePaid finishes a sale whose payments were taken before a restart:
// the customer paid, so the sale must not be lost.
func (s *checkoutScreen) resumePaid() {
	s.loadPayments()
	if len(s.cart.Lines) == 0 || pos.Pending(s.payments) || pos.Paid(s.payments) == 0 {
		return
	}
	if s.remaining() == 0 {
		if err := s.completeWithPayments(nil, 0); err != nil {
			s.showError(err)
			return
		}
		s.lastInfo.SetText(T("A sale paid before the restart was completed.") + " " + s.lastInfo.Text)
		return
	}
	s.lastInfo.SetText(Tf("%s already paid; %s still due.", pos.Paid(s.payments).Yuan(), s.remaining().Yuan()))
}

// describePayment is one line about a payment for lists.
func describePayment(p pos.Payment) string {
	return fmt.Sprintf("%s %s %s %s", T(tenderNames[p.Provider.TenderKind()]), p.Amount.Yuan(), T(stateNames[p.State]), p.Reason)
}

var stateNames = map[pos.PaymentState]string{
	pos.PayCreated: "created", pos.PayAuthorizing: "sending", pos.PayWaiting: "waiting for customer",
	pos.PayUnknown: "to be confirmed", pos.PayCancelling: "cancelling", pos.PaySucceeded: "paid",
	pos.PayFailed: "refused", pos.PayReversed: "cancelled", pos.PayRefunding: "refunding", pos.PayRefunded: "refunded",
}

// online refuses a payment code or QR while its channel is offline: a
// 付款码 is single-use and cannot be charged later, so the cashier takes
// cash instead.
func (s *checkoutScreen) online(code string, mode pos.PaymentMode, provider pos.Provider) error {
	if s.app.deps.Link == nil {
		return nil
	}
	if code != "" {
		p, _, err := pos.RoutePaymentCode(code, pos.DefaultCodeRoutes)
		if err != nil {
			return nil // the payment service explains a bad code
		}
		provider = p
	}
	return s.app.display.offline(pos.CheckOnlinePayment(provider, mode, s.app.deps.Link(provider)))
}

// linkText is the channels' reachability for the counter: 支付宝 在线 · 微信支付 离线.
func (a *App) linkText() string {
	if a.deps.Link == nil {
		return ""
	}
	var parts []string
	for _, p := range a.deps.LinkProviders {
		parts = append(parts, T(tenderNames[p.TenderKind()])+" "+linkName(a.deps.Link(p)))
	}
	return strings.Join(parts, " · ")
}

// watchLinks refreshes the link line every few seconds.
func (a *App) watchLinks() {
	if a.deps.Link == nil {
		return
	}
	for range time.Tick(3 * time.Second) {
		text := a.linkText()
		fyne.Do(func() { a.showBanner(text) })
	}
}

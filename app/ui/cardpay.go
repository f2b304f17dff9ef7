package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"zhanggui/hardware/nfc"
	"zhanggui/pos"
	"zhanggui/pos/money"
)

// Contactless bank cards at the checkout (F1): a dialog asks the customer
// to tap, shows the progress and the outcome. The payment itself
// (sync/cardpay, wired in app) saves the attempt, charges the card, and
// books the sale with its card tender in one transaction; the screen only
// shows it.

// CardStage is a step of a card charge the dialog shows (sync/cardpay's
// Stage).
type CardStage int

// The stages.
const (
	CardTap       CardStage = iota + 1 // waiting for the card
	CardQuerying                       // no clear answer: asking the acquirer
	CardReversing                      // reversing an unknown outcome
	CardBooking                        // approved: saving the sale
)

// CardRequest is one card charge (sync/cardpay's Request).
type CardRequest struct {
	SaleID string
	Amount money.Fen
	// Book makes the sale with the card tender added to the tenders
	// already taken; the payment service saves it with the payment.
	Book func(card pos.Tender) (*pos.Sale, error)
}

// CardOutcome is how a charge ended (sync/cardpay's Outcome).
type CardOutcome struct {
	Payment   pos.Payment
	Sale      *pos.Sale // set when approved and booked
	Offline   bool      // approved offline (脱机批准): uploaded later
	MaskedPAN string
	Reason    string // for the cashier when not approved
	Cash      bool   // nothing was charged: offer cash
	Pending   bool   // unknown still (待确认): being reversed
}

// CardDeps is what card payments at the checkout need.
type CardDeps struct {
	// Charge takes one card payment; nil: the till takes no cards.
	Charge func(ctx context.Context, r CardRequest, stage func(CardStage)) (CardOutcome, error)
	// Reader reports whether a card reader is attached: nil when one is,
	// else why not (pcscd down, no reader); nil func: assume attached.
	Reader func() error
	// TapWait is how long the dialog waits for the card (0: 60 s).
	TapWait time.Duration
}

// cardDialog is a card charge in progress.
type cardDialog struct {
	amount  *canvas.Text
	bar     *widget.ProgressBarInfinite
	status  *widget.Label
	detail  *widget.Label
	cancel  context.CancelFunc
	giveUp  *widget.Button
	cashB   *widget.Button
	closeB  *widget.Button
	buttons *fyne.Container
	dlg     dialog.Dialog
	done    chan struct{} // closed when the charge has an outcome
	outcome CardOutcome
}

// onPayCard charges a contactless card for what remains due (F1).
func (s *checkoutScreen) onPayCard() {
	if err := s.canPayCard(); err != nil {
		s.showError(err)
		return
	}
	if r := s.app.deps.Cards.Reader; r != nil {
		if err := r(); err != nil {
			s.app.deps.Log.Warn("card reader", "err", err)
			s.msg.SetText(T("No card reader connected") + "：" + nfc.ChineseMessage(err))
			return
		}
	}
	if s.cart.ID == "" {
		s.cart.ID = s.app.deps.NewID()
	}
	amount := s.remaining()
	cd := s.newCardDialog(amount)
	req := CardRequest{SaleID: s.cart.ID, Amount: amount, Book: s.cardBooking(s.cart, s.paidTenders())}
	// The lines are fixed while the card is charged, as for any pending
	// payment (a scan behind the dialog must not change what the card
	// pays); finishCard reads the payments back from the store.
	s.payments = append(s.payments, pos.Payment{SaleID: s.cart.ID, Amount: amount, State: pos.PayAuthorizing})
	s.runCard(cd, req)
}

// canPayCard checks there is something to pay, a terminal, and no
// payment in flight.
func (s *checkoutScreen) canPayCard() error {
	switch {
	case len(s.cart.Lines) == 0:
		return pos.ErrEmptyCart
	case s.app.maySell() != nil:
		return errNoSell
	case s.app.deps.Cards.Charge == nil:
		return pos.Errorf(pos.CodeUnavailable, "ui: no card terminal configured")
	case pos.Pending(s.payments) || s.app.paying != nil || s.app.card != nil && !closed(s.app.card.done):
		return pos.Errorf(pos.CodeConflict, "ui: a payment is still in progress")
	}
	return nil
}

func closed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// paidTenders are the tenders of the payments already taken for the cart.
func (s *checkoutScreen) paidTenders() []pos.Tender {
	var ts []pos.Tender
	for _, p := range s.payments {
		if p.State == pos.PaySucceeded {
			ts = append(ts, p.Tender())
		}
	}
	return ts
}

// cardBooking makes the sale of cart, paid by prior and the card: a new
// order number, the tenders and the journal entry. The card service calls
// it (off the Fyne goroutine) once the card is approved; the cart does not
// change meanwhile, as the dialog is modal.
func (s *checkoutScreen) cardBooking(cart *pos.Cart, prior []pos.Tender) func(pos.Tender) (*pos.Sale, error) {
	d, st, cashier := s.app.deps, s.app.settings, s.app.saleCashier(cart)
	return func(card pos.Tender) (*pos.Sale, error) {
		return newSale(d, st, cashier, cart, 0, append(append([]pos.Tender(nil), prior...), card))
	}
}

func (s *checkoutScreen) newCardDialog(amount money.Fen) *cardDialog {
	cd := &cardDialog{status: widget.NewLabel(T("Waiting for the card…")), detail: widget.NewLabel(""),
		done: make(chan struct{})}
	cd.status.TextStyle.Bold = true
	cd.status.Wrapping, cd.detail.Wrapping = fyne.TextWrapWord, fyne.TextWrapWord
	cd.amount = bigText(40)
	cd.amount.Alignment = fyne.TextAlignCenter
	cd.amount.Text = amount.Yuan()
	cd.bar = widget.NewProgressBarInfinite()
	cd.giveUp = widget.NewButton(T("Cancel"), func() {
		if cd.cancel != nil {
			cd.cancel()
		}
	})
	cd.cashB = widget.NewButton(T("Pay cash instead"), func() { cd.dlg.Hide(); s.onPayCash() })
	cd.cashB.Importance = widget.HighImportance
	cd.closeB = widget.NewButton(T("Close"), func() { cd.dlg.Hide() })
	cd.cashB.Hide()
	cd.closeB.Hide()
	cd.buttons = container.NewGridWithColumns(3, cd.giveUp, cd.cashB, cd.closeB)
	body := container.NewVBox(cd.amount, cd.bar, cd.status, cd.detail, cd.buttons)
	cd.dlg = dialog.NewCustomWithoutButtons(T("Ask the customer to tap the card"), body, s.app.win)
	cd.dlg.Resize(fyne.NewSize(460, 340))
	s.app.card = cd
	cd.dlg.Show()
	return cd
}

// runCard charges on a goroutine; progress and the outcome come back
// through fyne.Do.
func (s *checkoutScreen) runCard(cd *cardDialog, req CardRequest) {
	wait := s.app.deps.Cards.TapWait
	if wait <= 0 {
		wait = time.Minute
	}
	ctx, cancel := context.WithTimeout(s.app.actx(), wait)
	cd.cancel = cancel
	charge := s.app.deps.Cards.Charge
	go func() {
		defer cancel()
		out, err := charge(ctx, req, func(st CardStage) { fyne.Do(func() { cd.showStage(st) }) })
		fyne.Do(func() {
			s.finishCard(cd, out, err)
			close(cd.done)
		})
	}()
}

// showStage tells the cashier where the charge is.
func (cd *cardDialog) showStage(st CardStage) {
	switch st {
	case CardTap:
		cd.status.SetText(T("Waiting for the card…"))
	case CardQuerying:
		cd.status.SetText(T("No clear answer yet: asking the acquirer…"))
		cd.giveUp.Hide() // the card has answered: the outcome must be seen through
	case CardReversing:
		cd.status.SetText(T("Reversing the card payment…"))
		cd.giveUp.Hide()
	case CardBooking:
		cd.status.SetText(T("Approved: saving the sale…"))
		cd.giveUp.Hide()
	}
}

// finishCard shows the outcome and, approved, ends the sale on screen.
func (s *checkoutScreen) finishCard(cd *cardDialog, out CardOutcome, err error) {
	cd.outcome = out
	cd.bar.Stop()
	cd.bar.Hide()
	cd.giveUp.Hide()
	cd.closeB.Show()
	s.loadPayments()
	if err != nil {
		s.app.deps.Log.Warn("card payment", "id", out.Payment.ID, "state", out.Payment.State, "err", err)
	}
	switch {
	case out.Sale != nil:
		how := T("Approved online")
		if out.Offline {
			how = T("Approved offline (脱机批准): uploaded when the network allows")
		}
		cd.status.SetText(Tf("Paid %s", out.Sale.Total.Yuan()) + " · " + how)
		cd.detail.SetText(T("Card") + " " + out.MaskedPAN)
		s.saleDone(out.Sale)
	case out.Pending:
		cd.status.SetText(T("Not confirmed: the till cancels this card payment by itself."))
		cd.detail.SetText(T("Anything charged goes back to the card. Take another payment."))
		cd.cashB.Show()
	default:
		cd.status.SetText(T("Card not accepted: ") + out.Reason)
		if out.Reason == "" && err != nil {
			cd.status.SetText(T("Card not accepted: ") + cashierMessage(err))
		}
		cd.detail.SetText(T("Nothing was charged."))
		cd.cashB.Show()
	}
	cd.buttons.Refresh() // lay the buttons out again: some were hidden
	s.refresh()
}

// tenderRef is a tender's reference as the receipt prints it: a card
// approved offline says so (脱机批准) before its masked number.
func tenderRef(t pos.Tender) string {
	if rest, ok := strings.CutPrefix(t.Ref, "offline "); ok && t.Kind == pos.TenderCard {
		return T("Offline approval") + " " + rest
	}
	return t.Ref
}

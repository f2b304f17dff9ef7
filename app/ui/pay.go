package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// cashDialog takes the cash the customer hands over and shows the change.
type cashDialog struct {
	due, rounding money.Fen
	received      *keyEntry
	change        *canvas.Text
	msg           *widget.Label
	dlg           dialog.Dialog
}

// onPayCash opens the cash tender for the cart's total (抹零 per settings).
func (s *checkoutScreen) onPayCash() {
	if len(s.cart.Lines) == 0 {
		s.showError(pos.ErrEmptyCart)
		return
	}
	if err := s.app.maySell(); err != nil {
		s.showError(err)
		return
	}
	if s.app.paying != nil || pos.Pending(s.payments) {
		s.showError(pos.Errorf(pos.CodeConflict, "ui: a payment is still in progress"))
		return
	}
	cd := &cashDialog{}
	cd.due, cd.rounding = s.cart.Due(s.app.settings.CashRounding, true)
	if paid := pos.Paid(s.payments); paid > 0 { // split tender: cash pays the rest, no 抹零
		cd.due, cd.rounding = s.remaining(), 0
	}
	cd.received = newKeyEntry()
	cd.received.SetPlaceHolder(cd.due.String())
	cd.change = bigText(36)
	cd.change.Alignment = fyne.TextAlignCenter
	cd.msg = widget.NewLabel("")
	cd.msg.Importance = widget.DangerImportance
	cd.received.OnChanged = func(string) { cd.showChange() }
	cd.received.OnSubmitted = func(string) { s.finishCash(cd) }
	cd.received.watchScanner(s.app.wedgeOptions(), func(code string) {
		cd.dlg.Hide() // a payment code scanned instead: the customer pays by wallet
		s.app.pay = nil
		s.app.scanned(code)
	})
	cd.received.onKey = func(k fyne.KeyName) bool {
		if k == fyne.KeyEscape {
			cd.dlg.Hide()
			return true
		}
		return false
	}
	quick := func(label string, f money.Fen) *widget.Button {
		return widget.NewButton(label, func() { cd.received.SetText(f.String()); s.finishCash(cd) })
	}
	dueText := bigText(40)
	dueText.Alignment = fyne.TextAlignCenter
	dueText.Text = T("Due") + " " + cd.due.Yuan()
	info := widget.NewLabel("")
	if cd.rounding > 0 {
		info.SetText(Tf("Rounding (抹零) %s", cd.rounding.Yuan()))
	}
	body := container.NewVBox(dueText, info,
		widget.NewForm(widget.NewFormItem(T("Received"), cd.received)),
		container.NewGridWithColumns(3, quick(T("Exact"), cd.due), quick("¥50", 5000), quick("¥100", 10000)),
		cd.change, cd.msg)
	ok := widget.NewButton(T("Confirm (Enter)"), func() { s.finishCash(cd) })
	ok.Importance = widget.HighImportance
	cancel := widget.NewButton(T("Cancel (Esc)"), func() { cd.dlg.Hide() })
	cd.dlg = dialog.NewCustomWithoutButtons(T("Cash payment"), container.NewBorder(nil,
		container.NewGridWithColumns(2, cancel, ok), nil, nil, body), s.app.win)
	cd.dlg.Resize(fyne.NewSize(460, 420))
	s.app.pay = cd
	cd.dlg.Show()
	s.app.win.Canvas().Focus(cd.received)
}

// amount reads the cash received; an empty field means the exact amount.
func (cd *cashDialog) amount() (money.Fen, error) {
	if cd.received.Text == "" {
		return cd.due, nil
	}
	return money.Parse(cd.received.Text)
}

func (cd *cashDialog) showChange() {
	cd.change.Text = ""
	if f, err := cd.amount(); err == nil && f >= cd.due {
		cd.change.Text = T("Change") + " " + (f - cd.due).Yuan()
	}
	cd.change.Refresh()
}

// finishCash completes the sale paid in cash.
func (s *checkoutScreen) finishCash(cd *cashDialog) {
	received, err := cd.amount()
	if err != nil {
		cd.msg.SetText(T("Please check what was entered."))
		return
	}
	tender, err := pos.CashTender(cd.due, received)
	if err == nil {
		err = s.completeWithPayments(&tender, cd.rounding)
	}
	if err != nil {
		s.app.deps.Log.Warn("cash payment", "err", err)
		cd.msg.SetText(cashierMessage(err))
		return
	}
	cd.dlg.Hide()
	s.app.pay = nil
}

// complete books the cart as a sale with the tenders: a number, the sale,
// its ledger entry and stock in one transaction, then the receipt.
func (s *checkoutScreen) complete(rounding money.Fen, tenders []pos.Tender) error {
	d := s.app.deps
	if s.cart.ID == "" {
		s.cart.ID = d.NewID()
	}
	sale, err := newSale(d, s.app.settings, s.app.saleCashier(s.cart), s.cart, rounding, tenders)
	if err != nil {
		return err
	}
	if err := d.Sales.SaveSale(s.app.actx(), sale); err != nil {
		return err
	}
	s.saleDone(sale)
	return nil
}

// newSale numbers cart's sale and checks it out with tenders: the sale,
// its lines and journal entry, not yet saved. It reads nothing of the
// screen, so the card service may call it off the Fyne goroutine.
func newSale(d Deps, st pos.Settings, cashier string, cart *pos.Cart, rounding money.Fen, tenders []pos.Tender) (*pos.Sale, error) {
	now := d.Now()
	no, err := d.Sales.NextSaleNo(context.Background(), pos.BusinessDay(now, st.Location()), st.StoreCode, st.TillCode)
	if err != nil {
		return nil, err
	}
	return cart.Checkout(pos.Checkout{ID: cart.ID, No: no, EntryID: d.NewID(), At: now,
		Cashier: cashier, Training: st.Demo, Rounding: rounding, Tenders: tenders})
}

// saleDone shows a sale just saved: a new cart, the change or the channel
// paid, the receipt printed, the orders screen told.
func (s *checkoutScreen) saleDone(sale *pos.Sale) {
	s.lastSale = sale
	s.cart = &pos.Cart{ID: s.app.deps.NewID()}
	s.payments = nil
	s.selected = -1
	s.change.Text = T("Change") + " " + sale.Change().Yuan()
	if last := sale.Tenders[len(sale.Tenders)-1].Kind; last != pos.TenderCash {
		s.change.Text = Tf("Paid %s", sale.Total.Yuan()) + " · " + T(tenderNames[last])
	}
	s.change.Refresh()
	s.lastInfo.SetText(Tf("Order %s · paid %s", sale.No, sale.Total.Yuan()))
	s.scan.SetText("") // a code that failed before the payment is no business of the next customer
	s.showError(s.app.printReceipt(sale))
	s.refresh()
	s.app.win.Canvas().Focus(s.scan)
	if s.app.orders != nil {
		s.app.orders.reload()
	}
}

func (s *checkoutScreen) onReprint() {
	sale := s.lastSale
	if sale == nil {
		var err error
		if sale, err = s.app.deps.Sales.LastSale(context.Background()); err != nil || sale == nil {
			s.showError(pos.Errorf(pos.CodeNotFound, "ui: no sale to reprint"))
			return
		}
	}
	s.app.reprint(sale, s.showError)
}

// onHold parks the sale (挂单) and starts a new one.
func (s *checkoutScreen) onHold() {
	if len(s.cart.Lines) == 0 {
		s.showError(pos.ErrEmptyCart)
		return
	}
	if err := s.locked(); err != nil {
		s.showError(err)
		return
	}
	s.cart.Note = fmt.Sprintf("%s · %s", s.app.deps.Now().In(s.app.settings.Location()).Format("15:04"),
		s.cart.Totals().Total.Yuan())
	if err := s.app.deps.Carts.SaveCart(context.Background(), s.cart, true); err != nil {
		s.showError(err)
		return
	}
	s.cart = &pos.Cart{ID: s.app.deps.NewID()}
	s.selected = -1
	s.showError(nil)
	s.lastInfo.SetText(T("Sale held. F7 resumes it."))
	s.refresh()
}

// onResume lists held sales; picking one makes it current (holding the
// current one first if it has lines).
func (s *checkoutScreen) onResume() {
	held, err := s.app.deps.Carts.HeldCarts(context.Background())
	if err != nil || len(held) == 0 {
		s.showError(err)
		if err == nil {
			s.lastInfo.SetText(T("No held sales."))
		}
		return
	}
	var dlg dialog.Dialog
	list := widget.NewList(func() int { return len(held) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := held[i]
			o.(*widget.Label).SetText(Tf("%s · %d lines · %s", c.Note, len(c.Lines), firstName(c)))
		})
	list.OnSelected = func(i widget.ListItemID) {
		dlg.Hide()
		s.resume(held[i])
	}
	dlg = dialog.NewCustom(T("Resume a held sale"), T("Cancel"), list, s.app.win)
	dlg.Resize(fyne.NewSize(520, 360))
	dlg.Show()
}

func firstName(c *pos.Cart) string {
	if len(c.Lines) == 0 {
		return ""
	}
	return c.Lines[0].Name
}

func (s *checkoutScreen) resume(c *pos.Cart) {
	ctx := context.Background()
	if len(s.cart.Lines) > 0 {
		s.onHold()
	}
	c.Note = ""
	if err := s.app.deps.Carts.SaveCart(ctx, c, false); err != nil {
		s.showError(err)
		return
	}
	s.cart, s.selected = c, len(c.Lines)-1
	s.loadPayments()
	s.showError(nil)
	s.refresh()
}

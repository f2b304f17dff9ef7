package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
)

// onChooseQR asks which wallet's QR to show (F11); keys 1–3 pick too
// (unionpayqr.go).
func (s *checkoutScreen) onChooseQR() {
	if err := s.canPay(); err != nil {
		s.showError(err)
		return
	}
	part, ok := s.takePartAmount()
	if !ok {
		return
	}
	var dlg dialog.Dialog
	pick := func(p pos.Provider) { dlg.Hide(); s.onPayQR(p, part) }
	ws := s.qrWallets()
	body := container.NewGridWithColumns(len(ws))
	for _, b := range qrWalletButtons(ws, pick) {
		body.Add(b)
	}
	dlg = dialog.NewCustom(Tf("Show QR to pay %s", part.Yuan()), T("Cancel"), body, s.app.win)
	s.pickByKey(dlg, ws, pick)
	dlg.Show()
}

// onPending lists payments still waiting for an outcome (待确认), each with
// a button that asks the provider now.
func (s *checkoutScreen) onPending() {
	if s.app.deps.PaymentStore == nil {
		return
	}
	open, err := s.app.deps.PaymentStore.OpenPayments(context.Background())
	if err != nil {
		s.showError(err)
		return
	}
	if len(open) == 0 {
		s.lastInfo.SetText(T("No payments to be confirmed."))
		return
	}
	box := container.NewVBox()
	for _, p := range open {
		label := widget.NewLabel(describePayment(p) + " · " + p.ID)
		label.Wrapping = fyne.TextWrapWord
		query := widget.NewButton(T("Query"), nil)
		query.OnTapped = func() {
			got, err := s.app.deps.Payments.Resolve(s.app.actx(), p.ID)
			if err != nil {
				label.SetText(describePayment(got) + " · " + cashierMessage(err))
				return
			}
			label.SetText(describePayment(got))
			s.loadPayments()
			s.resumePaid()
			s.refresh()
		}
		box.Add(container.NewBorder(nil, nil, nil, query, label))
	}
	dlg := dialog.NewCustom(T("Payments to be confirmed (待确认)"), T("Close"), container.NewVScroll(box), s.app.win)
	dlg.Resize(fyne.NewSize(640, 400))
	dlg.Show()
}

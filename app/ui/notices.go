package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"zhanggui/pos"
)

// watchNotices shows the cashier what happened to payments while nobody
// waited for them: a late success that completes the waiting sale, or one
// refunded automatically because the sale was settled another way.
func (a *App) watchNotices() {
	if a.deps.Notices == nil {
		return
	}
	for n := range a.deps.Notices {
		fyne.Do(func() { a.checkout.onNotice(n) })
	}
}

// onNotice acts on one notice. Failures the owner must act on open a
// dialog; the rest are a line under the cart.
func (s *checkoutScreen) onNotice(n pos.PaymentNotice) {
	p := n.Payment
	channel, amount := T(tenderNames[p.Provider.TenderKind()]), p.Amount.Yuan()
	switch n.Kind {
	case pos.NoticeLatePaid:
		if p.SaleID == s.cart.ID {
			s.resumePaid() // completes the sale when the payments now cover it
			return
		}
		s.lastInfo.SetText(Tf("A late %s payment of %s arrived for a held sale; resume it (F7) to finish.", channel, amount))
	case pos.NoticeLateRefund:
		s.lastInfo.SetText(Tf("A late %s payment of %s arrived after the sale was settled; it is being refunded to the customer.", channel, amount))
	case pos.NoticeLateRefunded:
		s.lastInfo.SetText(Tf("The late %s payment of %s was refunded to the customer.", channel, amount))
	case pos.NoticeLateRefundFailed:
		dialog.ShowInformation(T("Refund by hand"), Tf("%s refused to refund a late payment of %s (order %s). Return the money to the customer another way and note it.", channel, amount, p.ID), s.app.win)
	case pos.NoticeConflict:
		dialog.ShowInformation(T("Check this payment"), Tf("%s says payment %s of %s was paid, but the till had cancelled it. Nothing was booked: check it with the provider.", channel, p.ID, amount), s.app.win)
	}
}

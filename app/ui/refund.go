package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"zhanggui/app/ui/approve"
	"zhanggui/pos"
	"zhanggui/pos/money"
)

// RefundLister reads the refunds of a sale.
type RefundLister interface {
	Refunds(ctx context.Context, saleID string) ([]pos.Refund, error)
}

// refundDialog refunds part or all of one tender of the picked order.
type refundDialog struct {
	sale   *pos.Sale
	prior  []pos.Refund
	tender *widget.RadioGroup
	labels []string
	amount *widget.Entry
	reason *widget.Entry
	msg    *widget.Label
	ok     *widget.Button
	dlg    dialog.Dialog
	done   chan struct{} // closed when the refund has an outcome (tests wait on it)
}

// refundsText lists an order's refunds for its detail view.
func refundsText(rs []pos.Refund) string {
	if len(rs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n" + T("Refunds") + "\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "  %s %s %s %s\n", r.At.Format("01-02 15:04"), T(tenderNames[r.Kind]), r.Amount.Yuan(), T(refundStates[r.State]))
	}
	return b.String()
}

var refundStates = map[pos.RefundState]string{pos.RefundPending: "refund pending", pos.RefundDone: "refunded", pos.RefundFailed: "refund refused"}

// onRefund opens the refund dialog for the picked order.
func (s *ordersScreen) onRefund() {
	if s.picked == nil || s.app.deps.Payments == nil || s.app.deps.Refunds == nil {
		return
	}
	prior, err := s.app.deps.Refunds.Refunds(context.Background(), s.picked.ID)
	if err != nil {
		s.showError(err)
		return
	}
	d := &refundDialog{sale: s.picked, prior: prior, amount: widget.NewEntry(), reason: widget.NewEntry(),
		msg: widget.NewLabel(""), done: make(chan struct{})}
	for i, t := range d.sale.Tenders {
		d.labels = append(d.labels, Tf("%s %s (refundable %s)", T(tenderNames[t.Kind]), t.Amount.Yuan(),
			pos.Refundable(d.sale, i, prior).Yuan()))
	}
	d.tender = widget.NewRadioGroup(d.labels, func(string) {
		if i := d.index(); i >= 0 {
			d.amount.SetText(pos.Refundable(d.sale, i, d.prior).String())
		}
	})
	d.tender.SetSelected(d.labels[0])
	d.msg.Wrapping = fyne.TextWrapWord
	d.ok = widget.NewButton(T("Refund"), func() { s.runRefund(d) })
	d.ok.Importance = widget.DangerImportance
	form := widget.NewForm(widget.NewFormItem(T("Tender"), d.tender), widget.NewFormItem(T("Amount"), d.amount),
		widget.NewFormItem(T("Reason"), d.reason))
	d.dlg = dialog.NewCustomWithoutButtons(Tf("Refund order %s", d.sale.No), container.NewBorder(nil,
		container.NewVBox(d.msg, container.NewGridWithColumns(2, widget.NewButton(T("Close"), func() { d.dlg.Hide() }), d.ok)),
		nil, nil, form), s.app.win)
	d.dlg.Resize(fyne.NewSize(520, 360))
	s.refund = d
	d.dlg.Show()
}

func (d *refundDialog) index() int {
	for i, l := range d.labels {
		if l == d.tender.Selected {
			return i
		}
	}
	return -1
}

// runRefund refunds on a goroutine: a provider refund can take seconds.
func (s *ordersScreen) runRefund(d *refundDialog) {
	amount, err := money.Parse(strings.TrimSpace(d.amount.Text))
	if err != nil || d.index() < 0 {
		d.msg.SetText(T("Please check what was entered."))
		return
	}
	sale, i, reason := d.sale, d.index(), d.reason.Text
	acts := s.app.gate.Limits().RefundActions(pos.RefundIntent{Amount: amount, SaleAt: sale.At},
		s.app.deps.Now(), s.app.settings.Location())
	in := approve.Intent{Actions: acts, What: Tf("Refund of order %s", sale.No), Subject: "sale:" + sale.ID,
		Detail: sale.No + " · " + T(tenderNames[sale.Tenders[i].Kind]), Amount: amount}
	s.app.gated(in, func(pos.Staff) error { // the refund's store records it
		d.ok.Disable()
		d.msg.SetText(T("Refunding…"))
		go func() {
			r, err := s.app.deps.Payments.Refund(s.app.actx(), sale, i, amount, reason)
			fyne.Do(func() {
				s.showRefund(d, r, err)
				close(d.done)
			})
		}()
		return nil
	})
}

func (s *ordersScreen) showRefund(d *refundDialog, r pos.Refund, err error) {
	switch {
	case err != nil:
		s.app.deps.Log.Warn("refund", "sale", d.sale.No, "err", err)
		d.msg.SetText(cashierMessage(err))
		d.ok.Enable()
	case r.State == pos.RefundDone && r.Kind == pos.TenderCash:
		d.msg.SetText(Tf("Refunded %s: give the cash back from the drawer.", r.Amount.Yuan()))
	case r.State == pos.RefundDone:
		d.msg.SetText(Tf("Refunded %s to the customer's %s.", r.Amount.Yuan(), T(tenderNames[r.Kind])))
	case r.State == pos.RefundFailed:
		d.msg.SetText(T("Refund refused: ") + r.Reason)
		d.ok.Enable()
	default:
		d.msg.SetText(T("Refund sent; the answer is pending. The till keeps asking with the same refund number."))
	}
	s.open(d.sale)
}

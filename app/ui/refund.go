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
	// inCash gives a wallet or card tender back in cash (ActRefundOther);
	// hidden while the tender picked is cash.
	inCash *widget.Check
	// noReceipt: the order was found by searching (amount, date, part of
	// its number), not by its receipt's number scanned or typed in full
	// (无单退货, ActRefundNoReceipt).
	noReceipt bool
	msg       *widget.Label
	ok        *widget.Button
	dlg       dialog.Dialog
	done      chan struct{} // closed when the refund has an outcome (tests wait on it)
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
		msg: widget.NewLabel(""), done: make(chan struct{}), noReceipt: !s.byReceipt(s.picked)}
	d.inCash = widget.NewCheck(T("Give it back in cash from the drawer"), nil)
	for i, t := range d.sale.Tenders {
		d.labels = append(d.labels, Tf("%s %s (refundable %s)", T(tenderNames[t.Kind]), t.Amount.Yuan(),
			pos.Refundable(d.sale, i, prior).Yuan()))
	}
	d.tender = widget.NewRadioGroup(d.labels, func(string) {
		if i := d.index(); i >= 0 {
			d.amount.SetText(pos.Refundable(d.sale, i, d.prior).String())
			d.showInCash(d.sale.Tenders[i].Kind != pos.TenderCash)
		}
	})
	d.tender.SetSelected(d.labels[0])
	d.msg.Wrapping = fyne.TextWrapWord
	d.ok = widget.NewButton(T("Refund"), func() { s.runRefund(d) })
	d.ok.Importance = widget.DangerImportance
	form := widget.NewForm(widget.NewFormItem(T("Tender"), d.tender), widget.NewFormItem("", d.inCash),
		widget.NewFormItem(T("Amount"), d.amount), widget.NewFormItem(T("Reason"), d.reason))
	if d.noReceipt {
		form.Append(T("Receipt"), widget.NewLabel(T("Not shown (found by search): a refund without receipt")))
	}
	d.dlg = dialog.NewCustomWithoutButtons(Tf("Refund order %s", d.sale.No), container.NewBorder(nil,
		container.NewVBox(d.msg, container.NewGridWithColumns(2, widget.NewButton(T("Close"), func() { d.dlg.Hide() }), d.ok)),
		nil, nil, form), s.app.win)
	d.dlg.Resize(fyne.NewSize(520, 360))
	s.refund = d
	d.dlg.Show()
}

// showInCash offers the refund in cash for a tender that is not cash.
func (d *refundDialog) showInCash(show bool) {
	if show {
		d.inCash.Show()
		return
	}
	d.inCash.SetChecked(false)
	d.inCash.Hide()
}

// byReceipt tells whether sale was found by its receipt: the search field
// holds its whole order number, scanned from the receipt's QR code or
// typed from the paper. Any other way to it (the day's list, an amount, a
// part of the number) is a refund without receipt.
func (s *ordersScreen) byReceipt(sale *pos.Sale) bool {
	return sale != nil && strings.TrimSpace(s.search.Text) == sale.No
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
	inCash := d.inCash.Checked && sale.Tenders[i].Kind != pos.TenderCash
	acts := s.app.gate.Limits().RefundActions(pos.RefundIntent{Amount: amount, SaleAt: sale.At,
		Refunded:  pos.Refunded(sale, i, d.prior),
		NoReceipt: d.noReceipt, OtherTender: inCash}, s.app.deps.Now(), s.app.settings.Location())
	in := approve.Intent{Actions: acts, What: refundWhat(sale, d.noReceipt, inCash), Subject: "sale:" + sale.ID,
		Detail: sale.No + " · " + T(tenderNames[sale.Tenders[i].Kind]), Amount: amount}
	refund := s.app.deps.Payments.Refund
	if inCash {
		refund = s.app.deps.Payments.RefundInCash
	}
	s.app.gated(in, func(pos.Staff) error { // the refund's store records it
		d.ok.Disable()
		d.msg.SetText(T("Refunding…"))
		go func() {
			r, err := refund(s.app.actx(), sale, i, amount, reason)
			fyne.Do(func() {
				s.showRefund(d, r, err)
				close(d.done)
			})
		}()
		return nil
	})
}

// refundWhat names a refund for the approval sheet and a refusal.
func refundWhat(sale *pos.Sale, noReceipt, inCash bool) string {
	what := Tf("Refund of order %s", sale.No)
	if noReceipt {
		what += T(" without receipt")
	}
	if inCash {
		what += T(" in cash")
	}
	return what
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

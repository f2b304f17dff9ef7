package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"zhanggui/app/ui/approve"
	"zhanggui/pos"
)

// summaryHeads are the summary's columns, one row per channel.
var summaryHeads = []string{"Channel", "Count", "Gross", "Refunded", "Fees", "Net", "Expected settlement", "Differences"}

// summaryCols are the summary's column widths: the channel's name is long.
var summaryCols = columns{0.2, 0.14, 0.1, 0.1, 0.09, 0.09, 0.13, 0.15}

// fillSummary writes the per-channel table, a total row and the drawer.
func (s *accountingScreen) fillSummary() {
	var rows []fyne.CanvasObject
	var cells []fyne.CanvasObject
	cell := func(text string, bold bool, align fyne.TextAlign) {
		l := widget.NewLabel(text)
		l.TextStyle.Bold, l.Alignment, l.Truncation = bold, align, fyne.TextTruncateEllipsis
		if cells = append(cells, l); len(cells) == len(summaryCols) {
			rows, cells = append(rows, container.New(summaryCols, cells...)), nil
		}
	}
	for i, h := range summaryHeads {
		cell(T(h), true, alignOf(i))
	}
	for _, o := range rows[0].(*fyne.Container).Objects {
		wrapCaptions(o.(*widget.Label))
	}
	var tot ReconSummary
	for _, c := range s.result.Channels {
		s.summaryRow(cell, &c, false)
		tot.Payments, tot.Refunds, tot.Gross, tot.Refunded = tot.Payments+c.Payments, tot.Refunds+c.Refunds,
			tot.Gross+c.Gross, tot.Refunded+c.Refunded
		tot.Fees, tot.Expected = tot.Fees+c.Fees, tot.Expected+c.Expected
		tot.Differences, tot.Open, tot.HaveBill = tot.Differences+c.Differences, tot.Open+c.Open, true
	}
	tot.Name = T("Total")
	s.summaryRow(cell, &tot, true)
	s.summary.Objects = rows
	s.relayout()
	r := s.result
	s.cash.SetText(cashLine(&r))
	s.count.SetText(Tf("Differences: %d, not resolved: %d", len(r.Differences), s.openCount()))
}

// relayout lays the screen out again: the summary's rows and the
// progress bar change the top's height and width.
func (s *accountingScreen) relayout() {
	if s.content != nil {
		s.content.Refresh()
	}
}

// alignOf right-aligns the figures.
func alignOf(col int) fyne.TextAlign {
	if col == 0 {
		return fyne.TextAlignLeading
	}
	return fyne.TextAlignTrailing
}

// summaryRow adds one channel's cells.
func (s *accountingScreen) summaryRow(cell func(string, bool, fyne.TextAlign), c *ReconSummary, bold bool) {
	name := c.Name
	if c.FeeRateBP > 0 && !bold {
		name += " (" + pos.BasisPoints(c.FeeRateBP).String() + "%)"
	}
	diff := "0"
	if c.Differences > 0 {
		diff = Tf("%d (%d open)", c.Differences, c.Open)
	}
	cells := []string{name, Tf("%d + %d refunds", c.Payments, c.Refunds), c.Gross.Yuan(), c.Refunded.Yuan(),
		c.Fees.Yuan(), c.Net().Yuan(), c.Expected.Yuan(), diff}
	if !c.HaveBill {
		cells[1], cells[2], cells[3], cells[4], cells[5] = T("no bill"), "—", "—", "—", "—"
	}
	for i, t := range cells {
		cell(t, bold, alignOf(i))
	}
}

// updateRow fills one line of the differences list.
func (s *accountingScreen) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(s.result.Differences) {
		return
	}
	d := &s.result.Differences[i]
	mark, order, amount, done := "", d.SaleNo, d.BillAmount, T("open")
	if d.Urgent {
		mark = "!"
	}
	if order == "" {
		order = d.OutTradeNo
	}
	if !d.OnBill {
		amount = d.TillAmount
	}
	if d.Resolution != nil {
		done = Tf("resolved by %s", d.Resolution.Who)
	}
	c := o.(*fyne.Container)
	for j, text := range []string{mark, d.Status, d.Channel, order, amount.Yuan(), done} {
		l := c.Objects[j].(*widget.Label)
		l.SetText(text)
		if j <= 1 && d.Urgent && d.Resolution == nil {
			l.Importance = widget.DangerImportance
		} else {
			l.Importance = widget.MediumImportance
		}
		l.Refresh()
	}
}

// open shows difference i: what it is, what to do, and the order behind it.
func (s *accountingScreen) open(i int) {
	if i < 0 || i >= len(s.result.Differences) {
		return
	}
	s.picked = i
	d := &s.result.Differences[i]
	var b strings.Builder
	s.writeDifference(&b, d)
	s.writeOrder(&b, d)
	s.detail.SetText(b.String())
	s.note.SetText("")
	s.msg.SetText("")
	s.resolve.Enable()
	if d.Resolution != nil {
		s.resolve.Disable()
	}
}

// writeDifference writes the difference's facts.
func (s *accountingScreen) writeDifference(b *strings.Builder, d *ReconItem) {
	loc := s.app.settings.Location()
	urgent := ""
	if d.Urgent {
		urgent = " " + T("(urgent)")
	}
	fmt.Fprintf(b, "%s%s\n", d.Status, urgent)
	if d.Action != "" {
		fmt.Fprintf(b, "%s %s\n", T("What to do:"), d.Action)
	}
	fmt.Fprintf(b, "\n%s %s", T("Channel:"), d.Channel)
	if d.Kind != "" {
		fmt.Fprintf(b, " · %s", d.Kind)
	}
	if !d.At.IsZero() {
		fmt.Fprintf(b, " · %s", d.At.In(loc).Format("2006-01-02 15:04:05"))
	}
	b.WriteString("\n")
	fmt.Fprintf(b, "%s %s\n", T("Order number (out_trade_no):"), d.OutTradeNo)
	if d.OutRefundNo != "" {
		fmt.Fprintf(b, "%s %s\n", T("Refund number:"), d.OutRefundNo)
	}
	if d.TradeNo != "" {
		fmt.Fprintf(b, "%s %s\n", T("Provider's trade number:"), d.TradeNo)
	}
	switch {
	case d.OnBill && (d.BillFee != 0 || d.ExpectedFee != 0):
		fmt.Fprintf(b, "%s %s · %s %s (%s %s)\n", T("On the bill:"), d.BillAmount.Yuan(), T("fee"), d.BillFee.Yuan(),
			T("at the rate"), d.ExpectedFee.Yuan())
	case d.OnBill:
		fmt.Fprintf(b, "%s %s\n", T("On the bill:"), d.BillAmount.Yuan())
	default:
		fmt.Fprintln(b, T("Not on the provider's bill."))
	}
	if d.InTill {
		fmt.Fprintf(b, "%s %s\n", T("In the till:"), d.TillAmount.Yuan())
	} else {
		fmt.Fprintln(b, T("The till has no record of it."))
	}
	if r := d.Resolution; r != nil {
		fmt.Fprintf(b, "\n%s\n", Tf("Resolved by %s at %s: %s", r.Who, r.At.In(loc).Format("2006-01-02 15:04"), r.Note))
	}
}

// writeOrder writes the sale (as the orders screen shows it: the receipt
// and its refunds) and every payment attempt with its state history.
func (s *accountingScreen) writeOrder(b *strings.Builder, d *ReconItem) {
	ctx := context.Background()
	b.WriteString("\n")
	var sale *pos.Sale
	if d.SaleNo != "" && s.deps.SaleByNo != nil {
		var err error
		if sale, err = s.deps.SaleByNo(ctx, d.SaleNo); err != nil {
			s.showError(err)
		}
	}
	if sale == nil {
		fmt.Fprintln(b, T("No completed sale in the till for this payment."))
	} else {
		b.WriteString(receiptText(sale, s.app.settings))
		if s.app.deps.Refunds != nil {
			rs, err := s.app.deps.Refunds.Refunds(ctx, sale.ID)
			s.showError(err)
			b.WriteString(refundsText(rs))
		}
	}
	s.writePayments(b, sale, d.OutTradeNo)
}

// writePayments lists the sale's payment attempts, or the one the bill
// names when there is no sale.
func (s *accountingScreen) writePayments(b *strings.Builder, sale *pos.Sale, outTradeNo string) {
	store := s.app.deps.PaymentStore
	if store == nil {
		return
	}
	ctx := context.Background()
	var ps []pos.Payment
	var err error
	if sale != nil {
		ps, err = store.PaymentsForSale(ctx, sale.ID)
	} else if p, e := store.Payment(ctx, outTradeNo); e == nil {
		ps = []pos.Payment{p}
	} else if pos.ErrorCode(e) != pos.CodeNotFound {
		err = e
	}
	s.showError(err)
	if len(ps) == 0 {
		fmt.Fprintf(b, "\n%s\n", T("The till never started a payment with this number."))
		return
	}
	fmt.Fprintf(b, "\n%s\n", T("Payment history"))
	loc := s.app.settings.Location()
	for _, p := range ps {
		fmt.Fprintf(b, "  %s %s %s %s · %s\n", p.Created.In(loc).Format("01-02 15:04:05"), p.ID, p.Amount.Yuan(),
			T(stateNames[p.State]), p.Reason)
		if s.deps.PaymentHistory != nil {
			hist, err := s.deps.PaymentHistory(ctx, p.ID)
			s.showError(err)
			var names []string
			for _, st := range hist {
				names = append(names, T(stateNames[st]))
			}
			if len(names) > 0 {
				fmt.Fprintf(b, "    %s\n", strings.Join(names, " → "))
			}
		}
	}
}

// onResolve notes the picked difference as resolved by the cashier on
// duty, with the reason typed.
func (s *accountingScreen) onResolve() {
	if s.picked < 0 || s.deps.Resolve == nil {
		return
	}
	note := strings.TrimSpace(s.note.Text)
	if note == "" {
		s.msg.SetText(T("Write why the difference is resolved first."))
		return
	}
	d := &s.result.Differences[s.picked]
	in := approve.Intent{Actions: []pos.Action{pos.ActResolvePayment}, What: T("Resolve a difference by hand"),
		Subject: "difference:" + d.Key, Detail: d.Channel + " " + d.OutTradeNo, Amount: cmp.Or(d.TillAmount, d.BillAmount), Audit: pos.AuditPayment,
		Data: map[string]any{"resolved": note}}
	s.app.gated(in, func(pos.Staff) error { return s.resolve1(d, note) })
}

// resolve1 notes d as resolved with note.
func (s *accountingScreen) resolve1(d *ReconItem, note string) error {
	res, err := s.deps.Resolve(context.Background(), d.Key, s.app.cashier.Name, note)
	if err != nil {
		s.showError(err)
		return err
	}
	d.Resolution = &res
	for i := range s.result.Channels {
		if c := &s.result.Channels[i]; c.Name == d.Channel && c.Open > 0 {
			c.Open--
		}
	}
	picked := s.picked
	s.fillSummary()
	s.list.RefreshItem(picked)
	s.open(picked)
	s.status.SetText(s.statusText())
	s.msg.SetText(T("Marked resolved."))
	return nil
}

// accountingMessage is what the accountant reads about err: plain words,
// what happened and what to do.
func accountingMessage(err error) string {
	var be *BillFileError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &be):
		return billFileMessage(be)
	case errors.Is(err, ErrBillNoDay):
		return T("The file does not say which day it is for: set “From” to that day and import it again.")
	case errors.Is(err, errBadDay):
		return T("Type the days as YYYY-MM-DD, e.g. 2026-11-25.")
	case errors.Is(err, errDayOrder):
		return T("The last day is before the first.")
	case errors.Is(err, errTooManyDays):
		return Tf("Reconcile at most %d days at a time.", maxReconDays)
	case errors.Is(err, errFutureDay):
		return T("That day has not come yet.")
	}
	switch pos.ErrorCode(err) {
	case pos.CodeNotFound:
		return T("No bill yet: providers make a day's bill the next morning (WeChat Pay after 10:00). Try again later.")
	case pos.CodeUnavailable:
		return T("The provider could not be reached. Check the network and try again later.")
	case pos.CodeInvalid:
		return T("The bill or the request was refused as invalid. Check the file and the provider chosen.")
	case pos.CodeConflict:
		return T("This conflicts with an earlier record. Call the owner.")
	}
	return T("Something went wrong. The details are in the log.")
}

// billFileMessage lists a refused bill's bad lines.
func billFileMessage(be *BillFileError) string {
	var b strings.Builder
	b.WriteString(Tf("The bill file has %d problems and was not imported:", len(be.Lines)+be.More))
	for _, l := range be.Lines {
		b.WriteString("\n  " + l)
	}
	if be.More > 0 {
		b.WriteString("\n  " + Tf("…and %d more", be.More))
	}
	return b.String()
}

// cashLine is the drawer's line: the ledger's cash in, out and expected,
// and what the closed shifts counted (beyond their floats).
func cashLine(r *ReconResult) string {
	in, out, exp := r.CashIn.Yuan(), r.CashOut.Yuan(), (r.CashIn - r.CashOut).Yuan()
	if r.Counted == nil {
		return Tf("Cash drawer: in %s · out %s · expected in the drawer %s · not counted (no shift closed)", in, out, exp)
	}
	return Tf("Cash drawer: in %s · out %s · expected in the drawer %s · counted at shift close %s (less the floats) · difference %s",
		in, out, exp, r.Counted.Yuan(), (*r.Counted - (r.CashIn - r.CashOut)).Yuan())
}

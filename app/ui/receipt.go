package ui

import (
	"zhanggui/hardware/printer"
	"zhanggui/pos"
)

// tenderNames are the receipt's words for each way to pay.
var tenderNames = map[pos.TenderKind]string{
	pos.TenderCash: "Cash", pos.TenderAlipay: "Alipay", pos.TenderWechat: "WeChat Pay",
	pos.TenderUnionPay: "UnionPay", pos.TenderECNY: "e-CNY", pos.TenderCard: "Bank card",
	pos.TenderStoredValue: "Stored value",
}

// receiptDoc lays out a sale as a receipt: shop header, lines, totals,
// tenders, change, order number, time, cashier and a QR of the order number.
func receiptDoc(s *pos.Sale, st pos.Settings) printer.Doc {
	d := printer.Doc{
		Training: s.Training, Shop: st.ShopName, Address: st.Address, TaxNo: st.TaxNo,
		Title: T("Sales receipt"), QR: s.No, Cut: true,
	}
	if st.ReceiptHeader != "" {
		d.Header = []string{st.ReceiptHeader}
	}
	if st.ReceiptFooter != "" {
		d.Footer = []string{st.ReceiptFooter}
	}
	d.Meta = []printer.Row{
		{Label: T("Order no."), Value: s.No},
		{Label: T("Time"), Value: s.At.In(st.Location()).Format("2006-01-02 15:04:05")},
		{Label: T("Cashier"), Value: s.Cashier},
	}
	for _, l := range s.Lines {
		d.Lines = append(d.Lines, printer.Line{Name: l.Name, Qty: l.Qty.String(), Price: l.UnitPrice.String(), Amount: l.Gross.String()})
		if l.OldPrice > 0 { // a price set by hand: the catalogue's under it (no ¥: GBK-only printers lack it)
			d.Lines = append(d.Lines, printer.Line{Name: Tf("  Old price %s", l.OldPrice.String())})
		}
	}
	d.Totals = append(d.Totals, printer.Row{Label: T("Subtotal"), Value: s.Subtotal.String()})
	if s.Discount > 0 {
		d.Totals = append(d.Totals, printer.Row{Label: T("Discount"), Value: "-" + s.Discount.String()})
	}
	if s.Rounding > 0 {
		d.Totals = append(d.Totals, printer.Row{Label: T("Rounding"), Value: "-" + s.Rounding.String()})
	}
	d.Totals = append(d.Totals, printer.Row{Label: T("Total"), Value: s.Total.String(), Bold: true}) // no ¥: GBK-only printers lack it
	for _, t := range s.Tenders {
		amount := t.Amount
		if t.Kind == pos.TenderCash {
			amount = t.Received
		}
		d.Tenders = append(d.Tenders, printer.Row{Label: T(tenderNames[t.Kind]), Value: amount.String()})
		if t.Ref != "" {
			d.Tenders = append(d.Tenders, printer.Row{Label: "", Value: tenderRef(t)})
		}
	}
	if c := s.Change(); c > 0 {
		d.Tenders = append(d.Tenders, printer.Row{Label: T("Change"), Value: c.String()})
	}
	return d
}

// receiptText is the on-screen preview: the same layout as the paper.
func receiptText(s *pos.Sale, st pos.Settings) string {
	return printer.EncodeText(receiptDoc(s, st), printer.Width(st.PaperWidth))
}

// printSaleReceipt queues the receipt of a sale just paid, kicking the
// drawer first when cash was taken. Only here: a reprint never opens the
// drawer (that is ActDrawer's, see openDrawer).
func (a *App) printSaleReceipt(s *pos.Sale) error {
	return a.printSale(s, paidCash(s))
}

// printReceipt queues the sale's receipt again, without the drawer. The
// sale is already saved: a printer that is off or out of paper never loses
// it; the cashier reprints.
func (a *App) printReceipt(s *pos.Sale) error {
	return a.printSale(s, false)
}

// paidCash tells whether any of s's tenders is cash.
func paidCash(s *pos.Sale) bool {
	for _, t := range s.Tenders {
		if t.Kind == pos.TenderCash {
			return true
		}
	}
	return false
}

// printSale encodes s's receipt and queues it, the drawer pulsed first when
// drawer is set.
func (a *App) printSale(s *pos.Sale, drawer bool) error {
	if a.printer == nil {
		return nil
	}
	d := receiptDoc(s, a.settings)
	d.OpenDrawer = drawer
	job, err := printer.Encode(d, printer.Width(a.settings.PaperWidth))
	if err != nil {
		return pos.Errorf(pos.CodeInternal, "ui: encode receipt %s: %w", s.No, err)
	}
	a.printer.Submit(job)
	return nil
}

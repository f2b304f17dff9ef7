package shift

import (
	"encoding/hex"
	"fmt"
	"strings"

	"zhanggui/app/ui/kit"
	"zhanggui/hardware/printer"
	"zhanggui/pos"
	"zhanggui/pos/money"
)

// T and Tf speak the till's language.
var T, Tf = kit.T, kit.Tf

// tenderNames are the slip's words for each way to pay.
var tenderNames = map[pos.TenderKind]string{
	pos.TenderCash: "Cash", pos.TenderAlipay: "Alipay", pos.TenderWechat: "WeChat Pay",
	pos.TenderUnionPay: "UnionPay", pos.TenderECNY: "e-CNY", pos.TenderCard: "Bank card",
	pos.TenderStoredValue: "Stored value",
}

// Head is the audit chain's head as a slip prints it: its sequence and
// the first 16 hex digits of its hash, "SEQ:HEX" (what `zhanggui audit
// verify --slip` takes).
func Head(seq int64, hash []byte) string {
	h := hex.EncodeToString(hash)
	return fmt.Sprintf("%d:%s", seq, h[:min(16, len(h))])
}

// denomName is a denomination as a cashier says it: 100元, 5角.
func denomName(d money.Fen) string {
	if d >= 100 {
		return Tf("%d yuan", int64(d/100))
	}
	return Tf("%d jiao", int64(d/10))
}

// slip is what a 交班单, an X report or a Z report is made of.
type slip struct {
	title  string
	shift  pos.Shift
	f      pos.ShiftFigures
	head   string // the audit head, "SEQ:HEX"
	full   bool   // show the expected cash and over/short; false: the cashier's blind copy
	closed bool
}

// doc lays the slip out for the receipt printer (and its preview).
func (s slip) doc(st pos.Settings) printer.Doc {
	loc := st.Location()
	d := printer.Doc{Training: st.Demo, Shop: st.ShopName, Title: s.title, Cut: true}
	d.Meta = []printer.Row{
		{Label: T("Till"), Value: st.StoreCode + "-" + st.TillCode},
		{Label: T("Shift no."), Value: fmt.Sprint(s.shift.No)},
		{Label: T("Cashier"), Value: s.shift.Cashier},
		{Label: T("Opened"), Value: s.shift.OpenedAt.In(loc).Format("2006-01-02 15:04")},
	}
	if s.closed {
		d.Meta = append(d.Meta, printer.Row{Label: T("Closed"), Value: s.shift.ClosedAt.In(loc).Format("2006-01-02 15:04")},
			printer.Row{Label: T("Closed by"), Value: s.shift.ClosedBy})
	}
	d.Meta = append(d.Meta, printer.Row{Label: T("Float"), Value: s.f.Float.String()})
	d.Totals = s.countRows()
	d.Tenders = append(tenderRows(s.f), s.otherRows()...)
	if s.head != "" {
		d.Footer = []string{T("Audit chain head") + " " + s.head}
		d.QR = s.head
	}
	return d
}

// countRows are the count by denomination and, on a full copy, what the
// drawer should hold and the difference.
func (s slip) countRows() []printer.Row {
	var rows []printer.Row
	if s.closed {
		for _, d := range pos.Denominations {
			if n := s.shift.Counted[d]; n > 0 {
				rows = append(rows, printer.Row{Label: fmt.Sprintf("%s × %d", denomName(d), n), Value: (d * money.Fen(n)).String()})
			}
		}
		rows = append(rows, printer.Row{Label: T("Counted cash"), Value: s.shift.Counted.Total().String(), Bold: true})
	}
	if !s.full {
		return rows
	}
	exp := s.f.Expected()
	if s.closed {
		exp = s.shift.Expected
	}
	rows = append(rows, printer.Row{Label: T("Expected cash"), Value: exp.String()})
	if s.closed {
		rows = append(rows, printer.Row{Label: overShortLabel(s.shift.OverShort), Value: s.shift.OverShort.String(), Bold: true})
		if s.shift.Recounts > 0 {
			rows = append(rows, printer.Row{Label: T("Recounted"), Value: T("yes")})
		}
		if s.shift.Reason != "" {
			rows = append(rows, printer.Row{Label: T("Reason"), Value: s.shift.Reason})
		}
	}
	return rows
}

// overShortLabel names a difference: 长款 when over, 短款 when short.
func overShortLabel(d money.Fen) string {
	switch {
	case d > 0:
		return T("Over (长款)")
	case d < 0:
		return T("Short (短款)")
	}
	return T("Over/short")
}

// tenderRows are each tender's sales, refunds and net.
func tenderRows(f pos.ShiftFigures) []printer.Row {
	var rows []printer.Row
	for _, k := range f.Tenders() {
		tf := f.ByTender[k]
		name := T(tenderNames[k])
		rows = append(rows,
			printer.Row{Label: Tf("%s sales (%d)", name, tf.SaleCount), Value: tf.Sales.String()},
			printer.Row{Label: Tf("%s refunds (%d)", name, tf.RefundCount), Value: (-tf.Refunds).String()},
			printer.Row{Label: Tf("%s net", name), Value: tf.Net().String(), Bold: true})
	}
	return rows
}

// otherRows are the shift's other figures: discounts, voids, cash moves,
// drawer opens, reprints, approvals, payments settled from 待确认.
func (s slip) otherRows() []printer.Row {
	f := s.f
	n := func(label string, v int) printer.Row { return printer.Row{Label: T(label), Value: fmt.Sprint(v)} }
	m := func(label string, v money.Fen) printer.Row { return printer.Row{Label: T(label), Value: v.String()} }
	return []printer.Row{
		n("Sales", f.Sales), m("Discounts", f.Discounts), n("Voids", f.Voids),
		m("Paid in", f.PaidIn), m("Paid out", f.PaidOut), m("Drops", f.Drops),
		n("Drawer opens", f.DrawerOpens), n("Reprints", f.Reprints), n("Approvals", f.Approvals),
		n("Resolved from 待确认", f.Resolved),
	}
}

// zDoc lays out a Z report.
func zDoc(z pos.ZReport, head string, st pos.Settings) printer.Doc {
	d := printer.Doc{Training: st.Demo, Shop: st.ShopName, Title: Tf("Z report no. %d (日结)", z.No), Cut: true}
	nos := make([]string, len(z.ShiftNos))
	for i, n := range z.ShiftNos {
		nos[i] = fmt.Sprint(n)
	}
	d.Meta = []printer.Row{
		{Label: T("Till"), Value: z.Till},
		{Label: T("Business day"), Value: z.Day.Format("2006-01-02")},
		{Label: T("Time"), Value: z.At.In(st.Location()).Format("2006-01-02 15:04")},
		{Label: T("By"), Value: z.By},
		{Label: T("Shifts"), Value: strings.Join(nos, ", ")},
	}
	d.Tenders = tenderRows(pos.ShiftFigures{ByTender: z.ByTender})
	d.Totals = []printer.Row{
		{Label: T("Sales"), Value: fmt.Sprint(z.Sales)},
		{Label: T("Net takings"), Value: z.Net.String(), Bold: true},
		{Label: T("Over/short"), Value: z.OverShort.String()},
		{Label: T("Grand total"), Value: z.GrandTotal.String(), Bold: true},
	}
	if head != "" {
		d.Footer, d.QR = []string{T("Audit chain head") + " " + head}, head
	}
	return d
}

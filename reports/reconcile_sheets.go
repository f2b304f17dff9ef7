package reports

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"zhanggui/pos/money"
)

// The streamed sheets (明细, 差异) and the fee and cash sheets.

var detailCols = []reconCol{
	{"日期", "Day", 11}, {"渠道", "Channel", 14}, {"类型", "Kind", 8}, {"商户订单号", "Out trade no", 34},
	{"退款单号", "Out refund no", 34}, {"渠道交易号", "Provider trade no", 30}, {"订单编号", "Sale no", 22},
	{"时间", "Time", 19}, {"订单金额", "Order amount", 13}, {"应结金额", "Settled amount", 13},
	{"代金券", "Coupon", 11}, {"收银金额", "Till amount", 13},
	{"账单手续费", "Bill fee", 11}, {"预计手续费", "Expected fee", 11}, {"状态", "Status", 24},
}

var diffCols = []reconCol{
	{"日期", "Day", 11}, {"渠道", "Channel", 14}, {"类型", "Kind", 8}, {"商户订单号", "Out trade no", 34},
	{"退款单号", "Out refund no", 34}, {"订单编号", "Sale no", 22}, {"时间", "Time", 19},
	{"账单金额", "Bill amount", 13}, {"收银金额", "Till amount", 13}, {"差额", "Difference", 13},
	{"状态", "Status", 24}, {"紧急", "Urgent", 6}, {"建议处理", "Suggested action", 60}, {"差异编号", "Difference key", 44},
	{"处理人", "Resolved by", 10}, {"处理时间", "Resolved at", 19}, {"说明", "Note", 40},
}

// rowWriter streams rows into one sheet, reusing its cells.
type rowWriter struct {
	sw    *excelize.StreamWriter
	cells []excelize.Cell
	vals  []any
	row   int // the last row written
}

// newRowWriter starts a streamed sheet: widths, frozen header, header row.
func newRowWriter(f *excelize.File, sheet string, cols []reconCol, l reconLocale, st reconStyles) (*rowWriter, error) {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return nil, err
		}
	}
	err = sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}})
	if err != nil {
		return nil, err
	}
	if err := sw.SetRow("A1", l.head(cols, st.header), excelize.RowOpts{Height: 20}); err != nil {
		return nil, err
	}
	w := &rowWriter{sw: sw, cells: make([]excelize.Cell, len(cols)), vals: make([]any, len(cols)), row: 1}
	for i := range w.cells {
		w.vals[i] = &w.cells[i]
	}
	return w, nil
}

// put sets cell i of the next row.
func (w *rowWriter) put(i int, v any, style int) {
	w.cells[i] = excelize.Cell{StyleID: style, Value: v}
}

// yuan puts an amount, or a blank when the side has none.
func (w *rowWriter) yuan(i int, f money.Fen, has bool, style int) {
	if has {
		w.put(i, yuanCell(f), style)
	} else {
		w.put(i, nil, style)
	}
}

// flush writes the row put so far.
func (w *rowWriter) flush() error {
	w.row++
	return w.sw.SetRow(cell(1, w.row), w.vals)
}

// finish adds the filter over header and rows and ends the sheet. The
// filter is set on the worksheet the stream writer shares until Flush,
// which writes it after the rows.
func (w *rowWriter) finish(f *excelize.File, sheet string) error {
	if err := f.AutoFilter(sheet, "A1:"+cell(len(w.cells), max(w.row, 2)), nil); err != nil {
		return err
	}
	return w.sw.Flush()
}

// writeReconDetails streams 明细: every transaction and its status.
func writeReconDetails(f *excelize.File, r *Reconciliation, l reconLocale, st reconStyles) error {
	w, err := newRowWriter(f, l.sheets[1], detailCols, l, st)
	if err != nil {
		return err
	}
	for x := range r.Rows {
		w.put(0, excelTime(x.Day), st.day)
		w.put(1, x.Channel, 0)
		w.put(2, x.Kind, 0)
		w.put(3, x.OutTradeNo, st.text)
		w.put(4, x.OutRefundNo, st.text)
		w.put(5, x.TradeNo, st.text)
		w.put(6, x.SaleNo, st.text)
		w.put(7, excelTime(x.At), st.when)
		w.yuan(8, x.BillAmount, x.OnBill, st.yuan)
		w.yuan(9, x.BillAmount-x.BillUnsettled, x.OnBill, st.yuan)
		w.yuan(10, x.BillCoupon, x.OnBill, st.yuan)
		w.yuan(11, x.TillAmount, x.InTill, st.yuan)
		w.yuan(12, x.BillFee, x.OnBill, st.yuan)
		w.put(13, yuanCell(x.ExpectedFee), st.yuan)
		w.put(14, x.Status, statusStyle(x, st))
		if err := w.flush(); err != nil {
			return err
		}
	}
	return w.finish(f, l.sheets[1])
}

func statusStyle(x ReconRow, st reconStyles) int {
	if x.Urgent {
		return st.urgent
	}
	return 0
}

// writeReconDiffs streams 差异: the differences, what to do about each,
// and who resolved it.
func writeReconDiffs(f *excelize.File, r *Reconciliation, l reconLocale, st reconStyles) error {
	w, err := newRowWriter(f, l.sheets[2], diffCols, l, st)
	if err != nil {
		return err
	}
	for x := range r.Rows {
		if !x.Difference {
			continue
		}
		n := fmt.Sprint(w.row + 1)
		w.put(0, excelTime(x.Day), st.day)
		w.put(1, x.Channel, 0)
		w.put(2, x.Kind, 0)
		w.put(3, x.OutTradeNo, st.text)
		w.put(4, x.OutRefundNo, st.text)
		w.put(5, x.SaleNo, st.text)
		w.put(6, excelTime(x.At), st.when)
		w.yuan(7, x.BillAmount, x.OnBill, st.yuan)
		w.yuan(8, x.TillAmount, x.InTill, st.yuan)
		w.cells[9] = excelize.Cell{StyleID: st.yuan, Formula: "H" + n + "-I" + n, Value: yuanCell(diffAmount(x))}
		w.put(10, x.Status, statusStyle(x, st))
		w.put(11, pick(x.Urgent, l.yes, ""), statusStyle(x, st))
		w.put(12, x.Action, 0)
		w.put(13, x.Key, st.text)
		w.put(14, x.ResolvedBy, 0)
		w.put(15, nil, 0)
		if x.ResolvedBy != "" {
			w.put(15, excelTime(x.ResolvedAt), st.when)
		}
		w.put(16, x.Note, 0)
		if err := w.flush(); err != nil {
			return err
		}
	}
	return w.finish(f, l.sheets[2])
}

// diffAmount is the bill's amount less the till's, a missing side as 0.
func diffAmount(x ReconRow) money.Fen {
	var d money.Fen
	if x.OnBill {
		d += x.BillAmount
	}
	if x.InTill {
		d -= x.TillAmount
	}
	return d
}

var feeCols = []reconCol{
	{"渠道", "Channel", 24}, {"签约费率", "Contracted rate", 10}, {"收款笔数", "Payments", 10}, {"交易额", "Gross", 16},
	{"收取手续费", "Fees charged", 14}, {"退还手续费", "Fees returned", 14}, {"净手续费", "Net fees", 14},
	{"按费率预计", "Expected at the rate", 16}, {"差额", "Difference", 14},
}

// writeReconFees writes 手续费: per channel the bill's fees against the
// contracted rate's, with totals, then the transactions whose fee differs.
func writeReconFees(f *excelize.File, r *Reconciliation, l reconLocale, st reconStyles) error {
	s := newSmallSheet(f, l.sheets[3], l, feeCols, l.sheets[3]+"  "+r.period(), st)
	var charged, returned, expected money.Fen
	var pays int
	for _, c := range r.Channels {
		n := fmt.Sprint(s.row + 1)
		net := c.FeesCharged - c.FeesReturned
		s.line(c.Name, sc(float64(c.FeeRateBP)/10000, st.rate), c.Payments, yc(c.Gross, st.yuan),
			yc(c.FeesCharged, st.yuan), yc(c.FeesReturned, st.yuan), fc("E"+n+"-F"+n, yuanCell(net), st.yuan),
			yc(c.ExpectedFees, st.yuan), fc("G"+n+"-H"+n, yuanCell(net-c.ExpectedFees), st.yuan))
		charged, returned, expected, pays = charged+c.FeesCharged, returned+c.FeesReturned, expected+c.ExpectedFees, pays+c.Payments
	}
	last := s.row
	s.filter(len(feeCols), last)
	s.line(sc(l.total, st.total), sc("", st.total), fc(sumOver(3, last), pays, st.total), sc("", st.total),
		fc(sumOver(5, last), yuanCell(charged), st.yuanBold), fc(sumOver(6, last), yuanCell(returned), st.yuanBold),
		fc(sumOver(7, last), yuanCell(charged-returned), st.yuanBold), fc(sumOver(8, last), yuanCell(expected), st.yuanBold),
		fc(sumOver(9, last), yuanCell(charged-returned-expected), st.yuanBold))
	s.row += 2
	feeMismatches(s, r, l, st)
	return s.close()
}

// feeMismatches lists the rows whose fee differs, under a heading.
func feeMismatches(s *smallSheet, r *Reconciliation, l reconLocale, st reconStyles) {
	s.line(sc(l.feeMismatches, st.title))
	head := []reconCol{{"渠道", "Channel", 0}, {"商户订单号", "Out trade no", 0}, {"退款单号", "Out refund no", 0},
		{"账单金额", "Bill amount", 0}, {"账单手续费", "Bill fee", 0}, {"预计手续费", "Expected fee", 0}, {"差额", "Difference", 0}}
	s.line(l.head(head, st.header)...)
	for x := range r.Rows {
		if !x.FeeDiffers || s.err != nil {
			continue
		}
		n := fmt.Sprint(s.row + 1)
		s.line(x.Channel, sc(x.OutTradeNo, st.text), sc(x.OutRefundNo, st.text), yc(x.BillAmount, st.yuan),
			yc(x.BillFee, st.yuan), yc(x.ExpectedFee, st.yuan), fc("E"+n+"-F"+n, yuanCell(x.BillFee-x.ExpectedFee), st.yuan))
	}
}

var cashCols = []reconCol{
	{"日期", "Day", 12}, {"现金收入", "Cash in", 16}, {"现金支出", "Cash out", 16}, {"应有现金", "Expected in drawer", 18},
	{"实点现金", "Counted", 16}, {"差额", "Difference", 14},
}

// writeReconCash writes 现金: per day the drawer's takings and payouts by
// the ledger and the cash expected; counted cash waits for shifts.
func writeReconCash(f *excelize.File, r *Reconciliation, l reconLocale, st reconStyles) error {
	s := newSmallSheet(f, l.sheets[4], l, cashCols, l.sheets[4]+"  "+r.period(), st)
	var in, out money.Fen
	for _, d := range r.Cash {
		n := fmt.Sprint(s.row + 1)
		cells := []any{sc(excelTime(d.Day), st.day), yc(d.In, st.yuan), yc(d.Out, st.yuan),
			fc("B"+n+"-C"+n, yuanCell(d.In-d.Out), st.yuan), l.notCounted}
		if d.Counted != nil {
			cells[4] = yc(*d.Counted, st.yuan)
			cells = append(cells, fc("E"+n+"-D"+n, yuanCell(*d.Counted-(d.In-d.Out)), st.yuan))
		}
		s.line(cells...)
		in, out = in+d.In, out+d.Out
	}
	last := s.row
	s.filter(len(cashCols), last)
	s.line(sc(l.total, st.total), fc(sumOver(2, last), yuanCell(in), st.yuanBold),
		fc(sumOver(3, last), yuanCell(out), st.yuanBold), fc(sumOver(4, last), yuanCell(in-out), st.yuanBold))
	s.row++
	s.line(l.countedNote)
	return s.close()
}

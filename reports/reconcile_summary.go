package reports

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"zhanggui/pos/money"
)

// The small sheets, written cell by cell: 汇总 (with its chart), 手续费 and
// 现金. Every total is a formula with its value cached beside it, so a
// program that does not recalculate shows the same figure; tests check
// that the formula recomputes to the Go sum.

// The first rows of a small sheet: a title line, a blank, the header.
const (
	smallTitleRow  = 1
	smallHeaderRow = 3
	smallFirstRow  = 4
)

var summaryCols = []reconCol{
	{"渠道", "Channel", 24}, {"收款笔数", "Payments", 10}, {"退款笔数", "Refunds", 10},
	{"交易额", "Gross", 16}, {"退款", "Refunded", 14}, {"手续费", "Fees", 12},
	{"免充值券（不结算）", "Merchant coupons (not settled)", 14}, {"净额", "Net takings", 16}, {"预计结算", "Expected settlement", 16}, {"收银机应收", "Till expects", 16},
	{"差额", "Difference", 14}, {"差异笔数", "Differences", 10}, {"未处理", "Open", 10}, {"账单", "Bill", 10},
}

// Columns of 汇总, 1-based.
const (
	sumName = iota + 1
	sumPays
	sumRefunds
	sumGross
	sumRefunded
	sumFees
	sumCoupons
	sumNet
	sumSettle
	sumTill
	sumDiff
	sumDiffs
	sumOpen
	sumBill
)

// smallSheet streams a small sheet: a title line, a blank, the header,
// then rows, each written whole, stopping at the first error. Formula
// cells carry their value as a number (the cell-by-cell API would store a
// formula's cached value as text).
type smallSheet struct {
	f     *excelize.File
	sheet string
	sw    *excelize.StreamWriter
	row   int // the last row written
	err   error
}

// newSmallSheet starts sheet: widths, frozen header, title and header rows.
func newSmallSheet(f *excelize.File, sheet string, l reconLocale, cols []reconCol, title string, st reconStyles) *smallSheet {
	sw, err := f.NewStreamWriter(sheet)
	s := &smallSheet{f: f, sheet: sheet, sw: sw, err: err}
	for i, c := range cols {
		if s.err == nil {
			s.err = sw.SetColWidth(i+1, i+1, c.width)
		}
	}
	if s.err == nil {
		first := cell(1, smallFirstRow)
		s.err = sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: smallHeaderRow, TopLeftCell: first,
			ActivePane: "bottomLeft", Selection: []excelize.Selection{{SQRef: first, ActiveCell: first, Pane: "bottomLeft"}}})
	}
	s.line(excelize.Cell{StyleID: st.title, Value: title})
	s.row = smallHeaderRow - 1
	s.line(l.head(cols, st.header)...)
	return s
}

// line writes the next row.
func (s *smallSheet) line(cells ...any) {
	if s.err == nil {
		s.row++
		s.err = s.sw.SetRow(cell(1, s.row), cells)
	}
}

// filter puts the filter on the header and the rows under it down to
// lastRow (the totals stay out of it), columns 1 to cols. Like the rows'
// sheets, it must come before close, which writes it.
func (s *smallSheet) filter(cols, lastRow int) {
	if s.err == nil {
		s.err = s.f.AutoFilter(s.sheet, cell(1, smallHeaderRow)+":"+cell(cols, max(lastRow, smallFirstRow)), nil)
	}
}

// close ends the sheet.
func (s *smallSheet) close() error {
	if s.err != nil {
		return s.err
	}
	return s.sw.Flush()
}

// yc is a yuan cell; fc a formula cell with its value; sc a styled cell.
func yc(f money.Fen, style int) excelize.Cell {
	return excelize.Cell{StyleID: style, Value: yuanCell(f)}
}

func fc(formula string, value any, style int) excelize.Cell {
	return excelize.Cell{StyleID: style, Formula: formula, Value: value}
}

func sc(v any, style int) excelize.Cell { return excelize.Cell{StyleID: style, Value: v} }

// sumOver is SUM over column col from the first data row to row last.
func sumOver(col, last int) string {
	return fmt.Sprintf("SUM(%s:%s)", cell(col, smallFirstRow), cell(col, last))
}

// writeReconSummary writes 汇总: a row per channel and one for the drawer,
// a totals row of SUM formulas, and a column chart of the takings.
func writeReconSummary(f *excelize.File, r *Reconciliation, l reconLocale, st reconStyles) error {
	last := smallFirstRow + len(r.Channels) // the cash row
	// The chart goes in first: the stream writer copies the sheet's drawing
	// when it starts and would drop one added after it.
	if err := addTakingsChart(f, l, last); err != nil {
		return err
	}
	s := newSmallSheet(f, l.sheets[0], l, summaryCols, l.title+"  "+r.period(), st)
	var tot summaryTotals
	for _, c := range r.Channels {
		s.line(summaryRow(s.row+1, c, l, st)...)
		tot.add(c)
	}
	var in, out money.Fen
	for _, d := range r.Cash {
		in, out = in+d.In, out+d.Out
	}
	cash := ReconChannel{Name: l.cash, HaveBill: true, Gross: in, Refunded: out, TillExpected: in - out}
	s.line(summaryRow(s.row+1, cash, l, st)...)
	tot.add(cash)
	s.filter(len(summaryCols), s.row)
	s.line(tot.cells(s.row+1, l, st)...)
	return s.close()
}

// summaryRow is one channel's row; net, settlement and difference are
// formulas over the row.
func summaryRow(row int, c ReconChannel, l reconLocale, st reconStyles) []any {
	r := fmt.Sprint(row)
	fees := c.FeesCharged - c.FeesReturned
	net := c.Gross - c.Refunded
	cells := make([]any, len(summaryCols))
	cells[sumName-1] = c.Name
	if c.Name != l.cash {
		cells[sumPays-1], cells[sumRefunds-1] = c.Payments, c.Refunds
		cells[sumDiffs-1], cells[sumOpen-1] = c.Differences, c.Open
		cells[sumBill-1] = pick(c.HaveBill, l.yes, l.no)
	}
	cells[sumGross-1], cells[sumRefunded-1], cells[sumFees-1] = yc(c.Gross, st.yuan), yc(c.Refunded, st.yuan), yc(fees, st.yuan)
	cells[sumCoupons-1] = yc(c.Unsettled, st.yuan)
	at := func(col int) string { return colLetters(col) + r }
	settle := net - c.Unsettled - fees
	cells[sumNet-1] = fc(at(sumGross)+"-"+at(sumRefunded), yuanCell(net), st.yuan)
	cells[sumSettle-1] = fc(at(sumNet)+"-"+at(sumCoupons)+"-"+at(sumFees), yuanCell(settle), st.yuan)
	cells[sumTill-1] = yc(c.TillExpected, st.yuan)
	cells[sumDiff-1] = fc(at(sumSettle)+"-"+at(sumTill), yuanCell(settle-c.TillExpected), st.yuan)
	return cells
}

// summaryTotals adds up the rows above in Go, for the cached values.
type summaryTotals struct {
	pays, refunds, diffs, open                      int
	gross, refunded, fees, coupons, till, net, sett money.Fen
}

func (t *summaryTotals) add(c ReconChannel) {
	fees := c.FeesCharged - c.FeesReturned
	t.pays, t.refunds, t.diffs, t.open = t.pays+c.Payments, t.refunds+c.Refunds, t.diffs+c.Differences, t.open+c.Open
	t.gross, t.refunded, t.fees, t.till = t.gross+c.Gross, t.refunded+c.Refunded, t.fees+fees, t.till+c.TillExpected
	t.coupons += c.Unsettled
	t.net += c.Gross - c.Refunded
	t.sett += c.Gross - c.Refunded - c.Unsettled - fees
}

// cells is the totals row at row: SUM over the rows above.
func (t *summaryTotals) cells(row int, l reconLocale, st reconStyles) []any {
	cells := make([]any, len(summaryCols))
	cells[sumName-1] = sc(l.total, st.total)
	for col, v := range map[int]int{sumPays: t.pays, sumRefunds: t.refunds, sumDiffs: t.diffs, sumOpen: t.open} {
		cells[col-1] = fc(sumOver(col, row-1), v, st.total)
	}
	for col, v := range map[int]money.Fen{sumGross: t.gross, sumRefunded: t.refunded, sumFees: t.fees, sumCoupons: t.coupons, sumNet: t.net,
		sumSettle: t.sett, sumTill: t.till, sumDiff: t.sett - t.till} {
		cells[col-1] = fc(sumOver(col, row-1), yuanCell(v), st.yuanBold)
	}
	cells[sumBill-1] = sc("", st.total)
	return cells
}

// addTakingsChart puts a column chart of each channel's gross and net
// takings (the cash row included) under the table.
func addTakingsChart(f *excelize.File, l reconLocale, lastRow int) error {
	sheet := "'" + l.sheets[0] + "'!"
	rows := func(col int) string {
		return fmt.Sprintf("%s$%s$%d:$%s$%d", sheet, colLetters(col), smallFirstRow, colLetters(col), lastRow)
	}
	series := make([]excelize.ChartSeries, 0, 2)
	for _, col := range []int{sumGross, sumNet} {
		series = append(series, excelize.ChartSeries{Name: fmt.Sprintf("%s$%s$%d", sheet, colLetters(col), smallHeaderRow),
			Categories: rows(sumName), Values: rows(col)})
	}
	return f.AddChart(l.sheets[0], cell(1, lastRow+3), &excelize.Chart{
		Type: excelize.Col, Series: series, Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: l.chartTitle}}},
		Legend: excelize.ChartLegend{Position: "bottom"}, Dimension: excelize.ChartDimension{Width: 720, Height: 320},
		YAxis: excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: "#,##0"}},
	})
}

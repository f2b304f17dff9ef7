package reports

import (
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"zhanggui/pos"
)

// The sales report workbook: a sheet per grouping of pos.SalesReport
// (按时段, 按分类, 按商品, 按收银员, 按渠道), each with a title line, a
// frozen header with a filter, a row per group, a totals row and a column
// chart of the net. Takings and net are formulas over the row, totals SUM
// formulas, each with its value cached beside it, so every sheet adds up
// in Excel, in LibreOffice and in a program that does not recalculate.

// salesSheet is one sheet: its grouping, its name and the columns that
// come before the figures.
type salesSheet struct {
	dim          pos.ReportDim
	zh, en       string
	chartZh      string
	chartEn      string
	lead         []reconCol
	chartCol     int // the lead column that names the chart's bars
	chartMaxRows int // 0: every row
}

var salesSheets = []salesSheet{
	{pos.ByHour, "按时段", "By hour", "各时段净额", "Net by hour", []reconCol{{"时段", "Hour", 13}}, 1, 0},
	{pos.ByCategory, "按分类", "By category", "各分类净额", "Net by category", []reconCol{{"分类", "Category", 18}}, 1, 0},
	{pos.ByProduct, "按商品", "By product", "销量前15商品净额", "Net of the top 15 products",
		[]reconCol{{"条码", "Barcode", 16}, {"商品", "Product", 28}, {"单位", "Unit", 6}, {"数量", "Quantity", 10}}, 2, 15},
	{pos.ByCashier, "按收银员", "By cashier", "各收银员净额", "Net by cashier", []reconCol{{"收银员", "Cashier", 14}}, 1, 0},
	{pos.ByChannel, "按渠道", "By channel", "各渠道净额", "Net by channel", []reconCol{{"渠道", "Channel", 16}}, 1, 0},
}

// countHeads names the Count column per grouping: what was counted.
var countHeads = map[pos.ReportDim]reconCol{
	pos.ByHour: {"订单数", "Orders", 9}, pos.ByCashier: {"订单数", "Orders", 9},
	pos.ByCategory: {"销售次数", "Times sold", 9}, pos.ByProduct: {"销售次数", "Times sold", 9},
	pos.ByChannel: {"收款笔数", "Payments", 9},
}

// salesMoneyCols are the figures after Count; a grouping that does not
// split the discount (channels) has no Gross and Discount columns.
func salesMoneyCols(split bool) []reconCol {
	cols := []reconCol{{"原价金额", "Gross", 14}, {"优惠", "Discounts", 12}}
	if !split {
		cols = nil
	}
	return append(cols, reconCol{"实收", "Takings", 14}, reconCol{"退款笔数", "Refunds", 9},
		reconCol{"退款", "Refunded", 12}, reconCol{"净额", "Net", 14})
}

func (s salesSheet) cols() []reconCol {
	cols := append(append([]reconCol{}, s.lead...), countHeads[s.dim])
	return append(cols, salesMoneyCols(s.dim.SplitsDiscount())...)
}

func (s salesSheet) name(lang string) string { return pick(lang == "en", s.en, s.zh) }

// salesWords are the words of the workbook in one language.
type salesWords struct {
	title, total, none, other string
	channels                  map[pos.TenderKind]string
}

var salesLocales = map[string]salesWords{
	"zh": {title: "销售报表", total: "合计", none: "未分类", other: "其他", channels: map[pos.TenderKind]string{
		pos.TenderCash: "现金", pos.TenderAlipay: "支付宝", pos.TenderWechat: "微信支付", pos.TenderUnionPay: "银联",
		pos.TenderECNY: "数字人民币", pos.TenderCard: "银行卡", pos.TenderStoredValue: "储值卡"}},
	"en": {title: "Sales report", total: "Total", none: "(none)", other: "Others", channels: map[pos.TenderKind]string{
		pos.TenderCash: "Cash", pos.TenderAlipay: "Alipay", pos.TenderWechat: "WeChat Pay", pos.TenderUnionPay: "UnionPay",
		pos.TenderECNY: "e-CNY", pos.TenderCard: "Bank card", pos.TenderStoredValue: "Stored value"}},
}

// ExportSalesXLSX writes r as a workbook in lang ("zh" or "en").
func ExportSalesXLSX(w io.Writer, r *pos.SalesReport, lang string) error {
	words, ok := salesLocales[lang]
	if !ok {
		return fmt.Errorf("reports: language %q: %w", lang, ErrBadLanguage)
	}
	f := excelize.NewFile()
	defer f.Close() // removes the stream writers' temporary files
	f.SetZipWriter(fastZip)
	if err := writeSales(f, r, lang, words); err != nil {
		return fmt.Errorf("reports: sales workbook: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("reports: sales workbook: write: %w", err)
	}
	return nil
}

// ExportSalesFile writes ExportSalesXLSX to path through a temporary file
// and a rename (writeFileAtomic).
func ExportSalesFile(path string, r *pos.SalesReport, lang string) error {
	return writeFileAtomic(path, func(w io.Writer) error { return ExportSalesXLSX(w, r, lang) })
}

func writeSales(f *excelize.File, r *pos.SalesReport, lang string, words salesWords) error {
	st, err := newReconStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName(f.GetSheetName(0), salesSheets[0].name(lang)); err != nil {
		return err
	}
	for _, s := range salesSheets[1:] {
		if _, err := f.NewSheet(s.name(lang)); err != nil {
			return err
		}
	}
	for _, s := range salesSheets {
		if err := writeSalesSheet(f, s, r, lang, words, st); err != nil {
			return fmt.Errorf("%s: %w", s.name(lang), err)
		}
	}
	f.SetActiveSheet(0)
	return nil
}

// writeSalesSheet writes one grouping: rows, totals, chart.
func writeSalesSheet(f *excelize.File, s salesSheet, r *pos.SalesReport, lang string, words salesWords, st reconStyles) error {
	rows := r.Rows(s.dim)
	cols := s.cols()
	if len(rows) > 0 { // the chart goes in before the stream writer starts (see addTakingsChart)
		if err := addSalesChart(f, s, lang, len(rows)); err != nil {
			return err
		}
	}
	title := words.title + " · " + s.name(lang) + "  " + salesPeriod(r)
	ss := newSmallSheet(f, s.name(lang), reconLocale{lang: lang}, cols, title, st)
	for _, x := range rows {
		ss.line(salesRow(ss.row+1, s, x, words, st)...)
	}
	last := ss.row
	ss.filter(len(cols), last)
	ss.line(salesTotals(last+1, s, pos.Sum(rows), words, st)...)
	return ss.close()
}

// salesPeriod names the days covered: "2026-11-25" or "2026-11-25 – 2026-11-30".
func salesPeriod(r *pos.SalesReport) string {
	from, to := r.From.Format("2006-01-02"), r.LastDay().Format("2006-01-02")
	if from == to {
		return from
	}
	return from + " – " + to
}

// leadCells are the cells naming a row's group.
func leadCells(s salesSheet, x pos.ReportRow, words salesWords, st reconStyles) []any {
	switch s.dim {
	case pos.ByHour:
		h, _ := strconv.Atoi(x.Key) // "00"…"23", made by pos: cannot fail
		return []any{fmt.Sprintf("%02d:00–%02d:00", h, h+1)}
	case pos.ByProduct:
		return []any{sc(x.Key, st.text), x.Name, x.Unit, qtyCell(x.Qty)}
	case pos.ByChannel:
		if name, ok := words.channels[pos.TenderKind(x.Key)]; ok {
			return []any{name}
		}
	case pos.ByCategory:
		if x.Key == "" {
			return []any{words.none}
		}
	}
	return []any{x.Key}
}

// salesRow is one group's row at row: takings and net are formulas.
func salesRow(row int, s salesSheet, x pos.ReportRow, words salesWords, st reconStyles) []any {
	cells := append(leadCells(s, x, words, st), x.Count)
	takings := len(cells) + 1 // its column
	if s.dim.SplitsDiscount() {
		takings += 2 // after gross and discount
		cells = append(cells, yc(x.Gross, st.yuan), yc(x.Discount, st.yuan),
			fc(cell(takings-2, row)+"-"+cell(takings-1, row), yuanCell(x.Takings()), st.yuan))
	} else {
		cells = append(cells, yc(x.Takings(), st.yuan))
	}
	return append(cells, x.RefundCount, yc(x.Refunds, st.yuan),
		fc(cell(takings, row)+"-"+cell(takings+2, row), yuanCell(x.Net()), st.yuan))
}

// salesTotals is the totals row at row: SUM over the rows above for every
// figure; quantities of different units are not added up.
func salesTotals(row int, s salesSheet, t pos.ReportRow, words salesWords, st reconStyles) []any {
	cells := []any{sc(words.total, st.total)}
	for range len(s.lead) - 1 {
		cells = append(cells, sc("", st.total))
	}
	sum := func(v any, style int) excelize.Cell { return fc(sumOver(len(cells)+1, row-1), v, style) }
	cells = append(cells, sum(t.Count, st.total))
	if s.dim.SplitsDiscount() {
		cells = append(cells, sum(yuanCell(t.Gross), st.yuanBold))
		cells = append(cells, sum(yuanCell(t.Discount), st.yuanBold))
	}
	cells = append(cells, sum(yuanCell(t.Takings()), st.yuanBold))
	cells = append(cells, sum(t.RefundCount, st.total))
	cells = append(cells, sum(yuanCell(t.Refunds), st.yuanBold))
	return append(cells, sum(yuanCell(t.Net()), st.yuanBold))
}

// addSalesChart puts a column chart of the net of the sheet's rows (the
// first chartMaxRows of them) to the right of the table.
func addSalesChart(f *excelize.File, s salesSheet, lang string, rows int) error {
	if s.chartMaxRows > 0 {
		rows = min(rows, s.chartMaxRows)
	}
	cols := s.cols()
	net := len(cols)
	sheet := "'" + s.name(lang) + "'!"
	ref := func(col int) string {
		return fmt.Sprintf("%s$%s$%d:$%s$%d", sheet, colLetters(col), smallFirstRow, colLetters(col), smallFirstRow+rows-1)
	}
	return f.AddChart(s.name(lang), cell(net+2, smallHeaderRow), &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{{Name: fmt.Sprintf("%s$%s$%d", sheet, colLetters(net), smallHeaderRow),
			Categories: ref(s.chartCol), Values: ref(net), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"2E75B6"}}}},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: pick(lang == "en", s.chartEn, s.chartZh)}}},
		Legend:    excelize.ChartLegend{Position: "none"},
		Dimension: excelize.ChartDimension{Width: 640, Height: 320},
		YAxis:     excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: "#,##0"}},
	})
}

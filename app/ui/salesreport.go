package ui

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// SalesReports answers the sales reports screen (报表).
type SalesReports interface {
	// SalesReport adds up the shop-local days [from, to).
	SalesReport(ctx context.Context, from, to time.Time) (pos.SalesReport, error)
	// ExportSalesReport writes r as an .xlsx workbook in lang ("zh", "en").
	ExportSalesReport(path string, r pos.SalesReport, lang string) error
}

// chartMax is how many bars the chart draws; the rest add up in one more.
const chartMax = 12

// reportsScreen shows the takings of a day or a range of days, grouped one
// of five ways, as a table with totals and a bar chart, and exports them.
type reportsScreen struct {
	app      *App
	from, to time.Time // shop-local midnights: the first and the last day shown
	dim      pos.ReportDim
	report   pos.SalesReport

	fromDate, toDate *widget.Entry
	dims             map[pos.ReportDim]*widget.Button
	summary          *widget.Label
	msg              *noteLabel
	table            *fyne.Container // the header, rows and totals of the grouping shown
	list             *widget.List
	foot             []*widget.Label // the totals row
	empty            *widget.Label   // "no sales", shown for an empty period
	chart            *fyne.Container
	chartTitle       *widget.Label
	content          fyne.CanvasObject
}

// newReportsScreen returns nil when the till has no reports (Deps.Reports).
func newReportsScreen(a *App) *reportsScreen {
	if a.deps.Reports == nil {
		return nil
	}
	today := pos.BusinessDay(a.deps.Now(), a.settings.Location())
	s := &reportsScreen{app: a, from: today, to: today, dim: pos.ByHour, dims: map[pos.ReportDim]*widget.Button{}}
	s.fromDate, s.toDate = widget.NewEntry(), widget.NewEntry()
	s.fromDate.OnSubmitted = func(text string) { s.onDate(text, true) }
	s.toDate.OnSubmitted = func(text string) { s.onDate(text, false) }
	s.summary, s.msg = widget.NewLabel(""), newNoteLabel()
	s.summary.TextStyle.Bold = true
	s.msg.Importance = widget.DangerImportance
	s.table = container.NewStack()
	s.chart = container.New(&barLayout{})
	s.chartTitle = widget.NewLabel("")
	s.chartTitle.TextStyle.Bold = true
	s.content = s.layout()
	s.msg.relayout = s.content.Refresh
	s.reload()
	return s
}

func (s *reportsScreen) layout() fyne.CanvasObject {
	nav := container.NewHBox(
		widget.NewButton("‹", func() { s.shift(-1) }),
		fitWidth("2026-12-31", s.fromDate),
		widget.NewLabel(T("to")),
		fitWidth("2026-12-31", s.toDate),
		widget.NewButton("›", func() { s.shift(1) }),
		widget.NewButton(T("Today"), s.onToday),
		widget.NewButton(T("Refresh"), s.reload),
	)
	export := widget.NewButton(T("Export Excel…"), s.onExport)
	export.Importance = widget.HighImportance
	tabs := container.NewHBox()
	for _, d := range pos.ReportDims {
		b := widget.NewButton(dimNames()[d], func() { s.setDim(d) })
		s.dims[d] = b
		tabs.Add(b)
	}
	top := container.NewVBox(container.NewBorder(nil, nil, nav, export), tabs, s.summary)
	chart := container.NewBorder(s.chartTitle, nil, nil, nil, s.chart)
	split := container.NewHSplit(s.table, container.NewPadded(chart))
	split.Offset = 0.62
	return container.NewBorder(top, s.msg, nil, nil, split)
}

// dimNames are the groupings' names on their buttons.
func dimNames() map[pos.ReportDim]string {
	return map[pos.ReportDim]string{pos.ByHour: T("By hour"), pos.ByCategory: T("By category"),
		pos.ByProduct: T("By product"), pos.ByCashier: T("By cashier"), pos.ByChannel: T("By channel")}
}

func (s *reportsScreen) onToday() {
	today := pos.BusinessDay(s.app.deps.Now(), s.app.settings.Location())
	s.setPeriod(today, today)
}

// shift moves the period by its own length, earlier or later.
func (s *reportsScreen) shift(dir int) {
	days := int(s.to.Sub(s.from).Hours()/24+0.5) + 1
	s.setPeriod(s.from.AddDate(0, 0, dir*days), s.to.AddDate(0, 0, dir*days))
}

// onDate reads a typed day; a first day after the last (or a last before
// the first) moves the other end along.
func (s *reportsScreen) onDate(text string, first bool) {
	d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(text), s.app.settings.Location())
	if err != nil {
		s.showError(pos.Errorf(pos.CodeInvalid, "ui: date %q: %w", text, err))
		return
	}
	from, to := s.from, s.to
	if first {
		from, to = d, later(d, to)
	} else {
		from, to = earlier(d, from), d
	}
	s.setPeriod(from, to)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func (s *reportsScreen) setPeriod(from, to time.Time) {
	s.from, s.to = from, to
	s.reload()
}

func (s *reportsScreen) setDim(d pos.ReportDim) {
	s.dim = d
	s.show()
}

// reload reads the period's report from the store and shows it.
func (s *reportsScreen) reload() {
	s.fromDate.SetText(s.from.Format("2006-01-02"))
	s.toDate.SetText(s.to.Format("2006-01-02"))
	r, err := s.app.deps.Reports.SalesReport(context.Background(), s.from, s.to.AddDate(0, 0, 1))
	s.showError(err)
	if err != nil {
		r = pos.SalesReport{From: s.from, To: s.to.AddDate(0, 0, 1)}
	}
	s.report = r
	s.show()
}

// show draws the grouping chosen: buttons, summary, table and chart.
func (s *reportsScreen) show() {
	for d, b := range s.dims {
		b.Importance = widget.MediumImportance
		if d == s.dim {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
	t := s.report.Total
	format := T("%d orders · takings %s · discounts %s · refunds %s · net %s")
	if t.Count == 1 { // "1 orders" reads as a typo
		format = T("%d order · takings %s · discounts %s · refunds %s · net %s")
	}
	s.summary.SetText(fmt.Sprintf(format, t.Count, t.Takings().Yuan(), t.Discount.Yuan(), t.Refunds.Yuan(), t.Net().Yuan()))
	s.table.Objects = []fyne.CanvasObject{s.newTable()}
	s.table.Refresh()
	s.drawChart()
}

func (s *reportsScreen) showError(err error) {
	if err != nil {
		s.app.deps.Log.Warn("reports", "err", err)
	}
	s.msg.Importance = widget.DangerImportance
	s.msg.SetText(cashierMessage(err))
}

func (s *reportsScreen) showInfo(text string) {
	s.msg.Importance = widget.SuccessImportance
	s.msg.SetText(text)
}

// reportCol is a column of the table: its header, share of the width and
// what it shows of a row.
type reportCol struct {
	head  string
	width float32
	align fyne.TextAlign
	text  func(r pos.ReportRow) string
	// apart: not added up in the totals row (quantities of different units)
	apart bool
}

// reportCols are the table's columns for grouping d.
func (s *reportsScreen) reportCols(d pos.ReportDim) []reportCol {
	col := func(head string, width float32, text func(pos.ReportRow) string) reportCol {
		return reportCol{head: head, width: width, align: fyne.TextAlignTrailing, text: text}
	}
	yuan := func(f func(pos.ReportRow) money.Fen) func(pos.ReportRow) string {
		return func(r pos.ReportRow) string { return f(r).Yuan() }
	}
	count := func(r pos.ReportRow) string { return fmt.Sprint(r.Count) }
	name := reportCol{head: dimHeads()[d], width: 0.22, align: fyne.TextAlignLeading, text: s.rowName}
	cols := []reportCol{name, col(T("No. of orders"), 0.12, count)}
	switch d {
	case pos.ByProduct: // nine tenths of the widths below, and the quantity
		qty := col(T("Qty"), 0.08, func(r pos.ReportRow) string { return r.Qty.String() })
		qty.apart = true
		cols = []reportCol{name, qty, col(T("Times sold"), 0.11, count)}
		cols[0].width = 0.23
	case pos.ByCategory:
		cols[1].head = T("Times sold")
	case pos.ByChannel:
		cols[1].head = T("Payments")
	}
	if d.SplitsDiscount() {
		cols = append(cols, col(T("Gross sales"), 0.16, yuan(func(r pos.ReportRow) money.Fen { return r.Gross })),
			col(T("Discounts"), 0.16, yuan(func(r pos.ReportRow) money.Fen { return r.Discount })))
	} else {
		cols = append(cols, col(T("Takings"), 0.2, yuan(pos.ReportRow.Takings)))
	}
	cols = append(cols, col(T("Refunded"), 0.16, yuan(func(r pos.ReportRow) money.Fen { return r.Refunds })),
		col(T("Net"), 0.15, yuan(pos.ReportRow.Net)))
	if d == pos.ByProduct {
		for i := 3; i < len(cols); i++ {
			cols[i].width *= 0.9
		}
	}
	return cols
}

// dimHeads head the first column of each grouping.
func dimHeads() map[pos.ReportDim]string {
	return map[pos.ReportDim]string{pos.ByHour: T("Hour"), pos.ByCategory: T("Category"),
		pos.ByProduct: T("Product"), pos.ByCashier: T("Cashier"), pos.ByChannel: T("Payment method")}
}

// rowName is what names a row on screen.
func (s *reportsScreen) rowName(r pos.ReportRow) string {
	switch s.dim {
	case pos.ByHour:
		if len(r.Key) == 2 {
			return r.Key + ":00"
		}
	case pos.ByChannel:
		if name, ok := tenderNames[pos.TenderKind(r.Key)]; ok {
			return T(name)
		}
	case pos.ByProduct:
		return r.Name
	}
	if r.Key == "" {
		return T("Uncategorised")
	}
	return r.Key
}

// newTable lays out the grouping's header, rows and totals; the column
// widths are shares of the table's, so the three parts line up.
func (s *reportsScreen) newTable() fyne.CanvasObject {
	cols := s.reportCols(s.dim)
	widths, aligns := make(columns, len(cols)), make([]fyne.TextAlign, len(cols))
	for i, c := range cols {
		widths[i], aligns[i] = c.width, c.align
	}
	fill := func(labels []*widget.Label, texts func(i int) string) {
		for i, l := range labels {
			l.SetText(texts(i))
		}
	}
	head, hl := row(widths, aligns)
	fill(hl, func(i int) string { return cols[i].head })
	foot, fl := row(widths, aligns)
	total := s.report.Total
	total.Count = pos.Sum(s.report.Rows(s.dim)).Count // what this grouping counts
	fill(fl, func(i int) string {
		switch {
		case i == 0:
			return T("Total")
		case cols[i].apart:
			return ""
		}
		return cols[i].text(total)
	})
	for _, l := range append(hl, fl...) {
		l.TextStyle.Bold = true
	}
	wrapCaptions(hl...)
	s.foot = fl
	rows := s.report.Rows(s.dim)
	s.list = widget.NewList(func() int { return len(rows) },
		func() fyne.CanvasObject { c, _ := row(widths, aligns); return c },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			for j, l := range o.(*fyne.Container).Objects {
				l.(*widget.Label).SetText(cols[j].text(rows[i]))
			}
		})
	s.empty = widget.NewLabel(T("No sales in this period."))
	s.empty.Hidden = len(rows) > 0
	body := container.NewStack(s.list, container.NewVBox(s.empty))
	return container.NewBorder(container.NewVBox(head, widget.NewSeparator()),
		container.NewVBox(widget.NewSeparator(), foot), nil, nil, body)
}

// drawChart draws the net of the rows as horizontal bars, at most
// chartMax of them (the rest add up in the last).
func (s *reportsScreen) drawChart() {
	rows := s.report.Rows(s.dim)
	if s.dim != pos.ByHour {
		rows = pos.TopN(rows, chartMax, T("Others"))
	}
	s.chartTitle.SetText(Tf("Net · %s", dimNames()[s.dim]))
	bars := &barLayout{}
	var objs []fyne.CanvasObject
	for _, r := range rows {
		label := canvas.NewText(s.rowName(r), theme.Color(theme.ColorNameForeground))
		label.Alignment = fyne.TextAlignTrailing
		bar := canvas.NewRectangle(barColor)
		bar.CornerRadius = 2
		value := canvas.NewText(r.Net().Yuan(), theme.Color(theme.ColorNameForeground))
		if r.Net() < 0 {
			value.Color = negativeColor
		}
		objs = append(objs, label, bar, value)
		bars.values = append(bars.values, r.Net())
	}
	s.chart.Layout = bars
	s.chart.Objects = objs
	s.chart.Refresh()
}

var (
	barColor      = color.NRGBA{R: 0x2E, G: 0x75, B: 0xB6, A: 0xFF}
	negativeColor = color.NRGBA{R: 0xC0, A: 0xFF}
)

// barLayout places (label, bar, value) triples as rows of a horizontal
// bar chart: labels right-aligned in a column, bars as long as their value
// is to the largest, values after the bars.
type barLayout struct{ values []money.Fen }

func (b *barLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	n := len(objs) / 3
	if n == 0 {
		return
	}
	labelW, valueW := float32(0), float32(0)
	for i := range n {
		labelW = max(labelW, objs[3*i].MinSize().Width)
		valueW = max(valueW, objs[3*i+2].MinSize().Width)
	}
	labelW = min(labelW, size.Width*0.35)
	const gap = 8
	rowH := min(size.Height/float32(n), 30)
	barMax := max(size.Width-labelW-valueW-3*gap, 0)
	top := money.Fen(1)
	for _, v := range b.values {
		top = max(top, v)
	}
	for i := range n {
		y := float32(i) * rowH
		label, bar, value := objs[3*i], objs[3*i+1], objs[3*i+2]
		th := label.MinSize().Height
		label.Resize(fyne.NewSize(labelW, th))
		label.Move(fyne.NewPos(0, y+(rowH-th)/2))
		w := barMax * float32(max(b.values[i], 0)) / float32(top)
		bar.Resize(fyne.NewSize(w, rowH*0.68))
		bar.Move(fyne.NewPos(labelW+gap, y+rowH*0.16))
		value.Resize(value.MinSize())
		value.Move(fyne.NewPos(labelW+gap+w+gap, y+(rowH-th)/2))
	}
}

func (b *barLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(200, float32(len(objs)/3)*14)
}

// onExport saves the report shown as a workbook the user places.
func (s *reportsScreen) onExport() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close() // the export writes the path itself
		s.exportTo(path)
	}, s.app.win)
	d.SetFileName(s.fileName())
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// fileName suggests 销售报表-2026-11-25.xlsx, or one naming both days.
func (s *reportsScreen) fileName() string {
	name := T("sales-report") + "-" + s.from.Format("2006-01-02")
	if !s.to.Equal(s.from) {
		name += "-" + s.to.Format("2006-01-02")
	}
	return name + ".xlsx"
}

// exportTo writes the report shown to path.
func (s *reportsScreen) exportTo(path string) {
	if err := s.app.deps.Reports.ExportSalesReport(path, s.report, Language()); err != nil {
		s.showError(err)
		return
	}
	s.app.auditExport("sales_report", path, map[string]any{"from": s.from.Format("2006-01-02"), "to": s.to.Format("2006-01-02")})
	s.showInfo(Tf("Saved %s", path))
}

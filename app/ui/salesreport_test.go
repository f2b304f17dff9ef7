package ui

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/reports"
	"zhanggui/storage"
)

// dbReports is the screen's SalesReports over the real database and the
// real workbook, as package app wires it.
type dbReports struct{ db *storage.DB }

func (r dbReports) SalesReport(ctx context.Context, from, to time.Time) (pos.SalesReport, error) {
	return r.db.SalesReport(ctx, from, to)
}

func (r dbReports) ExportSalesReport(path string, rep pos.SalesReport, lang string) error {
	return reports.ExportSalesFile(path, &rep, lang)
}

// payCash rings up codes at shop-local hh:mm on 2026-11-25 and pays in
// cash, handing over received yuan.
func (f *fixture) payCash(t *testing.T, hh, mm int, received string, codes ...string) *pos.Sale {
	t.Helper()
	f.now = time.Date(2026, 11, 25, hh-8, mm, 0, 0, time.UTC)
	for _, c := range codes {
		f.scan(c)
	}
	f.key(fyne.KeyF12)
	if f.app.pay == nil {
		t.Fatal("F12 opened no cash dialog")
	}
	test.Type(f.app.pay.received, received)
	f.app.pay.received.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if f.app.pay != nil {
		t.Fatalf("cash dialog still open: %s", f.app.pay.msg.Text)
	}
	s, err := f.db.Sale(context.Background(), f.app.checkout.lastSale.ID) // the one just saved
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// withReports gives the fixture's till the reports tab, opened on it.
func (f *fixture) withReports(t *testing.T) *reportsScreen {
	t.Helper()
	f.app.deps.Reports = dbReports{f.db}
	f.app.build()
	if f.app.reports == nil {
		t.Fatal("no reports screen with Deps.Reports set")
	}
	for _, it := range f.app.tabs.Items {
		if it.Content == f.app.reports.content {
			f.app.tabs.Select(it)
			if it.Text != "报表" {
				t.Errorf("tab %q", it.Text)
			}
		}
	}
	return f.app.reports
}

// refundAt refunds amount of a sale's first tender at shop-local hh:mm.
func (f *fixture) refundAt(t *testing.T, s *pos.Sale, amount money.Fen, hh, mm int) {
	t.Helper()
	at := time.Date(2026, 11, 25, hh-8, mm, 0, 0, time.UTC)
	r, err := pos.NewRefund(s, 0, amount, nil, "refund-"+s.ID, "", at)
	if err != nil {
		t.Fatal(err)
	}
	if r, err = r.Done("entry-refund-"+s.ID, at); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SaveRefund(context.Background(), r, nil); err != nil {
		t.Fatal(err)
	}
}

// chartTexts are the chart's labels and values, in order.
func (s *reportsScreen) chartTexts() []string {
	var out []string
	for _, o := range s.chart.Objects {
		if t, ok := o.(*canvas.Text); ok {
			out = append(out, t.Text)
		}
	}
	return out
}

func (s *reportsScreen) footTexts() []string {
	var out []string
	for _, l := range s.foot {
		out = append(out, l.Text)
	}
	return out
}

func TestSalesReportScreen(t *testing.T) {
	f := newFixture(t)
	f.payCash(t, 10, 5, "20", "6901234567892", "6901234567892", "6903456789014") // 2 cola + noodles: 10.50
	chips := f.payCash(t, 14, 30, "7.5", "6902345678903")                        // 7.50
	f.refundAt(t, chips, 250, 15, 10)
	f.now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC) // 18:00: the screen opens on today
	s := f.withReports(t)

	if got, want := s.summary.Text, "2 单 · 实收 ¥18.00 · 优惠 ¥0.00 · 退款 ¥2.50 · 净额 ¥15.50"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if s.fromDate.Text != "2026-11-25" || s.toDate.Text != "2026-11-25" {
		t.Errorf("period %s – %s", s.fromDate.Text, s.toDate.Text)
	}
	// By hour: 10:00 to 15:00, the refund's hour included.
	if got, want := s.footTexts(), []string{"合计", "2", "¥18.00", "¥0.00", "¥2.50", "¥15.50"}; !slices.Equal(got, want) {
		t.Errorf("hour totals %q, want %q", got, want)
	}
	if got, want := s.chartTexts(), []string{"10:00", "¥10.50", "11:00", "¥0.00", "12:00", "¥0.00", "13:00", "¥0.00",
		"14:00", "¥7.50", "15:00", "-¥2.50"}; !slices.Equal(got, want) {
		t.Errorf("hour chart %q, want %q", got, want)
	}
	if s.list.Length() != 6 {
		t.Errorf("hour table has %d rows", s.list.Length())
	}

	test.Tap(s.dims[pos.ByProduct])
	// by net, largest first: cola 6.00, chips 7.50 − 2.50, noodles 4.50
	if got, want := s.chartTexts(), []string{"可口可乐 330ml", "¥6.00", "乐事薯片 70g", "¥5.00", "康师傅红烧牛肉面", "¥4.50"}; !slices.Equal(got, want) {
		t.Errorf("product chart %q, want %q", got, want)
	}
	if got, want := s.footTexts(), []string{"合计", "", "3", "¥18.00", "¥0.00", "¥2.50", "¥15.50"}; !slices.Equal(got, want) {
		t.Errorf("product totals %q, want %q", got, want)
	}
	test.Tap(s.dims[pos.ByChannel])
	if got, want := s.chartTexts(), []string{"现金", "¥15.50"}; !slices.Equal(got, want) {
		t.Errorf("channel chart %q, want %q", got, want)
	}
	if got, want := s.footTexts(), []string{"合计", "2", "¥18.00", "¥2.50", "¥15.50"}; !slices.Equal(got, want) {
		t.Errorf("channel totals %q, want %q", got, want)
	}
	test.Tap(s.dims[pos.ByCategory])
	if got := s.chartTexts(); len(got) != 6 || got[0] != "饮料" {
		t.Errorf("category chart %q", got)
	}
}

func TestSalesReportScreenPeriod(t *testing.T) {
	f := newFixture(t)
	f.payCash(t, 9, 0, "3", "6901234567892")
	f.now = time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC) // the next morning
	f.payCash(t, 9+24, 0, "4.5", "6903456789014")
	s := f.withReports(t)
	if !strings.HasPrefix(s.summary.Text, "1 单 · 实收 ¥4.50") {
		t.Errorf("today: %q", s.summary.Text)
	}
	s.shift(-1)
	if s.fromDate.Text != "2026-11-25" || !strings.HasPrefix(s.summary.Text, "1 单 · 实收 ¥3.00") {
		t.Errorf("‹ shows %s: %q", s.fromDate.Text, s.summary.Text)
	}
	s.toDate.SetText("2026-11-26")
	s.toDate.OnSubmitted(s.toDate.Text)
	if !strings.HasPrefix(s.summary.Text, "2 单 · 实收 ¥7.50") {
		t.Errorf("two days: %q", s.summary.Text)
	}
	if got := s.fileName(); got != "销售报表-2026-11-25-2026-11-26.xlsx" {
		t.Errorf("file name %q", got)
	}
	s.shift(1) // a two-day period moves by two days
	if s.fromDate.Text != "2026-11-27" || s.toDate.Text != "2026-11-28" || !strings.HasPrefix(s.summary.Text, "0 单") {
		t.Errorf("› shows %s – %s: %q", s.fromDate.Text, s.toDate.Text, s.summary.Text)
	}
	if s.list.Length() != 0 || s.empty == nil || !s.empty.Visible() {
		t.Error("an empty period shows no 'no sales' line")
	}
	s.fromDate.SetText("2026-11-30") // after the last day: the last follows
	s.fromDate.OnSubmitted(s.fromDate.Text)
	if s.toDate.Text != "2026-11-30" {
		t.Errorf("to %s", s.toDate.Text)
	}
	s.fromDate.OnSubmitted("yesterday")
	if s.msg.Text == "" {
		t.Error("a bad date shows no message")
	}
}

func TestSalesReportScreenExport(t *testing.T) {
	f := newFixture(t)
	f.payCash(t, 11, 0, "20", "6901234567892", "6902345678903")
	s := f.withReports(t)
	f.app.deps.AppendAudit = f.db.AppendAudit
	path := filepath.Join(t.TempDir(), s.fileName())
	s.exportTo(path)
	if !strings.Contains(s.msg.Text, "已保存") {
		t.Fatalf("after export: %q", s.msg.Text)
	}
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("按时段")
	if err != nil || len(rows) != 5 || rows[3][0] != "11:00–12:00" || rows[4][4] != "¥10.50" {
		t.Errorf("按时段 rows %q, %v", rows, err)
	}
	s.exportTo(filepath.Join(t.TempDir(), "no", "such", "folder.xlsx"))
	if s.msg.Text == "" || strings.Contains(s.msg.Text, "已保存") {
		t.Errorf("a failed export shows %q", s.msg.Text)
	}
	evs, err := f.db.AuditEvents(context.Background(), pos.AuditFilter{Kind: pos.AuditExport})
	if err != nil || len(evs) != 1 || evs[0].Actor != "店主" || evs[0].Subject != "export:sales_report" ||
		!strings.Contains(evs[0].Data, filepath.Base(path)) {
		t.Errorf("export audit events %+v, %v; want one, by 店主, naming the file (not the failed one)", evs, err)
	}
}

// TestSalesReportScreenshot renders the screen with a day of sales to the
// PNG named by REPORTS_PNG, to look at it.
func TestSalesReportScreenshot(t *testing.T) {
	out := os.Getenv("REPORTS_PNG")
	if out == "" {
		t.Skip("REPORTS_PNG not set")
	}
	f := newFixture(t)
	codes := []string{"6901234567892", "6902345678903", "6903456789014"}
	for i := range 40 {
		hh := 8 + i*i%13
		s := f.payCash(t, hh, 7*i%60, "100", codes[:1+i%3]...)
		if i%9 == 4 {
			f.refundAt(t, s, s.Total/2, hh+1, 0)
		}
	}
	f.now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	s := f.withReports(t)
	if d := os.Getenv("REPORTS_DIM"); d != "" {
		s.setDim(pos.ReportDim(d))
	}
	if os.Getenv("REPORTS_EMPTY") != "" {
		s.shift(1)
	}
	img := f.win.Canvas().Capture()
	w, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := png.Encode(w, img); err != nil {
		t.Fatal(err)
	}
}

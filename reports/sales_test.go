package reports

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"zhanggui/pos"
)

// sampleSales is a day: two hours, two categories (one line without),
// three products, two cashiers, cash and Alipay, with discounts and a
// refund.
func sampleSales() *pos.SalesReport {
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, cst)
	return &pos.SalesReport{From: day, To: day.AddDate(0, 0, 1),
		Hours: []pos.ReportRow{
			{Key: "09", Name: "09", Count: 2, Gross: 2559, Discount: 159},
			{Key: "10", Name: "10", Count: 1, Gross: 300, RefundCount: 1, Refunds: 500},
		},
		Categories: []pos.ReportRow{
			{Key: "饮料", Name: "饮料", Count: 2, Gross: 900, Discount: 6},
			{Key: "零食", Name: "零食", Count: 1, Gross: 1500, Discount: 150, RefundCount: 1, Refunds: 500},
			{Key: "", Name: "", Count: 1, Gross: 459, Discount: 3},
		},
		Products: []pos.ReportRow{
			{Key: "6901234567892", Name: "可口可乐 330ml", Unit: "瓶", Count: 2, Qty: 3000, Gross: 900, Discount: 6},
			{Key: "6902345678903", Name: "乐事薯片 70g", Unit: "袋", Count: 1, Qty: 2000, Gross: 1500, Discount: 150,
				RefundCount: 1, Refunds: 500},
			{Key: "2000001000007", Name: "红富士苹果", Unit: "kg", Count: 1, Qty: 356, Gross: 459, Discount: 3},
		},
		Cashiers: []pos.ReportRow{
			{Key: "收银员", Name: "收银员", Count: 2, Gross: 1359, Discount: 9},
			{Key: "店主", Name: "店主", Count: 1, Gross: 1500, Discount: 150, RefundCount: 1, Refunds: 500},
		},
		Channels: []pos.ReportRow{
			{Key: "cash", Name: "cash", Count: 2, Gross: 1150},
			{Key: "alipay", Name: "alipay", Count: 1, Gross: 1350, RefundCount: 1, Refunds: 500},
			{Key: "wechat", Name: "wechat", Count: 1, Gross: 200},
		},
		Total: pos.ReportRow{Count: 3, Gross: 2859, Discount: 159, RefundCount: 1, Refunds: 500},
	}
}

func exportSales(t *testing.T, r *pos.SalesReport, lang string) ([]byte, *excelize.File) {
	t.Helper()
	var buf bytes.Buffer
	must(t, ExportSalesXLSX(&buf, r, lang))
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	must(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return buf.Bytes(), f
}

func TestSalesWorkbookSheetsAndRows(t *testing.T) {
	_, f := exportSales(t, sampleSales(), "zh")
	if got, want := f.GetSheetList(), []string{"按时段", "按分类", "按商品", "按收银员", "按渠道"}; !cmp.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	for sheet, want := range map[string][][]string{
		"按时段": {{"销售报表 · 按时段  2026-11-25"}, nil,
			{"时段", "订单数", "原价金额", "优惠", "实收", "退款笔数", "退款", "净额"},
			{"09:00–10:00", "2", "¥25.59", "¥1.59", "¥24.00", "0", "¥0.00", "¥24.00"},
			{"10:00–11:00", "1", "¥3.00", "¥0.00", "¥3.00", "1", "¥5.00", "-¥2.00"},
			{"合计", "3", "¥28.59", "¥1.59", "¥27.00", "1", "¥5.00", "¥22.00"}},
		"按商品": {{"销售报表 · 按商品  2026-11-25"}, nil,
			{"条码", "商品", "单位", "数量", "销售次数", "原价金额", "优惠", "实收", "退款笔数", "退款", "净额"},
			{"6901234567892", "可口可乐 330ml", "瓶", "3", "2", "¥9.00", "¥0.06", "¥8.94", "0", "¥0.00", "¥8.94"},
			{"6902345678903", "乐事薯片 70g", "袋", "2", "1", "¥15.00", "¥1.50", "¥13.50", "1", "¥5.00", "¥8.50"},
			{"2000001000007", "红富士苹果", "kg", "0.356", "1", "¥4.59", "¥0.03", "¥4.56", "0", "¥0.00", "¥4.56"},
			{"合计", "", "", "", "4", "¥28.59", "¥1.59", "¥27.00", "1", "¥5.00", "¥22.00"}},
		"按渠道": {{"销售报表 · 按渠道  2026-11-25"}, nil,
			{"渠道", "收款笔数", "实收", "退款笔数", "退款", "净额"},
			{"现金", "2", "¥11.50", "0", "¥0.00", "¥11.50"},
			{"支付宝", "1", "¥13.50", "1", "¥5.00", "¥8.50"},
			{"微信支付", "1", "¥2.00", "0", "¥0.00", "¥2.00"},
			{"合计", "4", "¥27.00", "1", "¥5.00", "¥22.00"}},
	} {
		got, err := f.GetRows(sheet)
		must(t, err)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", sheet, diff)
		}
	}
	if v, _ := f.GetCellValue("按分类", "A6"); v != "未分类" {
		t.Errorf("the line without a category shows %q", v)
	}
}

// TestSalesWorkbookFormulas recomputes the formulas with excelize: each
// agrees with its cached value and with the Go figure.
func TestSalesWorkbookFormulas(t *testing.T) {
	_, f := exportSales(t, sampleSales(), "zh")
	for _, tt := range []struct{ sheet, cell, formula, want string }{
		{"按时段", "E4", "C4-D4", yuan(2400)},
		{"按时段", "H5", "E5-G5", yuan(-200)},
		{"按时段", "B6", "SUM(B4:B5)", "3"},
		{"按时段", "H6", "SUM(H4:H5)", yuan(2200)},
		{"按分类", "H7", "SUM(H4:H6)", yuan(2200)},
		{"按商品", "K5", "H5-J5", yuan(850)},
		{"按商品", "H7", "SUM(H4:H6)", yuan(2700)},
		{"按收银员", "G6", "SUM(G4:G5)", yuan(500)},
		{"按渠道", "F5", "C5-E5", yuan(850)},
		{"按渠道", "C7", "SUM(C4:C6)", yuan(2700)},
		{"按渠道", "F7", "SUM(F4:F6)", yuan(2200)},
	} {
		got, err := f.GetCellFormula(tt.sheet, tt.cell)
		if err != nil || got != tt.formula {
			t.Errorf("%s!%s formula = %q, %v; want %q", tt.sheet, tt.cell, got, err, tt.formula)
		}
		cached, _ := f.GetCellValue(tt.sheet, tt.cell, excelize.Options{RawCellValue: true})
		calc, err := f.CalcCellValue(tt.sheet, tt.cell, excelize.Options{RawCellValue: true})
		if err != nil || !sameNumber(calc, tt.want) || !sameNumber(cached, tt.want) {
			t.Errorf("%s!%s = %q computed, %q cached (%v); want %s", tt.sheet, tt.cell, calc, cached, err, tt.want)
		}
	}
}

func TestSalesWorkbookLayout(t *testing.T) {
	data, f := exportSales(t, sampleSales(), "zh")
	for sheet, cells := range map[string][]string{"按时段": {"C4", "H6"}, "按商品": {"F4", "K7"}, "按渠道": {"C4", "F7"}} {
		for _, c := range cells {
			checkNumFmt(t, f, sheet, c, `"¥"#,##0.00`)
		}
	}
	filters := map[string]bool{}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" {
			filters[d.RefersTo] = true
		}
	}
	for _, sheet := range []string{"按时段", "按分类", "按商品", "按收银员", "按渠道"} {
		p, err := f.GetPanes(sheet)
		if err != nil || !p.Freeze || p.YSplit != 3 || p.TopLeftCell != "A4" {
			t.Errorf("%s panes %+v, %v", sheet, p, err)
		}
	}
	for _, want := range []string{"'按时段'!$A$3:$H$5", "'按商品'!$A$3:$K$6", "'按渠道'!$A$3:$F$6"} {
		if !filters[want] {
			t.Errorf("no filter over %s; filters %v", want, filters)
		}
	}
	if w, _ := f.GetColWidth("按商品", "B"); w < 20 {
		t.Errorf("product name column width %v", w)
	}
	charts := chartParts(t, data)
	if len(charts) != 5 || !strings.Contains(charts["xl/charts/chart3.xml"], "按商品&#39;!$K$4:$K$6") {
		t.Errorf("charts: %d parts; want one per sheet, the products' over the net column", len(charts))
	}
}

// chartParts returns the workbook's chart parts by name, checking that
// every part is well-formed XML.
func chartParts(t *testing.T, data []byte) map[string]string {
	t.Helper()
	checkChartXML(t, data)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	out := map[string]string{}
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			rc, err := zf.Open()
			must(t, err)
			var b bytes.Buffer
			_, err = b.ReadFrom(rc)
			rc.Close()
			must(t, err)
			out[zf.Name] = b.String()
		}
	}
	return out
}

// checkChartXML checks that every XML part of the package is well-formed.
func checkChartXML(t *testing.T, data []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		must(t, err)
		dec := xml.NewDecoder(rc)
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Errorf("part %s is not well-formed XML: %v", zf.Name, err)
				break
			}
		}
		rc.Close()
	}
}

func TestSalesWorkbookEnglishAndEmpty(t *testing.T) {
	_, f := exportSales(t, sampleSales(), "en")
	if got, want := f.GetSheetList(), []string{"By hour", "By category", "By product", "By cashier", "By channel"}; !cmp.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	if v, _ := f.GetCellValue("By channel", "A5"); v != "Alipay" {
		t.Errorf("By channel!A5 = %q", v)
	}
	if v, _ := f.GetCellValue("By hour", "A1"); v != "Sales report · By hour  2026-11-25" {
		t.Errorf("title %q", v)
	}
	// A range and a day without sales: headers and zero totals, no chart.
	empty := &pos.SalesReport{From: time.Date(2026, 11, 1, 0, 0, 0, 0, cst), To: time.Date(2026, 12, 1, 0, 0, 0, 0, cst)}
	data, f := exportSales(t, empty, "zh")
	if v, _ := f.GetCellValue("按时段", "A1"); v != "销售报表 · 按时段  2026-11-01 – 2026-11-30" {
		t.Errorf("title of a month %q", v)
	}
	if v, _ := f.GetCellValue("按渠道", "F4", excelize.Options{RawCellValue: true}); v != "0" {
		t.Errorf("empty total net %q", v)
	}
	if n := len(chartParts(t, data)); n != 0 {
		t.Errorf("%d charts of nothing", n)
	}
	if err := ExportSalesXLSX(&bytes.Buffer{}, empty, "fr"); !errors.Is(err, ErrBadLanguage) {
		t.Errorf("lang fr: %v", err)
	}
}

func TestSalesWorkbookFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sales.xlsx")
	must(t, ExportSalesFile(path, sampleSales(), "zh"))
	f, err := excelize.OpenFile(path)
	must(t, err)
	defer f.Close()
	if v, _ := f.GetCellValue("按收银员", "A4"); v != "收银员" {
		t.Errorf("按收银员!A4 = %q", v)
	}
	if err := ExportSalesFile(filepath.Join(t.TempDir(), "no", "such", "dir.xlsx"), sampleSales(), "zh"); err == nil {
		t.Error("export into a missing folder succeeded")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("left behind %d files", len(entries))
	}
}

package reports

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"zhanggui/pos/money"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var cst = time.FixedZone("CST", 8*3600)

var reconDay = time.Date(2026, 11, 25, 0, 0, 0, 0, cst)

func hmAt(h, m int) time.Time {
	return reconDay.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

// sampleRows is a day with every kind of line the sheets treat apart.
func sampleRows() []ReconRow {
	return []ReconRow{
		{Day: reconDay, Channel: "支付宝", Kind: "收款", OutTradeNo: "P1", TradeNo: "2026112522001", SaleNo: "01-01-20261125-0001",
			At: hmAt(9, 0), OnBill: true, InTill: true, BillAmount: 1000, TillAmount: 1000, BillFee: 6, ExpectedFee: 6, Status: "已核对"},
		{Day: reconDay, Channel: "支付宝", Kind: "退款", OutTradeNo: "P1", OutRefundNo: "R1", TradeNo: "2026112522001",
			SaleNo: "01-01-20261125-0001", At: hmAt(9, 30), OnBill: true, InTill: true, BillAmount: 300, TillAmount: 300,
			BillFee: -2, ExpectedFee: -2, Status: "已核对"},
		{Day: reconDay, Channel: "支付宝", Kind: "收款", OutTradeNo: "P2", TradeNo: "2026112522002", At: hmAt(10, 0),
			OnBill: true, BillAmount: 500, BillFee: 3, ExpectedFee: 3, Status: "渠道已扣款，收银机无订单", Difference: true,
			Urgent: true, Action: "紧急：补录订单或原路退款", Key: "alipay:payment:P2:only_provider"},
		{Day: reconDay, Channel: "支付宝", Kind: "收款", OutTradeNo: "P3", TradeNo: "2026112522003", SaleNo: "01-01-20261125-0002",
			At: hmAt(11, 0), OnBill: true, InTill: true, BillAmount: 1200, TillAmount: 1100, BillFee: 7, ExpectedFee: 7,
			Status: "金额不符", Difference: true, Action: "核对订单金额", Key: "alipay:payment:P3:amount_mismatch",
			ResolvedBy: "店主", ResolvedAt: hmAt(20, 0), Note: "改价未保存，已补差"},
		{Day: reconDay, Channel: "微信支付", Kind: "收款", OutTradeNo: "W1", SaleNo: "01-01-20261125-0003", At: hmAt(12, 0),
			InTill: true, TillAmount: 800, Status: "收银机有，渠道未结算", Difference: true, Action: "向渠道查询该订单",
			Key: "wechat:payment:W1:only_till"},
		{Day: reconDay, Channel: "微信支付", Kind: "收款", OutTradeNo: "W2", TradeNo: "42000", SaleNo: "01-01-20261125-0004",
			At: hmAt(23, 59), OnBill: true, InTill: true, BillAmount: 1000, TillAmount: 1000, BillFee: 7, ExpectedFee: 6,
			Status: "手续费不符", Difference: true, FeeDiffers: true, Action: "以账单手续费为准", Key: "wechat:payment:W2:fee_mismatch"},
		// A coupon paid 3.00 of the order, 2.00 of it a 免充值券 the merchant funds.
		{Day: reconDay, Channel: "微信支付", Kind: "收款", OutTradeNo: "W3", TradeNo: "42001", SaleNo: "01-01-20261125-0005",
			At: hmAt(23, 59), OnBill: true, InTill: true, BillAmount: 1000, BillCoupon: 300, BillUnsettled: 200,
			TillAmount: 1000, BillFee: 5, ExpectedFee: 5, Status: "已核对"},
	}
}

func sampleRecon() *Reconciliation {
	rows := sampleRows()
	return &Reconciliation{From: reconDay, To: reconDay, Created: hmAt(30, 0), Rows: slices.Values(rows),
		Channels: []ReconChannel{
			{Name: "支付宝", HaveBill: true, FeeRateBP: 60, Payments: 3, Refunds: 1, Gross: 2700, Refunded: 300,
				FeesCharged: 16, FeesReturned: 2, ExpectedFees: 6 - 2 + 7, TillExpected: 2100 - 300 - 11, Differences: 2, Open: 1},
			{Name: "微信支付", HaveBill: true, FeeRateBP: 60, Payments: 2, Gross: 2000, FeesCharged: 12, Unsettled: 200,
				ExpectedFees: 6 + 5 + 5, TillExpected: 2800 - 200 - 16, Differences: 2, Open: 2},
		},
		Cash: []ReconCashDay{{Day: reconDay, In: 5000, Out: 200}},
	}
}

func exportRecon(t *testing.T, r *Reconciliation, lang string) ([]byte, *excelize.File) {
	t.Helper()
	var buf bytes.Buffer
	if err := ExportReconcileXLSX(&buf, r, lang); err != nil {
		t.Fatalf("ExportReconcileXLSX: %v", err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return buf.Bytes(), f
}

// TestReconcileWorkbookGolden dumps every sheet as shown and compares it
// with testdata/reconcile_{zh,en}.golden (go test -run Golden -update).
func TestReconcileWorkbookGolden(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			_, f := exportRecon(t, sampleRecon(), lang)
			var b strings.Builder
			for _, sheet := range f.GetSheetList() {
				rows, err := f.GetRows(sheet)
				must(t, err)
				fmt.Fprintf(&b, "== %s\n", sheet)
				for _, r := range rows {
					b.WriteString(strings.Join(r, " | ") + "\n")
				}
			}
			path := filepath.Join("testdata", "reconcile_"+lang+".golden")
			if *update {
				must(t, os.MkdirAll("testdata", 0o755))
				must(t, os.WriteFile(path, []byte(b.String()), 0o644))
			}
			want, err := os.ReadFile(path)
			must(t, err)
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("workbook %s (-golden +got):\n%s", lang, diff)
			}
		})
	}
}

// TestReconcileTotals recomputes every total formula with excelize and
// compares it with the figures in Go.
func TestReconcileTotals(t *testing.T) {
	_, f := exportRecon(t, sampleRecon(), "zh")
	for _, tt := range []struct {
		sheet, cell, formula string
		want                 string
	}{
		{"汇总", "B7", "SUM(B4:B6)", "5"},                      // payments
		{"汇总", "D7", "SUM(D4:D6)", yuan(2700 + 2000 + 5000)}, // gross, cash included
		{"汇总", "E7", "SUM(E4:E6)", yuan(300 + 200)},
		{"汇总", "F7", "SUM(F4:F6)", yuan(14 + 12)},
		{"汇总", "G7", "SUM(G4:G6)", yuan(200)}, // the 免充值券 not settled
		{"汇总", "H4", "D4-E4", yuan(2400)},
		{"汇总", "I4", "H4-G4-F4", yuan(2386)},
		{"汇总", "I5", "H5-G5-F5", yuan(2000 - 200 - 12)},
		{"汇总", "I7", "SUM(I4:I6)", yuan(2386 + 1788 + 4800)},
		{"汇总", "K7", "SUM(K4:K6)", yuan(2386 - 1789 + 1788 - 2584)},
		{"汇总", "L7", "SUM(L4:L6)", "4"},
		{"手续费", "G6", "SUM(G4:G5)", yuan(26)},
		{"手续费", "I6", "SUM(I4:I5)", yuan(26 - 27)},
		{"现金", "D5", "SUM(D4:D4)", yuan(4800)},
		{"差异", "J3", "H3-I3", yuan(100)},
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

// yuan is the number a yuan cell holds, as text.
func yuan(f money.Fen) string { return strconv.FormatFloat(yuanCell(f), 'f', -1, 64) }

// sameNumber compares two numbers in text to the fen: the sum of
// doubles can be 4799.999999999999.
func sameNumber(a, b string) bool {
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	d := x - y
	return err1 == nil && err2 == nil && d < 0.000001 && d > -0.000001
}

// TestReconcileLayout checks formats, frozen headers, filters, widths and
// the chart.
func TestReconcileLayout(t *testing.T) {
	data, f := exportRecon(t, sampleRecon(), "zh")
	if got, want := f.GetSheetList(), []string{"汇总", "明细", "差异", "手续费", "现金"}; !cmp.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	for sheet, cells := range map[string][]string{"汇总": {"D4", "G5", "I7"}, "明细": {"I2", "J8", "K8", "N7"}, "差异": {"H2", "J2"},
		"手续费": {"E4", "I6"}, "现金": {"B4", "D5"}} {
		for _, c := range cells {
			checkNumFmt(t, f, sheet, c, `"¥"#,##0.00`)
		}
	}
	checkNumFmt(t, f, "明细", "H2", "yyyy-mm-dd hh:mm:ss")
	if v, _ := f.GetCellValue("明细", "H2"); v != "2026-11-25 09:00:00" {
		t.Errorf("明细!H2 shows %q, want the Beijing time", v)
	}
	for sheet, want := range map[string]excelize.Panes{"汇总": {Freeze: true, YSplit: 3, TopLeftCell: "A4"},
		"明细": {Freeze: true, YSplit: 1, TopLeftCell: "A2"}, "差异": {Freeze: true, YSplit: 1, TopLeftCell: "A2"}} {
		p, err := f.GetPanes(sheet)
		if err != nil || p.Freeze != want.Freeze || p.YSplit != want.YSplit || p.TopLeftCell != want.TopLeftCell {
			t.Errorf("%s panes %+v, %v; want %+v", sheet, p, err, want)
		}
	}
	filters := map[string]bool{}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" {
			filters[d.RefersTo] = true
		}
	}
	for _, want := range []string{"'明细'!$A$1:$O$8", "'差异'!$A$1:$Q$5", "'汇总'!$A$3:$N$6", "'手续费'!$A$3:$I$5",
		"'现金'!$A$3:$F$4"} {
		if !filters[want] {
			t.Errorf("no filter over %s; filters %v", want, filters)
		}
	}
	if w, _ := f.GetColWidth("明细", "D"); w < 30 {
		t.Errorf("明细 order number column width %v", w)
	}
	checkChart(t, data)
	rows, _ := f.GetRows("差异")
	if len(rows) != 5 || rows[2][14] != "店主" || rows[2][16] != "改价未保存，已补差" || rows[1][11] != "是" {
		t.Errorf("差异 rows %q: want 4 differences, the resolved one with its note, the urgent one marked", rows)
	}
}

func checkNumFmt(t *testing.T, f *excelize.File, sheet, ref, want string) {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	must(t, err)
	st, err := f.GetStyle(id)
	must(t, err)
	if st.CustomNumFmt == nil || *st.CustomNumFmt != want {
		t.Errorf("%s!%s number format %v, want %s", sheet, ref, st.CustomNumFmt, want)
	}
}

// checkChart checks that every part of the package is well-formed XML,
// finds the chart and that the summary sheet points to it.
func checkChart(t *testing.T, data []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	var chart, drawing bool
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		var b bytes.Buffer
		_, _ = b.ReadFrom(rc)
		rc.Close()
		dec := xml.NewDecoder(bytes.NewReader(b.Bytes()))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Errorf("part %s is not well-formed XML: %v", zf.Name, err)
				break
			}
		}
		switch zf.Name {
		case "xl/charts/chart1.xml":
			chart = strings.Contains(b.String(), "<barChart>") && strings.Contains(b.String(), "汇总&#39;!$D$4:$D$6") // the takings column
		case "xl/worksheets/sheet1.xml":
			drawing = strings.Contains(b.String(), "<drawing ")
		}
	}
	if !chart || !drawing {
		t.Errorf("chart of takings: chart part %v, drawn on 汇总 %v", chart, drawing)
	}
}

func TestReconcileBadLanguage(t *testing.T) {
	if err := ExportReconcileXLSX(&bytes.Buffer{}, sampleRecon(), "fr"); err == nil {
		t.Error("lang fr accepted")
	}
}

package reports

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"zhanggui/pos/money"
)

// benchRows is the size of BenchmarkExportReconcile1M: the issue's
// 1,000,000 rows, or ZHANGGUI_BENCH_ROWS.
func benchRows(b *testing.B) int {
	if s := os.Getenv("ZHANGGUI_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 10 {
			b.Fatalf("ZHANGGUI_BENCH_ROWS=%q", s)
		}
		return n
	}
	return 1_000_000
}

// bigRecon is a day of n transactions over three channels, one in a
// thousand a difference and one in five thousand a fee difference. With
// stream set, the rows are made as the workbook asks for them, the way the
// exporter meets rows read from the database; otherwise they are all in
// memory first (about 300 bytes and three strings a row).
func bigRecon(n int, stream bool) *Reconciliation {
	ch := ReconChannel{Name: "支付宝", HaveBill: true, FeeRateBP: 60, Payments: n / 3, Gross: money.Fen(n) * 5000}
	r := &Reconciliation{From: reconDay, To: reconDay, Channels: []ReconChannel{ch, ch, ch},
		Cash: []ReconCashDay{{Day: reconDay, In: 100000, Out: 500}}}
	if stream {
		r.Rows = func(yield func(ReconRow) bool) {
			for i := range n {
				if !yield(bigRow(i, n)) {
					return
				}
			}
		}
		return r
	}
	rows := make([]ReconRow, n)
	for i := range rows {
		rows[i] = bigRow(i, n)
	}
	r.Rows = slices.Values(rows)
	return r
}

// padded is prefix and n in width digits (fmt.Sprintf's %0*d, cheaper).
func padded(prefix string, n, width int) string {
	d := strconv.Itoa(n)
	return prefix + strings.Repeat("0", max(width-len(d), 0)) + d
}

var bigNames = []string{"支付宝", "微信支付", "银联/数字人民币/银行卡"}

// bigRow is row i of n.
func bigRow(i, n int) ReconRow {
	{
		names := bigNames
		step := 86400 * time.Second / time.Duration(n)
		amount := money.Fen(100 + i%9900)
		fee := money.Percent(amount, 60)
		r := ReconRow{Day: reconDay, Channel: names[i%3], Kind: "收款", OutTradeNo: padded("0195a3b2c4d5e6f7", i, 16),
			TradeNo: padded("4200001234", i, 18), SaleNo: padded("01-01-20261125-", i%10000, 4),
			At: reconDay.Add(time.Duration(i) * step), OnBill: true, InTill: true, BillAmount: amount, TillAmount: amount,
			BillFee: fee, ExpectedFee: fee, Status: "已核对"}
		if i%1000 == 7 {
			r.InTill, r.SaleNo, r.Status, r.Difference, r.Urgent = false, "", "渠道已扣款，收银机无订单", true, true
			r.Action, r.Key = "紧急：补录订单或原路退款", "alipay:payment:"+r.OutTradeNo+":only_provider"
		}
		if i%5000 == 11 {
			r.BillFee++
			r.Status, r.Difference, r.FeeDiffers, r.Action = "手续费不符", true, true, "以账单手续费为准"
			r.Key = "wechat:payment:" + r.OutTradeNo + ":fee_mismatch"
		}
		return r
	}
}

// BenchmarkExportReconcile1M writes the workbook of a million
// transactions to a file (target: under 30 s, peak memory under 500 MB),
// the rows made as the exporter asks for them. It reports the process's
// peak RSS and the heap the export allocated. Run it alone (-bench with
// ^…$): peak RSS is the process's, whatever ran before.
func BenchmarkExportReconcile1M(b *testing.B) { benchExport(b, true) }

// BenchmarkExportReconcile1MInMemory is the same with every row in memory
// first: the peak then includes the rows themselves (about 400 MB). It
// runs with ZHANGGUI_BENCH_INMEMORY=1 only, to keep make bench lean.
func BenchmarkExportReconcile1MInMemory(b *testing.B) {
	if os.Getenv("ZHANGGUI_BENCH_INMEMORY") != "1" {
		b.Skip("set ZHANGGUI_BENCH_INMEMORY=1 to export a million rows held in memory")
	}
	benchExport(b, false)
}

func benchExport(b *testing.B, stream bool) {
	r := bigRecon(benchRows(b), stream)
	path := filepath.Join(b.TempDir(), "recon.xlsx")
	runtime.GC()
	resetPeakRSS()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := ExportReconcileFile(path, r, "zh"); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
	b.ReportMetric(float64(after.HeapSys)/(1<<20), "heap-sys-MB")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "alloc-MB/op")
	b.ReportMetric(float64(st.Size())/(1<<20), "file-MB")
}

// resetPeakRSS starts the process's peak RSS afresh (Linux: writing 5 to
// /proc/self/clear_refs), so the figure is this benchmark's, not that of
// one run before it in the same process.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSSMB is the peak RSS since resetPeakRSS (VmHWM), or, where /proc
// cannot say, the process's since it started.
func peakRSSMB() float64 {
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
				if kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))); err == nil {
					return float64(kb) / 1024
				}
			}
		}
	}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru) // Linux: Maxrss in KiB
	return float64(ru.Maxrss) / 1024
}

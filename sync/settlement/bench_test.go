package settlement_test

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/settlement"
)

// benchRows is the size of the reconciliation benchmarks: 1,000,000 bill
// rows against 1,000,000 till records (the target), or
// ZHANGGUI_BENCH_ROWS.
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

// bigDay makes n bill rows and n till records of one day: nine in ten
// rows payments, the rest refunds of earlier ones, one record in a
// thousand missing on one side and one amount in a thousand different.
func bigDay(n int) settlement.Input {
	in := settlement.Input{Channel: settlement.Wechat, Day: day, HaveBill: all3,
		Bill: make([]settlement.Row, 0, n), Payments: make([]settlement.TillPayment, 0, n)}
	step := 86400 * time.Second / time.Duration(n)
	pays := 0
	for i := 0; i < n; i++ {
		at := day.Add(time.Duration(i) * step)
		if i%10 == 9 && pays > 0 {
			no := fmt.Sprintf("P%09d", i-9)
			rno := fmt.Sprintf("R%09d", i)
			in.Bill = append(in.Bill, settlement.Row{Line: i + 2, Provider: pos.Wechat, Kind: settlement.KindRefund,
				OutTradeNo: no, OutRefundNo: rno, TradeNo: "T" + no, Amount: 100, Fee: -1, At: at})
			in.Refunds = append(in.Refunds, settlement.TillRefund{ID: rno, PaymentID: no, SaleNo: "S" + no,
				Amount: 100, State: pos.RefundDone, At: at})
			continue
		}
		no := fmt.Sprintf("P%09d", i)
		amount := money.Fen(100 + i%9900)
		if i%1000 != 500 {
			in.Bill = append(in.Bill, settlement.Row{Line: i + 2, Provider: pos.Wechat, Kind: settlement.KindPayment,
				OutTradeNo: no, TradeNo: "T" + no, Amount: amount, Fee: money.Percent(amount, 60), At: at})
		}
		if i%1000 == 700 {
			amount++
		}
		if i%1000 != 300 {
			in.Payments = append(in.Payments, settlement.TillPayment{ID: no, Provider: pos.Wechat, Amount: amount,
				State: pos.PaySucceeded, At: at, SaleNo: "S" + no})
		}
		pays++
	}
	return in
}

// BenchmarkReconcile1M reconciles a million bill rows against a million
// till records (target: under 10 s). It reports the peak heap.
func BenchmarkReconcile1M(b *testing.B) {
	in := bigDay(benchRows(b))
	b.ReportAllocs()
	b.ResetTimer()
	var res settlement.Result
	for i := 0; i < b.N; i++ {
		res = settlement.Reconcile(in, settlement.Config{})
	}
	b.StopTimer()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(len(in.Bill)), "bill-rows")
	b.ReportMetric(float64(len(in.Payments)+len(in.Refunds)), "till-records")
	b.ReportMetric(float64(res.Summary.Differences), "differences")
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-sys-MB")
}

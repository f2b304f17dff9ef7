package alipay

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/sync/settlement"
)

func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// TestDownloadBill pays at 23:59:58 and just after midnight, refunds, and
// downloads both days' bills from the simulator.
func TestDownloadBill(t *testing.T) {
	e := newEnv(t, nil)
	day := time.Date(2025, 3, 10, 0, 0, 0, 0, beijing)
	e.clock.set(day.Add(24*time.Hour - 2*time.Second))
	late := e.payReq("bill", 1000)
	res, err := e.c.Pay(ctx, late)
	want(t, "pay at 23:59:58", res, err, pos.StatusSuccess)
	e.clock.set(day.Add(24*time.Hour + time.Second))
	res, err = e.c.Refund(ctx, pos.RefundRequest{OutTradeNo: late.OutTradeNo, OutRefundNo: "R1", Amount: 300, Total: 1000})
	want(t, "refund after midnight", res, err, pos.StatusSuccess)

	if _, err := e.c.DownloadBill(ctx, day.AddDate(0, 0, 1)); !errors.Is(err, ErrNoBill) || pos.ErrorCode(err) != pos.CodeNotFound {
		t.Errorf("bill of today: %v, want ErrNoBill with CodeNotFound", err)
	}
	e.clock.set(day.AddDate(0, 0, 2).Add(9 * time.Hour))
	for _, tt := range []struct {
		day  time.Time
		kind settlement.Kind
		fee  int64
	}{
		{day, settlement.KindPayment, 6},                  // 0.6% of 10.00
		{day.AddDate(0, 0, 1), settlement.KindRefund, -2}, // 0.6% of 3.00 = 0.018 → 0.02 back
	} {
		data, err := e.c.DownloadBill(ctx, tt.day)
		if err != nil {
			t.Fatalf("bill %s: %v", tt.day.Format("2006-01-02"), err)
		}
		b, err := settlement.ParseAlipay(data)
		if err != nil {
			t.Fatalf("parse bill %s: %v", tt.day.Format("2006-01-02"), err)
		}
		if len(b.Rows) != 1 || b.Rows[0].Kind != tt.kind || b.Rows[0].OutTradeNo != late.OutTradeNo || int64(b.Rows[0].Fee) != tt.fee {
			t.Errorf("bill %s rows %+v, want one %s of %s with fee %d", tt.day.Format("2006-01-02"), b.Rows, tt.kind, late.OutTradeNo, tt.fee)
		}
	}
}

func TestDownloadBillUntrusted(t *testing.T) {
	for _, tt := range []struct {
		name   string
		status int
		body   string
	}{
		{"unsigned", http.StatusOK, `{"alipay_data_dataservice_bill_downloadurl_query_response":{"code":"10000","bill_download_url":"http://x/y"}}`},
		{"HTTP 502", http.StatusBadGateway, `bad gateway`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.Gateway = fixed(t, tt.status, tt.body) })
			_, err := e.c.DownloadBill(ctx, time.Now().AddDate(0, 0, -1))
			if err == nil || pos.ErrorCode(err) != pos.CodeUnavailable {
				t.Errorf("DownloadBill = %v, want a CodeUnavailable error", err)
			}
		})
	}
}

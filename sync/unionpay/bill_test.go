package unionpay

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/sync/providersim"
	"zhanggui/sync/settlement"
)

// TestDownloadBill fetches the simulator's acquirer bill: not made before
// 06:00 the next day, then a signed gzip file that settlement parses into
// exactly the day's movements.
func TestDownloadBill(t *testing.T) {
	e := newEnv(t, nil)
	day := e.clock.Now()
	pay := e.payReq(providersim.UnionPay, "b1", 1500)
	r, err := e.c.Pay(ctx, pay)
	want(t, "pay", r, err, pos.StatusSuccess)
	ecny := e.payReq(providersim.ECNY, "b1", 1999)
	r, err = e.c.Pay(ctx, ecny)
	want(t, "pay e-CNY", r, err, pos.StatusSuccess)
	r, err = e.c.Refund(ctx, pos.RefundRequest{OutTradeNo: pay.OutTradeNo, OutRefundNo: newNo("R"), Amount: 500, Total: 1500})
	want(t, "refund", r, err, pos.StatusSuccess)

	_, err = e.c.DownloadBill(ctx, day)
	if !errors.Is(err, ErrNoBill) || pos.ErrorCode(err) != pos.CodeNotFound {
		t.Fatalf("bill of today: %v (code %s), want ErrNoBill, CodeNotFound", err, pos.ErrorCode(err))
	}
	e.clock.Advance(48 * time.Hour)
	data, err := e.c.DownloadBill(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	b, err := settlement.ParseAcquirer(data)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range b.Rows {
		got = append(got, row.Kind.String()+" "+row.OutTradeNo+" "+row.Signed().String())
	}
	wantRows := []string{"payment " + pay.OutTradeNo + " 15.00", "payment " + ecny.OutTradeNo + " 19.99",
		"refund " + pay.OutTradeNo + " -5.00"}
	if strings.Join(got, "\n") != strings.Join(wantRows, "\n") {
		t.Errorf("bill rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantRows, "\n"))
	}
}

// TestDownloadBillUntrusted refuses an answer that is not signed, and an
// answer to a request signed with the wrong key, as CodeUnavailable.
func TestDownloadBillUntrusted(t *testing.T) {
	e := newEnv(t, nil)
	e.clock.Advance(48 * time.Hour)
	c := e.client(t, func(c *Config) { c.HMACKeyHex = strings.Repeat("ab", 32) })
	if _, err := c.DownloadBill(ctx, e.clock.Now().Add(-30*time.Hour)); pos.ErrorCode(err) != pos.CodeUnavailable ||
		!errors.Is(err, ErrBadSignature) {
		t.Errorf("wrong key: %v, want ErrBadSignature, CodeUnavailable", err)
	}
	c = e.client(t, func(c *Config) {
		c.BaseURL = fixed(t, http.StatusOK, http.Header{"Content-Type": {"text/csv"}}, "交易时间,交易类型\n")
	})
	if _, err := c.DownloadBill(ctx, e.clock.Now()); !errors.Is(err, ErrUnsigned) || pos.ErrorCode(err) != pos.CodeUnavailable {
		t.Errorf("unsigned bill: %v, want ErrUnsigned, CodeUnavailable", err)
	}
}

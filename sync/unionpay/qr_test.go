package unionpay

import (
	"strings"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/providersim"
)

// qrReq is a QR order of amount with a fresh number.
func qrReq(amount int64) pos.PayRequest {
	return pos.PayRequest{OutTradeNo: newNo("Q"), Amount: money.Fen(amount),
		Subject: "掌柜-测试店"}
}

func TestPrecreatePaid(t *testing.T) {
	e := newEnv(t, nil)
	r := qrReq(1288)
	res, err := e.c.Precreate(ctx, r)
	want(t, "Precreate", res, err, pos.StatusWaiting)
	if !strings.HasPrefix(res.QR, "https://qr.95516.com/00010000/") || res.Reason != reasonQR {
		t.Fatalf("Precreate = %+v", res)
	}
	q, err := e.c.Query(ctx, r.OutTradeNo)
	want(t, "Query unscanned", q, err, pos.StatusWaiting)
	if err := e.sim.CustomerScan(r.OutTradeNo); err != nil {
		t.Fatal(err)
	}
	q, err = e.c.Query(ctx, r.OutTradeNo)
	want(t, "Query scanned", q, err, pos.StatusWaiting)
	if err := e.sim.CustomerPayAs(r.OutTradeNo, "qr1"); err != nil {
		t.Fatal(err)
	}
	q, err = e.c.Query(ctx, r.OutTradeNo)
	want(t, "Query paid", q, err, pos.StatusSuccess)
	if q.Amount != r.Amount || q.TradeNo == "" {
		t.Errorf("paid = %+v", q)
	}
	again, err := e.c.Precreate(ctx, r)
	want(t, "Precreate of a paid order", again, err, pos.StatusSuccess)
	// the till gives up too late: the close is refused, the order is paid
	res, err = e.c.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel of a paid QR", res, err, pos.StatusFailed)
	if net, n, _ := e.net(r.OutTradeNo); net != r.Amount || n != 1 {
		t.Errorf("net %v in %d payments, want %v in 1", net, n, r.Amount)
	}
}

func TestPrecreateClosedUnpaid(t *testing.T) {
	e := newEnv(t, nil)
	r := qrReq(500)
	if _, err := e.c.Precreate(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.CustomerScan(r.OutTradeNo); err != nil { // scans, then walks away
		t.Fatal(err)
	}
	res, err := e.c.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel", res, err, pos.StatusClosed)
	if err := e.sim.CustomerPay(r.OutTradeNo); err == nil {
		t.Error("a closed QR was paid")
	}
	q, err := e.c.Query(ctx, r.OutTradeNo)
	want(t, "Query", q, err, pos.StatusClosed)
	if net, n, _ := e.net(r.OutTradeNo); net != 0 || n != 0 {
		t.Errorf("a closed QR booked %v in %d payments", net, n)
	}
	// a client that never precreated it (the till restarted) reverses it
	other := e.client(t, nil)
	r2 := qrReq(600)
	if _, err := e.c.Precreate(ctx, r2); err != nil {
		t.Fatal(err)
	}
	res, err = other.Cancel(ctx, r2.OutTradeNo)
	want(t, "Cancel after a restart", res, err, pos.StatusClosed)
	res, err = e.c.Cancel(ctx, newNo("X"))
	want(t, "Cancel of an unknown order", res, err, pos.StatusNotFound)
}

func TestPrecreateRefusedAndUnknown(t *testing.T) {
	e := newEnv(t, nil)
	r := qrReq(700)
	e.sim.Script(providersim.OnOutTradeNo(r.OutTradeNo), providersim.SystemErrorHiddenFail)
	res, err := e.c.Precreate(ctx, r)
	want(t, "Precreate with a system error", res, err, pos.StatusUnknown)
	res, err = e.c.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel of the unknown order", res, err, pos.StatusNotFound)

	if _, err := e.c.Precreate(ctx, r); err != nil {
		t.Fatal(err)
	}
	res, err = e.c.Precreate(ctx, pos.PayRequest{OutTradeNo: r.OutTradeNo, Amount: 701})
	want(t, "Precreate with another amount", res, err, pos.StatusFailed)
	res, err = e.c.Precreate(ctx, pos.PayRequest{OutTradeNo: newNo("Q"), Amount: 0})
	if res.Status != pos.StatusFailed || pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("Precreate of 0 fen = %+v, %v", res, err)
	}
}

func TestPrecreateExpiry(t *testing.T) {
	for _, tt := range []struct {
		cfg  time.Duration
		want int64
	}{{0, 300}, {time.Second, 60}, {90 * time.Second, 90}, {5 * time.Hour, 7200}} {
		c := &Client{cfg: Config{QRTimeout: tt.cfg}}
		if got := c.qrSeconds(); got != tt.want {
			t.Errorf("QRTimeout %v: expire_seconds %d, want %d", tt.cfg, got, tt.want)
		}
	}
	e := newEnv(t, func(c *Config) { c.QRTimeout = time.Minute })
	r := qrReq(100)
	if _, err := e.c.Precreate(ctx, r); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(61 * time.Second)
	if err := e.sim.CustomerPay(r.OutTradeNo); err == nil {
		t.Error("an expired QR was paid")
	}
}

package alipay

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/providersim"
)

var ctx = context.Background()

func TestPaySuccess(t *testing.T) {
	e := newEnv(t, nil)
	r := e.payReq("u1", 8888)
	res, err := e.c.Pay(ctx, r)
	want(t, "Pay", res, err, pos.StatusSuccess)
	if res.TradeNo == "" || res.Amount != 8888 || !strings.Contains(res.Buyer, "****") {
		t.Errorf("Pay = %+v, want a trade number, 8888 fen and a masked buyer", res)
	}
	q, err := e.c.Query(ctx, r.OutTradeNo)
	want(t, "Query", q, err, pos.StatusSuccess)
	if q.TradeNo != res.TradeNo || q.Amount != 8888 || q.Buyer != res.Buyer {
		t.Errorf("Query = %+v, want the paid trade %+v", q, res)
	}
	if net, n, _ := e.net(r.OutTradeNo); net != 8888 || n != 1 {
		t.Errorf("simulator booked %v in %d payments, want 88.88 once", net, n)
	}
}

func TestPayPasswordThenSuccess(t *testing.T) {
	e := newEnv(t, nil)
	r := e.payReq("u1", 1500)
	e.sim.Script(providersim.OnCode(r.AuthCode), providersim.PasswordThenSuccess(2, 0))
	res, err := e.c.Pay(ctx, r)
	want(t, "Pay", res, err, pos.StatusWaiting) // 10003: smartwalle's IsSuccess would say paid
	if res.TradeNo == "" || res.Reason == "" {
		t.Errorf("Pay = %+v, want the trade number and a reason", res)
	}
	q, err := e.c.Query(ctx, r.OutTradeNo)
	want(t, "first Query", q, err, pos.StatusWaiting)
	q, err = e.c.Query(ctx, r.OutTradeNo)
	want(t, "second Query", q, err, pos.StatusSuccess)
	if q.Amount != 1500 || q.TradeNo != res.TradeNo {
		t.Errorf("Query = %+v, want 15.00 on %s", q, res.TradeNo)
	}
}

func TestPayRefused(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(e *env, r pos.PayRequest)
		status pos.ProviderStatus
		reason string
	}{
		{"insufficient balance", func(e *env, r pos.PayRequest) { e.sim.SetBalance("poor", 100) },
			pos.StatusFailed, "余额不足，请顾客更换付款方式"},
		{"scripted insufficient", func(e *env, r pos.PayRequest) {
			e.sim.Script(providersim.OnCode(r.AuthCode), providersim.InsufficientBalance)
		}, pos.StatusFailed, "余额不足，请顾客更换付款方式"},
		{"code expired by the clock", func(e *env, r pos.PayRequest) { e.clock.Advance(61 * time.Second) },
			pos.StatusFailed, "付款码已过期，请顾客刷新付款码"},
		{"scripted expired", func(e *env, r pos.PayRequest) {
			e.sim.Script(providersim.OnCode(r.AuthCode), providersim.CodeExpired)
		}, pos.StatusFailed, "付款码已过期，请顾客刷新付款码"},
		{"risk", func(e *env, r pos.PayRequest) {
			e.sim.Script(providersim.OnCode(r.AuthCode), providersim.RiskRejected)
		}, pos.StatusFailed, "支付存在风险被拒绝，请顾客更换付款方式"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			r := e.payReq("poor", 888)
			tt.setup(e, r)
			res, err := e.c.Pay(ctx, r)
			want(t, "Pay", res, err, tt.status)
			if res.Reason != tt.reason {
				t.Errorf("Pay reason = %q, want %q", res.Reason, tt.reason)
			}
			if net, n, _ := e.net(r.OutTradeNo); net != 0 || n != 0 {
				t.Errorf("a refused payment booked %v in %d payments", net, n)
			}
		})
	}
}

func TestPayUsedCode(t *testing.T) {
	e := newEnv(t, nil)
	r := e.payReq("u1", 100)
	if res, err := e.c.Pay(ctx, r); err != nil || res.Status != pos.StatusSuccess {
		t.Fatalf("Pay = %+v, %v", res, err)
	}
	again := r
	again.OutTradeNo = newNo("T")
	res, err := e.c.Pay(ctx, again)
	want(t, "Pay with a used code", res, err, pos.StatusFailed)
	if !strings.Contains(res.Reason, "刷新付款码") {
		t.Errorf("reason %q, want it to ask for a fresh code", res.Reason)
	}
}

// TestPayUnknownThenQuery covers every way an answer can be untrustworthy
// after the money moved: the till must say Unknown and learn the truth by
// Query.
func TestPayUnknownThenQuery(t *testing.T) {
	tests := []struct {
		name   string
		b      providersim.Behaviour
		target error // in the error chain, if any specific
		after  pos.ProviderStatus
	}{
		{"system error, hidden success", providersim.SystemErrorHiddenSuccess, ErrSystemError, pos.StatusSuccess},
		{"system error, nothing done", providersim.SystemErrorHiddenFail, ErrSystemError, pos.StatusNotFound},
		{"dropped after the charge", providersim.DropConnectionAfterCharge, nil, pos.StatusSuccess},
		{"bad signature", providersim.BadSignature, ErrBadSignature, pos.StatusSuccess},
		{"rate limited", providersim.RateLimited, ErrSystemError, pos.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			r := e.payReq("u1", 2000)
			e.sim.Script(providersim.OnCode(r.AuthCode), tt.b)
			res, err := e.c.Pay(ctx, r)
			want(t, "Pay", res, err, pos.StatusUnknown)
			if tt.target != nil {
				wantErr(t, "Pay", err, tt.target)
			}
			q, err := e.c.Query(ctx, r.OutTradeNo)
			want(t, "Query", q, err, tt.after)
			if tt.after == pos.StatusSuccess && q.Amount != 2000 {
				t.Errorf("Query amount %v, want 20.00", q.Amount)
			}
		})
	}
}

func TestPaySlowAnswer(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Timeout = 150 * time.Millisecond })
	r := e.payReq("u1", 300)
	e.sim.Script(providersim.OnCode(r.AuthCode), providersim.SlowAnswer(3*time.Second))
	start := time.Now()
	res, err := e.c.Pay(ctx, r)
	want(t, "Pay", res, err, pos.StatusUnknown)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Pay took %v with a 150 ms timeout", d)
	}
	q, err := e.c.Query(ctx, r.OutTradeNo)
	want(t, "Query", q, err, pos.StatusSuccess)
}

func TestPayCallerContext(t *testing.T) {
	e := newEnv(t, nil)
	r := e.payReq("u1", 300)
	e.sim.Script(providersim.OnCode(r.AuthCode), providersim.SlowAnswer(3*time.Second))
	c, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	res, err := e.c.Pay(c, r)
	want(t, "Pay with the caller's deadline", res, err, pos.StatusUnknown)
}

func TestPayRepeatIsIdempotent(t *testing.T) {
	e := newEnv(t, nil)
	r := e.payReq("u1", 700)
	e.sim.Script(providersim.OnCode(r.AuthCode), providersim.DropConnectionAfterCharge)
	res, err := e.c.Pay(ctx, r)
	want(t, "Pay", res, err, pos.StatusUnknown)
	res, err = e.c.Pay(ctx, r) // the same request again, same code
	want(t, "Pay again", res, err, pos.StatusSuccess)
	if net, n, _ := e.net(r.OutTradeNo); net != 700 || n != 1 {
		t.Errorf("simulator booked %v in %d payments, want 7.00 once", net, n)
	}
}

func TestCancelWaiting(t *testing.T) {
	e := newEnv(t, nil)
	r := e.payReq("u1", 4200)
	e.sim.Script(providersim.OnCode(r.AuthCode), providersim.PasswordThenSuccess(0, 0))
	res, err := e.c.Pay(ctx, r)
	want(t, "Pay", res, err, pos.StatusWaiting)
	res, err = e.c.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel", res, err, pos.StatusClosed)
	if res.Code != "10000 action=close" || res.Retry {
		t.Errorf("Cancel = %+v, want action close, no retry", res)
	}
	if net, n, _ := e.net(r.OutTradeNo); net != 0 || n != 0 {
		t.Errorf("a cancelled waiting payment booked %v in %d payments", net, n)
	}
	q, err := e.c.Query(ctx, r.OutTradeNo)
	want(t, "Query", q, err, pos.StatusClosed)
	if err := e.sim.CustomerConfirmPassword(r.OutTradeNo); err == nil {
		t.Error("the customer could still confirm a cancelled payment")
	}
}

func TestCancelPaidRefunds(t *testing.T) {
	e := newEnv(t, nil)
	r := e.payReq("u1", 999)
	e.sim.Script(providersim.OnCode(r.AuthCode), providersim.SystemErrorHiddenSuccess)
	res, err := e.c.Pay(ctx, r)
	want(t, "Pay", res, err, pos.StatusUnknown)
	res, err = e.c.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel", res, err, pos.StatusClosed)
	if res.Code != "10000 action=refund" {
		t.Errorf("Cancel code %q, want action refund", res.Code)
	}
	if net, n, back := e.net(r.OutTradeNo); net != 0 || n != 1 || back != 1 {
		t.Errorf("net %v after %d payments and %d returns, want 0 after one each", net, n, back)
	}
	res, err = e.c.Cancel(ctx, r.OutTradeNo) // a retried cancel returns nothing twice
	want(t, "Cancel again", res, err, pos.StatusClosed)
	if net, _, back := e.net(r.OutTradeNo); net != 0 || back != 1 {
		t.Errorf("net %v after %d returns, want 0 after one", net, back)
	}
}

func TestCancelUnknownTrade(t *testing.T) {
	e := newEnv(t, nil)
	res, err := e.c.Cancel(ctx, newNo("X"))
	want(t, "Cancel", res, err, pos.StatusNotFound)
}

func TestCancelSystemError(t *testing.T) {
	e := newEnv(t, nil)
	r := e.payReq("u1", 500)
	if _, err := e.c.Pay(ctx, r); err != nil {
		t.Fatal(err)
	}
	e.sim.Script(providersim.OnOutTradeNo(r.OutTradeNo), providersim.SystemErrorHiddenSuccess)
	res, err := e.c.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel", res, err, pos.StatusUnknown)
	if net, _, _ := e.net(r.OutTradeNo); net != 0 {
		t.Errorf("net %v, want 0: the hidden cancel did its work", net)
	}
}

func TestRefunds(t *testing.T) {
	e := newEnv(t, nil)
	r := e.payReq("u1", 1000)
	if res, err := e.c.Pay(ctx, r); err != nil || res.Status != pos.StatusSuccess {
		t.Fatalf("Pay = %+v, %v", res, err)
	}
	refund := func(no string, amount money.Fen) (pos.ProviderResult, error) {
		return e.c.Refund(ctx, pos.RefundRequest{OutTradeNo: r.OutTradeNo, OutRefundNo: no, Amount: amount,
			Total: 1000, Reason: "顾客退货"})
	}
	res, err := refund("R1", 300)
	want(t, "partial Refund", res, err, pos.StatusSuccess)
	if res.Amount != 300 || res.Code != "10000 fund_change=Y" {
		t.Errorf("Refund = %+v, want 3.00 with fund_change=Y", res)
	}
	res, err = refund("R1", 300)
	want(t, "retried Refund", res, err, pos.StatusSuccess)
	if res.Code != "10000 fund_change=N" {
		t.Errorf("retried Refund code %q, want fund_change=N", res.Code)
	}
	res, err = refund("R2", 800)
	want(t, "Refund beyond the rest", res, err, pos.StatusFailed)
	if !strings.Contains(res.Reason, "超过可退金额") {
		t.Errorf("reason %q", res.Reason)
	}
	res, err = refund("R3", 700)
	want(t, "Refund of the rest", res, err, pos.StatusSuccess)
	if net, _, back := e.net(r.OutTradeNo); net != 0 || back != 2 {
		t.Errorf("net %v after %d refunds, want 0 after 2 (R1 once, R3)", net, back)
	}
	rq, err := e.c.RefundQuery(ctx, r.OutTradeNo, "R1")
	want(t, "RefundQuery R1", rq, err, pos.StatusSuccess)
	if rq.Amount != 300 {
		t.Errorf("RefundQuery amount %v, want 3.00", rq.Amount)
	}
	rq, err = e.c.RefundQuery(ctx, r.OutTradeNo, "R2")
	want(t, "RefundQuery of the refused R2", rq, err, pos.StatusNotFound)
	q, err := e.c.Query(ctx, r.OutTradeNo)
	want(t, "Query of a fully refunded trade", q, err, pos.StatusClosed)
	res, err = refund("R4", 1)
	want(t, "Refund of a fully refunded trade", res, err, pos.StatusFailed)
}

func TestRefundFullAndUnknown(t *testing.T) {
	e := newEnv(t, nil)
	r := e.payReq("u1", 1234)
	if _, err := e.c.Pay(ctx, r); err != nil {
		t.Fatal(err)
	}
	e.sim.Script(providersim.OnOutTradeNo(r.OutTradeNo), providersim.DropConnectionAfterCharge)
	req := pos.RefundRequest{OutTradeNo: r.OutTradeNo, OutRefundNo: "RF1", Amount: 1234, Total: 1234}
	res, err := e.c.Refund(ctx, req)
	want(t, "Refund, connection dropped", res, err, pos.StatusUnknown)
	res, err = e.c.Refund(ctx, req) // the retry carries the same out_request_no
	want(t, "retried Refund", res, err, pos.StatusSuccess)
	if net, _, back := e.net(r.OutTradeNo); net != 0 || back != 1 {
		t.Errorf("net %v after %d refunds, want 0 after 1", net, back)
	}
	res, err = e.c.Refund(ctx, pos.RefundRequest{OutTradeNo: newNo("X"), OutRefundNo: "RF2", Amount: 1})
	want(t, "Refund of an unknown trade", res, err, pos.StatusNotFound)
}

func TestPrecreateCustomerPays(t *testing.T) {
	e := newEnv(t, nil)
	no := newNo("Q")
	res, err := e.c.Precreate(ctx, pos.PayRequest{OutTradeNo: no, Amount: 2599, Subject: "扫码付"})
	want(t, "Precreate", res, err, pos.StatusWaiting)
	if !strings.HasPrefix(res.QR, "https://qr.alipay.com/") {
		t.Errorf("QR %q", res.QR)
	}
	q, err := e.c.Query(ctx, no)
	want(t, "Query before the scan", q, err, pos.StatusNotFound)
	if err := e.sim.CustomerPay(no); err != nil {
		t.Fatal(err)
	}
	q, err = e.c.Query(ctx, no)
	want(t, "Query after the customer paid", q, err, pos.StatusSuccess)
	if q.Amount != 2599 || q.TradeNo == "" {
		t.Errorf("Query = %+v", q)
	}
	// A QR paid at the last moment is closed, not refunded: the cashier
	// learns it was paid instead of the customer losing the payment quietly.
	c, err := e.c.Cancel(ctx, no)
	want(t, "Cancel of a paid QR", c, err, pos.StatusFailed)
	if net, n, back := e.net(no); net != 2599 || n != 1 || back != 0 {
		t.Errorf("net %v after %d payments, %d returns; want 25.99 paid, nothing returned", net, n, back)
	}
}

func TestPrecreateCancel(t *testing.T) {
	e := newEnv(t, nil)
	no := newNo("Q")
	if _, err := e.c.Precreate(ctx, pos.PayRequest{OutTradeNo: no, Amount: 100}); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.CustomerScan(no); err != nil {
		t.Fatal(err)
	}
	q, err := e.c.Query(ctx, no)
	want(t, "Query after the scan", q, err, pos.StatusWaiting)
	res, err := e.c.Cancel(ctx, no)
	want(t, "Cancel (close)", res, err, pos.StatusClosed)
	if err := e.sim.CustomerPay(no); err == nil {
		t.Error("the customer paid a closed QR")
	}
}

func TestPrecreateQRTimeout(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.QRTimeout = 90 * time.Second })
	no := newNo("Q")
	if _, err := e.c.Precreate(ctx, pos.PayRequest{OutTradeNo: no, Amount: 100}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(119 * time.Second) // 90 s rounds up to 2m
	if err := e.sim.CustomerScan(no); err != nil {
		t.Fatalf("scan within the QR's 2 minutes: %v", err)
	}
	e.clock.Advance(2 * time.Second)
	if err := e.sim.CustomerPay(no); err == nil {
		t.Error("the customer paid an expired QR")
	}
}

func TestInvalidAmount(t *testing.T) {
	e := newEnv(t, nil)
	for _, amt := range []money.Fen{0, -5, maxAmount + 1} {
		res, err := e.c.Pay(ctx, pos.PayRequest{OutTradeNo: newNo("T"), AuthCode: "281234567890123456", Amount: amt})
		if res.Status != pos.StatusFailed || pos.ErrorCode(err) != pos.CodeInvalid {
			t.Errorf("Pay(%d fen) = %+v, %v; want Failed, CodeInvalid", amt, res, err)
		}
	}
	if n := len(e.sim.Charges()); n != 0 {
		t.Errorf("%d charges", n)
	}
}

func TestWrongKeyIsConfigError(t *testing.T) {
	e := newEnv(t, nil)
	wrong := e.client(t, func(c *Config) { c.PrivateKeyPEM = e.cred.WeChat.MerchantPrivateKeyPEM })
	r := e.payReq("u1", 100)
	res, err := wrong.Pay(ctx, r)
	want(t, "Pay signed with the wrong key", res, err, pos.StatusFailed)
	if !strings.Contains(res.Reason, "管理员") || !strings.Contains(res.Code, "isv.invalid-signature") {
		t.Errorf("Pay = %+v", res)
	}
	res, err = wrong.Query(ctx, r.OutTradeNo)
	want(t, "Query with the wrong key", res, err, pos.StatusUnknown)
	if !strings.Contains(res.Reason, "管理员") {
		t.Errorf("Query reason %q, want it to name the configuration", res.Reason)
	}
}

func TestNew(t *testing.T) {
	e := newEnv(t, nil)
	good := Config{AppID: e.cred.Alipay.AppID, PrivateKeyPEM: e.cred.Alipay.AppPrivateKeyPEM,
		AlipayPublicKeyPEM: e.cred.Alipay.AlipayPublicKeyPEM}
	bad := []func(*Config){
		func(c *Config) { c.AppID = "" },
		func(c *Config) { c.PrivateKeyPEM = "x" },
		func(c *Config) { c.AlipayPublicKeyPEM = e.cred.Alipay.AppPrivateKeyPEM },
		func(c *Config) { c.Gateway = "::" },
	}
	for i, mod := range bad {
		cfg := good
		mod(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("config %d: New accepted it", i)
		}
	}
	c, err := New(good)
	if err != nil || c.cfg.Gateway != ProductionGateway || c.timeout != DefaultTimeout {
		t.Errorf("New(defaults) = %+v, %v", c, err)
	}
}

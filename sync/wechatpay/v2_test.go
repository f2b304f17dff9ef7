package wechatpay

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/providersim"
)

func TestPaySuccess(t *testing.T) {
	for _, st := range []string{SignHMACSHA256, SignMD5} {
		t.Run(st, func(t *testing.T) {
			e := newEnv(t, nil, func(c *Config) { c.SignType = st })
			r := e.payReq("u1", 8888)
			res, err := e.c.Pay(ctx, r)
			want(t, "Pay", res, err, pos.StatusSuccess)
			if res.TradeNo == "" || res.Amount != 8888 || !strings.Contains(res.Buyer, "****") {
				t.Errorf("Pay = %+v, want a transaction id, 8888 fen and a masked openid", res)
			}
			q, err := e.c.Query(ctx, r.OutTradeNo)
			want(t, "Query", q, err, pos.StatusSuccess)
			if q.TradeNo != res.TradeNo || q.Amount != 8888 {
				t.Errorf("Query = %+v, want the paid order %+v", q, res)
			}
			if net, n, _ := e.net(r.OutTradeNo); net != 8888 || n != 1 {
				t.Errorf("simulator booked %v in %d payments, want 88.88 once", net, n)
			}
		})
	}
}

func TestPayPasswordThenSuccess(t *testing.T) {
	e := newEnv(t, nil, nil)
	r := e.payReq("u1", 1500)
	e.sim.Script(providersim.OnCode(r.AuthCode), providersim.PasswordThenSuccess(2, 0))
	res, err := e.c.Pay(ctx, r)
	want(t, "Pay", res, err, pos.StatusWaiting)
	q, err := e.c.Query(ctx, r.OutTradeNo)
	want(t, "first Query", q, err, pos.StatusWaiting)
	q, err = e.c.Query(ctx, r.OutTradeNo)
	want(t, "second Query", q, err, pos.StatusSuccess)
	if q.Amount != 1500 {
		t.Errorf("Query = %+v, want 15.00", q)
	}
}

func TestPayPasswordThenGiveUp(t *testing.T) {
	e := newEnv(t, nil, nil)
	r := e.payReq("u1", 1500)
	e.sim.Script(providersim.OnCode(r.AuthCode), providersim.PasswordThenFail(1, 0))
	res, err := e.c.Pay(ctx, r)
	want(t, "Pay", res, err, pos.StatusWaiting)
	q, err := e.c.Query(ctx, r.OutTradeNo)
	want(t, "Query", q, err, pos.StatusFailed) // PAYERROR
	if q.Reason == "" {
		t.Error("no reason for PAYERROR")
	}
}

func TestPayRefused(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(e *env, r pos.PayRequest)
		reason string
	}{
		{"insufficient balance", func(e *env, r pos.PayRequest) { e.sim.SetBalance("poor", 100) },
			"余额不足，请顾客更换付款方式"},
		{"scripted insufficient", func(e *env, r pos.PayRequest) {
			e.sim.Script(providersim.OnCode(r.AuthCode), providersim.InsufficientBalance)
		}, "余额不足，请顾客更换付款方式"},
		{"code expired by the clock", func(e *env, r pos.PayRequest) { e.clock.Advance(61 * time.Second) },
			"付款码已过期，请顾客刷新付款码"},
		{"scripted expired", func(e *env, r pos.PayRequest) {
			e.sim.Script(providersim.OnCode(r.AuthCode), providersim.CodeExpired)
		}, "付款码已过期，请顾客刷新付款码"},
		{"risk", func(e *env, r pos.PayRequest) {
			e.sim.Script(providersim.OnCode(r.AuthCode), providersim.RiskRejected)
		}, "交易被拒绝（顾客账户异常或风控），请顾客更换付款方式"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil, nil)
			r := e.payReq("poor", 888)
			tt.setup(e, r)
			res, err := e.c.Pay(ctx, r)
			want(t, "Pay", res, err, pos.StatusFailed)
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
	e := newEnv(t, nil, nil)
	r := e.payReq("u1", 100)
	if res, err := e.c.Pay(ctx, r); err != nil || res.Status != pos.StatusSuccess {
		t.Fatalf("Pay = %+v, %v", res, err)
	}
	again := r
	again.OutTradeNo = newNo("W")
	res, err := e.c.Pay(ctx, again)
	want(t, "Pay with a used code", res, err, pos.StatusFailed)
	if !strings.Contains(res.Reason, "刷新付款码") {
		t.Errorf("reason %q", res.Reason)
	}
	res, err = e.c.Pay(ctx, r) // a retry of the paid order itself
	want(t, "Pay again", res, err, pos.StatusSuccess)
}

func TestPayUnknownThenQuery(t *testing.T) {
	tests := []struct {
		name   string
		b      providersim.Behaviour
		target error
		after  pos.ProviderStatus
	}{
		{"SYSTEMERROR, hidden success", providersim.SystemErrorHiddenSuccess, ErrSystemError, pos.StatusSuccess},
		{"SYSTEMERROR, nothing done", providersim.SystemErrorHiddenFail, ErrSystemError, pos.StatusNotFound},
		{"dropped after the charge", providersim.DropConnectionAfterCharge, nil, pos.StatusSuccess},
		{"bad signature", providersim.BadSignature, ErrBadSignature, pos.StatusSuccess},
		{"rate limited", providersim.RateLimited, ErrSystemError, pos.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil, nil)
			r := e.payReq("u1", 2000)
			e.sim.Script(providersim.OnCode(r.AuthCode), tt.b)
			res, err := e.c.Pay(ctx, r)
			want(t, "Pay", res, err, pos.StatusUnknown)
			if tt.target != nil {
				wantErr(t, "Pay", err, tt.target)
			}
			q, err := e.c.Query(ctx, r.OutTradeNo)
			want(t, "Query", q, err, tt.after)
		})
	}
}

func TestPaySlowAnswer(t *testing.T) {
	e := newEnv(t, nil, func(c *Config) { c.Timeout = 150 * time.Millisecond })
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

func TestCancelWaiting(t *testing.T) {
	e := newEnv(t, nil, nil)
	r := e.payReq("u1", 4200)
	e.sim.Script(providersim.OnCode(r.AuthCode), providersim.PasswordThenSuccess(0, 0))
	res, err := e.c.Pay(ctx, r)
	want(t, "Pay", res, err, pos.StatusWaiting)
	res, err = e.c.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel", res, err, pos.StatusClosed)
	if res.Retry {
		t.Errorf("Cancel = %+v, want no retry", res)
	}
	if net, n, _ := e.net(r.OutTradeNo); net != 0 || n != 0 {
		t.Errorf("a reversed waiting payment booked %v in %d payments", net, n)
	}
	q, err := e.c.Query(ctx, r.OutTradeNo)
	want(t, "Query", q, err, pos.StatusClosed) // REVOKED
	if q.Code != "REVOKED" {
		t.Errorf("Query code %q, want REVOKED", q.Code)
	}
}

func TestCancelPaidReturnsMoney(t *testing.T) {
	e := newEnv(t, nil, nil)
	r := e.payReq("u1", 999)
	e.sim.Script(providersim.OnCode(r.AuthCode), providersim.SystemErrorHiddenSuccess)
	res, err := e.c.Pay(ctx, r)
	want(t, "Pay", res, err, pos.StatusUnknown)
	res, err = e.c.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel", res, err, pos.StatusClosed)
	res, err = e.c.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel again", res, err, pos.StatusClosed)
	if net, n, back := e.net(r.OutTradeNo); net != 0 || n != 1 || back != 1 {
		t.Errorf("net %v after %d payments and %d returns, want 0 after one each", net, n, back)
	}
}

func TestCancelRecall(t *testing.T) {
	e := newEnv(t, nil, nil)
	r := e.payReq("u1", 500)
	if _, err := e.c.Pay(ctx, r); err != nil {
		t.Fatal(err)
	}
	e.sim.Script(providersim.OnOutTradeNo(r.OutTradeNo), providersim.SystemErrorHiddenFail)
	res, err := e.c.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel", res, err, pos.StatusUnknown)
	if !res.Retry {
		t.Errorf("Cancel = %+v, want Retry (recall=Y)", res)
	}
	res, err = e.c.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel again", res, err, pos.StatusClosed)
	if net, _, back := e.net(r.OutTradeNo); net != 0 || back != 1 {
		t.Errorf("net %v after %d returns", net, back)
	}
}

func TestCancelUnknownOrder(t *testing.T) {
	e := newEnv(t, nil, nil)
	res, err := e.c.Cancel(ctx, newNo("X"))
	want(t, "Cancel", res, err, pos.StatusNotFound)
}

func TestCancelPastWindow(t *testing.T) {
	e := newEnv(t, nil, nil)
	r := e.payReq("u1", 500)
	if _, err := e.c.Pay(ctx, r); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(8 * 24 * time.Hour)
	res, err := e.c.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel after 8 days", res, err, pos.StatusFailed)
	if net, _, _ := e.net(r.OutTradeNo); net != 500 {
		t.Errorf("net %v, want 5.00 still paid", net)
	}
}

func TestRefunds(t *testing.T) {
	e := newEnv(t, nil, nil)
	r := e.payReq("u1", 1000)
	if res, err := e.c.Pay(ctx, r); err != nil || res.Status != pos.StatusSuccess {
		t.Fatalf("Pay = %+v, %v", res, err)
	}
	refund := func(no string, amount money.Fen) (pos.ProviderResult, error) {
		return e.c.Refund(ctx, pos.RefundRequest{OutTradeNo: r.OutTradeNo, OutRefundNo: no, Amount: amount,
			Total: 1000, Reason: "顾客退货"})
	}
	res, err := refund("WR1", 300)
	want(t, "partial Refund", res, err, pos.StatusSuccess)
	if res.Amount != 300 {
		t.Errorf("Refund = %+v, want 3.00", res)
	}
	res, err = refund("WR1", 300) // the same request again: idempotent, even within the minute
	want(t, "retried Refund", res, err, pos.StatusSuccess)
	res, err = refund("WR2", 200) // another refund within the minute
	want(t, "second Refund within a minute", res, err, pos.StatusUnknown)
	e.clock.Advance(61 * time.Second)
	res, err = refund("WR2", 800)
	want(t, "Refund beyond the rest", res, err, pos.StatusFailed)
	if !strings.Contains(res.Reason, "大于支付金额") {
		t.Errorf("reason %q", res.Reason)
	}
	res, err = refund("WR3", 700)
	want(t, "Refund of the rest", res, err, pos.StatusSuccess)
	if net, _, back := e.net(r.OutTradeNo); net != 0 || back != 2 {
		t.Errorf("net %v after %d refunds, want 0 after 2 (WR1 once, WR3)", net, back)
	}
	rq, err := e.c.RefundQuery(ctx, r.OutTradeNo, "WR1")
	want(t, "RefundQuery WR1", rq, err, pos.StatusSuccess)
	if rq.Amount != 300 {
		t.Errorf("RefundQuery amount %v", rq.Amount)
	}
	rq, err = e.c.RefundQuery(ctx, r.OutTradeNo, "WR2")
	want(t, "RefundQuery of the refused WR2", rq, err, pos.StatusNotFound)
	q, err := e.c.Query(ctx, r.OutTradeNo)
	want(t, "Query of a refunded order", q, err, pos.StatusSuccess) // REFUND: paid, then refunded
	if q.Code != "REFUND" {
		t.Errorf("Query code %q, want REFUND", q.Code)
	}
}

func TestRefundDroppedThenRetried(t *testing.T) {
	e := newEnv(t, nil, nil)
	r := e.payReq("u1", 1234)
	if _, err := e.c.Pay(ctx, r); err != nil {
		t.Fatal(err)
	}
	e.sim.Script(providersim.OnOutTradeNo(r.OutTradeNo), providersim.DropConnectionAfterCharge)
	req := pos.RefundRequest{OutTradeNo: r.OutTradeNo, OutRefundNo: "WRF1", Amount: 1234, Total: 1234}
	res, err := e.c.Refund(ctx, req)
	want(t, "Refund, connection dropped", res, err, pos.StatusUnknown)
	res, err = e.c.Refund(ctx, req)
	want(t, "retried Refund", res, err, pos.StatusSuccess)
	if net, _, back := e.net(r.OutTradeNo); net != 0 || back != 1 {
		t.Errorf("net %v after %d refunds, want 0 after 1", net, back)
	}
	res, err = e.c.Refund(ctx, pos.RefundRequest{OutTradeNo: newNo("X"), OutRefundNo: "WRF2", Amount: 1, Total: 1})
	want(t, "Refund of an unknown order", res, err, pos.StatusNotFound)
	res, err = e.c.Refund(ctx, pos.RefundRequest{OutTradeNo: r.OutTradeNo, OutRefundNo: "WRF3", Amount: 2, Total: 1})
	if res.Status != pos.StatusFailed || pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("Refund above the total = %+v, %v; want Failed, CodeInvalid", res, err)
	}
}

// TestSecapiClientCert runs reverse and refund against a simulator that
// demands the merchant certificate, as /secapi does.
func TestSecapiClientCert(t *testing.T) {
	e := newEnv(t, func(c *providersim.Config) { c.WeChatRequireClientCert = true }, nil)
	srv := httptest.NewUnstartedServer(e.sim.Handler())
	srv.TLS = &tls.Config{ClientAuth: tls.RequestClientCert}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	with := e.client(t, func(c *Config) { c.BaseURL = srv.URL + "/wechat"; c.HTTPClient = srv.Client() })
	without := e.client(t, func(c *Config) {
		c.BaseURL, c.HTTPClient, c.MerchantCertPEM = srv.URL+"/wechat", srv.Client(), ""
	})
	r := e.payReq("u1", 100)
	if res, err := with.Pay(ctx, r); err != nil || res.Status != pos.StatusSuccess {
		t.Fatalf("Pay over TLS = %+v, %v", res, err)
	}
	res, err := without.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel without the certificate", res, err, pos.StatusUnknown)
	wantErr(t, "Cancel without the certificate", err, ErrReturnFail)
	res, err = with.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel with the certificate", res, err, pos.StatusClosed)
}

// TestUntrustedAnswers: answers from a server that is not the simulator,
// each of which must leave the outcome unknown.
func TestUntrustedAnswers(t *testing.T) {
	e := newEnv(t, nil, nil)
	w := e.cred.WeChat
	signed := func(m map[string]string) string {
		m["sign"] = signV2(m, w.APIv2Key, SignHMACSHA256)
		return string(encodeXML(m))
	}
	paid := func() map[string]string {
		return map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "appid": w.AppID,
			"mch_id": w.MchID, "transaction_id": "4200", "total_fee": "100", "openid": "oUpF8abcdefgh"}
	}
	other := paid()
	other["mch_id"] = "1900000000"
	noAmount := paid()
	delete(noAmount, "total_fee")
	tests := []struct {
		name   string
		status int
		body   string
		target error
	}{
		{"return_code FAIL", 200, `<xml><return_code>FAIL</return_code><return_msg>签名错误</return_msg></xml>`, ErrReturnFail},
		{"unsigned success", 200, string(encodeXML(paid())), ErrUnsigned},
		{"signed with another key", 200, func() string {
			m := paid()
			m["sign"] = signV2(m, strings.Repeat("k", 32), SignHMACSHA256)
			return string(encodeXML(m))
		}(), ErrBadSignature},
		{"MD5 sign when HMAC was asked", 200, func() string {
			m := paid()
			m["sign"] = signV2(m, w.APIv2Key, SignMD5)
			return string(encodeXML(m))
		}(), ErrBadSignature},
		{"another merchant", 200, signed(other), ErrUnexpected},
		{"no amount", 200, signed(noAmount), ErrMalformed},
		{"SYSTEMERROR", 200, signed(map[string]string{"return_code": "SUCCESS", "result_code": "FAIL",
			"err_code": "SYSTEMERROR"}), ErrSystemError},
		{"BANKERROR", 200, signed(map[string]string{"return_code": "SUCCESS", "result_code": "FAIL",
			"err_code": "BANKERROR"}), ErrSystemError},
		{"unknown err_code", 200, signed(map[string]string{"return_code": "SUCCESS", "result_code": "FAIL",
			"err_code": "SOMETHING_NEW"}), ErrUnexpected},
		{"HTTP 500", 500, `<html>error</html>`, ErrHTTPStatus},
		{"HTML", 200, `<html><body>维护中</body></html>`, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.client(t, func(c *Config) { c.BaseURL = fixed(t, tt.status, tt.body) })
			res, err := c.Pay(ctx, pos.PayRequest{OutTradeNo: "W1", AuthCode: "134567890123456789", Amount: 100})
			want(t, "Pay", res, err, pos.StatusUnknown)
			wantErr(t, "Pay", err, tt.target)
		})
	}
}

func TestWrongKeyIsUnknown(t *testing.T) {
	e := newEnv(t, nil, nil)
	wrong := e.client(t, func(c *Config) { c.APIv2Key = strings.Repeat("0", 32) })
	r := e.payReq("u1", 100)
	res, err := wrong.Pay(ctx, r)
	want(t, "Pay signed with the wrong key", res, err, pos.StatusUnknown)
	wantErr(t, "Pay", err, ErrReturnFail)
	if res.Code != "FAIL" {
		t.Errorf("code %q", res.Code)
	}
}

func TestNew(t *testing.T) {
	e := newEnv(t, nil, nil)
	bad := []func(*Config){
		func(c *Config) { c.AppID = "" },
		func(c *Config) { c.APIv2Key = "short" },
		func(c *Config) { c.SignType = "SHA1" },
		func(c *Config) { c.BaseURL = "::" },
		func(c *Config) { c.MerchantCertPEM = "x" },
		func(c *Config) { c.WechatPayPublicKeyPEM = "x" },
		func(c *Config) { c.MerchantSerial = "" },
		func(c *Config) { c.HTTPClient = &http.Client{Transport: roundTripper(nil)} },
	}
	for i, mod := range bad {
		cfg := e.config()
		mod(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("config %d: New accepted it", i)
		}
	}
	cfg := e.config()
	cfg.BaseURL, cfg.Timeout, cfg.SignType = "", 0, ""
	c, err := New(cfg)
	if err != nil || c.cfg.BaseURL != ProductionBaseURL || c.timeout != DefaultTimeout || c.cfg.SignType != SignHMACSHA256 {
		t.Errorf("New(defaults) = %+v, %v", c, err)
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

package unionpay

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/providersim"
)

func TestPaySuccess(t *testing.T) {
	for _, w := range []providersim.Provider{providersim.UnionPay, providersim.ECNY} {
		t.Run(string(w), func(t *testing.T) {
			e := newEnv(t, nil)
			r := e.payReq(w, "u1", 8888)
			res, err := e.c.Pay(ctx, r)
			want(t, "Pay", res, err, pos.StatusSuccess)
			if res.TradeNo == "" || res.Amount != 8888 {
				t.Errorf("Pay = %+v, want a txn_no and 8888 fen", res)
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
	e := newEnv(t, nil)
	r := e.payReq(providersim.UnionPay, "u1", 1500)
	e.sim.Script(providersim.OnCode(r.AuthCode), providersim.PasswordThenSuccess(2, 0))
	res, err := e.c.Pay(ctx, r)
	want(t, "Pay", res, err, pos.StatusWaiting)
	q, err := e.c.Query(ctx, r.OutTradeNo)
	want(t, "first Query", q, err, pos.StatusWaiting)
	q, err = e.c.Query(ctx, r.OutTradeNo)
	want(t, "second Query", q, err, pos.StatusSuccess)
}

func TestPayPasswordThenGiveUp(t *testing.T) {
	e := newEnv(t, nil)
	r := e.payReq(providersim.ECNY, "u1", 1500)
	e.sim.Script(providersim.OnCode(r.AuthCode), providersim.PasswordThenFail(1, 0))
	res, err := e.c.Pay(ctx, r)
	want(t, "Pay", res, err, pos.StatusWaiting)
	q, err := e.c.Query(ctx, r.OutTradeNo)
	want(t, "Query", q, err, pos.StatusFailed)
	if q.Reason == "" {
		t.Error("no reason")
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
		}, "交易被拒绝（风控），请顾客更换付款方式"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			r := e.payReq(providersim.UnionPay, "poor", 888)
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
	e := newEnv(t, nil)
	r := e.payReq(providersim.UnionPay, "u1", 100)
	if res, err := e.c.Pay(ctx, r); err != nil || res.Status != pos.StatusSuccess {
		t.Fatalf("Pay = %+v, %v", res, err)
	}
	again := r
	again.OutTradeNo = newNo("U")
	res, err := e.c.Pay(ctx, again)
	want(t, "Pay with a used code", res, err, pos.StatusFailed)
	res, err = e.c.Pay(ctx, r) // a retry of the paid order itself
	want(t, "Pay again", res, err, pos.StatusSuccess)
	if net, n, _ := e.net(r.OutTradeNo); net != 100 || n != 1 {
		t.Errorf("net %v in %d payments", net, n)
	}
}

func TestPayUnknownThenQuery(t *testing.T) {
	tests := []struct {
		name   string
		b      providersim.Behaviour
		target error
		after  pos.ProviderStatus
	}{
		{"96, hidden success", providersim.SystemErrorHiddenSuccess, ErrSystemError, pos.StatusSuccess},
		{"96, nothing done", providersim.SystemErrorHiddenFail, ErrSystemError, pos.StatusNotFound},
		{"dropped after the charge", providersim.DropConnectionAfterCharge, nil, pos.StatusSuccess},
		{"bad signature", providersim.BadSignature, ErrBadSignature, pos.StatusSuccess},
		{"rate limited", providersim.RateLimited, ErrSystemError, pos.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			r := e.payReq(providersim.UnionPay, "u1", 2000)
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
	e := newEnv(t, func(c *Config) { c.Timeout = 150 * time.Millisecond })
	r := e.payReq(providersim.ECNY, "u1", 300)
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
	e := newEnv(t, nil)
	r := e.payReq(providersim.UnionPay, "u1", 4200)
	e.sim.Script(providersim.OnCode(r.AuthCode), providersim.PasswordThenSuccess(0, 0))
	res, err := e.c.Pay(ctx, r)
	want(t, "Pay", res, err, pos.StatusWaiting)
	res, err = e.c.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel", res, err, pos.StatusClosed)
	if net, n, _ := e.net(r.OutTradeNo); net != 0 || n != 0 {
		t.Errorf("a reversed waiting payment booked %v in %d payments", net, n)
	}
	q, err := e.c.Query(ctx, r.OutTradeNo)
	want(t, "Query", q, err, pos.StatusClosed)
}

func TestCancelPaidReturnsMoney(t *testing.T) {
	e := newEnv(t, nil)
	r := e.payReq(providersim.ECNY, "u1", 999)
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

func TestCancelRefusedAndUnknown(t *testing.T) {
	e := newEnv(t, nil)
	res, err := e.c.Cancel(ctx, newNo("X"))
	want(t, "Cancel of an unknown order", res, err, pos.StatusNotFound)

	r := e.payReq(providersim.UnionPay, "u1", 500)
	if _, err := e.c.Pay(ctx, r); err != nil {
		t.Fatal(err)
	}
	e.sim.Script(providersim.OnOutTradeNo(r.OutTradeNo), providersim.SystemErrorHiddenFail)
	res, err = e.c.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel with a system error", res, err, pos.StatusUnknown)

	e.clock.Advance(25 * time.Hour) // the client's clock too: timestamps stay in step
	res, err = e.c.Cancel(ctx, r.OutTradeNo)
	want(t, "Cancel after a day", res, err, pos.StatusFailed)
	if net, _, _ := e.net(r.OutTradeNo); net != 500 {
		t.Errorf("net %v, want still paid", net)
	}
}

func TestRefunds(t *testing.T) {
	e := newEnv(t, nil)
	r := e.payReq(providersim.UnionPay, "u1", 1000)
	if res, err := e.c.Pay(ctx, r); err != nil || res.Status != pos.StatusSuccess {
		t.Fatalf("Pay = %+v, %v", res, err)
	}
	refund := func(no string, amount money.Fen) (pos.ProviderResult, error) {
		return e.c.Refund(ctx, pos.RefundRequest{OutTradeNo: r.OutTradeNo, OutRefundNo: no, Amount: amount,
			Total: 1000, Reason: "顾客退货"})
	}
	res, err := refund("UR1", 300)
	want(t, "partial Refund", res, err, pos.StatusSuccess)
	if res.Amount != 300 {
		t.Errorf("Refund = %+v", res)
	}
	res, err = refund("UR1", 300)
	want(t, "retried Refund", res, err, pos.StatusSuccess)
	res, err = refund("UR2", 800)
	want(t, "Refund beyond the rest", res, err, pos.StatusFailed)
	if !strings.Contains(res.Reason, "超过可退金额") {
		t.Errorf("reason %q", res.Reason)
	}
	res, err = refund("UR1", 400)
	want(t, "UR1 again with another amount", res, err, pos.StatusFailed)
	res, err = refund("UR3", 700)
	want(t, "Refund of the rest", res, err, pos.StatusSuccess)
	if net, _, back := e.net(r.OutTradeNo); net != 0 || back != 2 {
		t.Errorf("net %v after %d refunds, want 0 after 2 (UR1 once, UR3)", net, back)
	}
	rq, err := e.c.RefundQuery(ctx, r.OutTradeNo, "UR1")
	want(t, "RefundQuery UR1", rq, err, pos.StatusSuccess)
	if rq.Amount != 300 {
		t.Errorf("RefundQuery amount %v", rq.Amount)
	}
	rq, err = e.c.RefundQuery(ctx, r.OutTradeNo, "UR2")
	want(t, "RefundQuery of the refused UR2", rq, err, pos.StatusNotFound)
	q, err := e.c.Query(ctx, r.OutTradeNo)
	want(t, "Query of a refunded order", q, err, pos.StatusSuccess) // REFUNDED: paid, then refunded
	if q.Code != "00 REFUNDED" {
		t.Errorf("Query code %q", q.Code)
	}
	res, err = refund("UR4", 1)
	want(t, "Refund of a fully refunded order", res, err, pos.StatusFailed)
}

func TestRefundDroppedThenRetried(t *testing.T) {
	e := newEnv(t, nil)
	r := e.payReq(providersim.ECNY, "u1", 1234)
	if _, err := e.c.Pay(ctx, r); err != nil {
		t.Fatal(err)
	}
	e.sim.Script(providersim.OnOutTradeNo(r.OutTradeNo), providersim.DropConnectionAfterCharge)
	req := pos.RefundRequest{OutTradeNo: r.OutTradeNo, OutRefundNo: "URF1", Amount: 1234, Total: 1234}
	res, err := e.c.Refund(ctx, req)
	want(t, "Refund, connection dropped", res, err, pos.StatusUnknown)
	res, err = e.c.Refund(ctx, req)
	want(t, "retried Refund", res, err, pos.StatusSuccess)
	if net, _, back := e.net(r.OutTradeNo); net != 0 || back != 1 {
		t.Errorf("net %v after %d refunds, want 0 after 1", net, back)
	}
	res, err = e.c.Refund(ctx, pos.RefundRequest{OutTradeNo: newNo("X"), OutRefundNo: "URF2", Amount: 1, Total: 1})
	want(t, "Refund of an unknown order", res, err, pos.StatusNotFound)
}

func TestInvalidAmount(t *testing.T) {
	e := newEnv(t, nil)
	for _, amt := range []money.Fen{0, -1, money.MaxFen + 1} {
		res, err := e.c.Pay(ctx, pos.PayRequest{OutTradeNo: newNo("U"), AuthCode: "6212345678901234567", Amount: amt})
		if res.Status != pos.StatusFailed || pos.ErrorCode(err) != pos.CodeInvalid {
			t.Errorf("Pay(%d fen) = %+v, %v", amt, res, err)
		}
	}
}

func TestWrongKeyIsUnknown(t *testing.T) {
	e := newEnv(t, nil)
	wrong := e.client(t, func(c *Config) { c.HMACKeyHex = strings.Repeat("ab", 32) })
	res, err := wrong.Pay(ctx, e.payReq(providersim.UnionPay, "u1", 100))
	// The acquirer's 401 A0 is signed with the real key, which the wrong
	// client cannot verify: the answer is not trusted.
	want(t, "Pay with the wrong key", res, err, pos.StatusUnknown)
	wantErr(t, "Pay", err, ErrBadSignature)
}

// TestUntrustedAnswers: answers from a server that is not the acquirer.
func TestUntrustedAnswers(t *testing.T) {
	e := newEnv(t, nil)
	signed := func(body string, at time.Time) http.Header {
		ts := strconv.FormatInt(at.Unix(), 10)
		h := http.Header{}
		h.Set("X-Acq-Timestamp", ts)
		h.Set("X-Acq-Nonce", "n1")
		h.Set("X-Acq-Signature", e.c.mac(ts+"\nn1\n"+body+"\n"))
		return h
	}
	paid := `{"resp_code":"00","order_no":"U1","txn_no":"1","status":"SUCCESS","amount_fen":100}`
	now := e.clock.Now()
	tests := []struct {
		name   string
		status int
		h      http.Header
		body   string
		target error
	}{
		{"unsigned", 200, nil, paid, ErrUnsigned},
		{"stale", 200, signed(paid, now.Add(-10*time.Minute)), paid, ErrBadSignature},
		{"changed body", 200, signed(paid, now), strings.Replace(paid, "100", "1000", 1), ErrBadSignature},
		{"HTTP 502", 502, signed("oops", now), "oops", ErrHTTPStatus},
		{"not JSON", 200, signed("oops", now), "oops", ErrMalformed},
		{"amount in yuan", 200, signed(`{"resp_code":"00","order_no":"U1","txn_no":"1","status":"SUCCESS","amount_fen":1.00}`, now),
			`{"resp_code":"00","order_no":"U1","txn_no":"1","status":"SUCCESS","amount_fen":1.00}`, ErrMalformed},
		{"another order", 200, signed(strings.Replace(paid, "U1", "U2", 1), now), strings.Replace(paid, "U1", "U2", 1), ErrUnexpected},
		{"96", 200, signed(`{"resp_code":"96"}`, now), `{"resp_code":"96"}`, ErrSystemError},
		{"unknown code", 200, signed(`{"resp_code":"Z9"}`, now), `{"resp_code":"Z9"}`, ErrUnexpected},
		{"unknown status", 200, signed(strings.Replace(paid, "SUCCESS", "ODD", 1), now), strings.Replace(paid, "SUCCESS", "ODD", 1), ErrUnexpected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.client(t, func(c *Config) { c.BaseURL = fixed(t, tt.status, tt.h, tt.body) })
			res, err := c.Pay(ctx, pos.PayRequest{OutTradeNo: "U1", AuthCode: "6212345678901234567", Amount: 100})
			want(t, "Pay", res, err, pos.StatusUnknown)
			wantErr(t, "Pay", err, tt.target)
		})
	}
}

func TestNew(t *testing.T) {
	e := newEnv(t, nil)
	bad := []func(*Config){
		func(c *Config) { c.MerchantID = "" },
		func(c *Config) { c.HMACKeyHex = "abcd" },
		func(c *Config) { c.HMACKeyHex = strings.Repeat("zz", 32) },
		func(c *Config) { c.BaseURL = "" },
	}
	for i, mod := range bad {
		cfg := Config{BaseURL: e.srv.URL, MerchantID: "1", HMACKeyHex: e.cred.Acquirer.HMACKey}
		mod(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("config %d: New accepted it", i)
		}
	}
}

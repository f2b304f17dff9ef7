package providersim

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"zhanggui/pos/money"
)

func TestAlipayPaySuccess(t *testing.T) {
	e := newEnv(t, nil)
	c := e.alipay(t)
	code := e.sim.NewPaymentCode(Alipay, "alice")
	before, _ := e.sim.Balance("alice")

	r, err := c.pay("T1", code, 8888)
	want(t, "pay", r, err, "10000", "")
	for k, v := range map[string]string{"total_amount": "88.88", "receipt_amount": "88.88", "out_trade_no": "T1"} {
		if r.str(k) != v {
			t.Errorf("pay %s = %q, want %q", k, r.str(k), v)
		}
	}
	if len(r.str("trade_no")) != 28 || !strings.Contains(r.str("buyer_logon_id"), "****") {
		t.Errorf("pay trade_no %q, buyer_logon_id %q", r.str("trade_no"), r.str("buyer_logon_id"))
	}
	after, _ := e.sim.Balance("alice")
	if before-after != 8888 {
		t.Errorf("balance went from %v to %v, want −88.88", before, after)
	}
	if q := c.query("T1"); q.str("trade_status") != "TRADE_SUCCESS" || q.str("trade_no") != r.str("trade_no") {
		t.Errorf("query = %v", q)
	}
	ch := e.sim.Charges()
	if len(ch) != 1 || ch[0].Amount != 8888 || ch[0].Fee != 53 { // 0.6% of 88.88 = 0.53328 → 0.53
		t.Errorf("charges = %+v", ch)
	}
}

// TestAlipayBehaviours runs every scripted behaviour through pay and a
// query, and checks what was charged.
func TestAlipayBehaviours(t *testing.T) {
	tests := []struct {
		name      string
		b         Behaviour
		code, sub string // first answer; "" code: a transport error
		err       error  // the client's error, if not a code
		status    string // query afterwards ("" = TRADE_NOT_EXIST)
		charged   int
	}{
		{"success", Success, "10000", "", nil, "TRADE_SUCCESS", 1},
		{"password then success", PasswordThenSuccess(1, 0), "10003", "", nil, "TRADE_SUCCESS", 1},
		{"password then fail", PasswordThenFail(1, 0), "10003", "", nil, "WAIT_BUYER_PAY", 0},
		{"insufficient", InsufficientBalance, "40004", "ACQ.BUYER_BALANCE_NOT_ENOUGH", nil, "", 0},
		{"system error, paid", SystemErrorHiddenSuccess, "20000", "isp.unknow-error", nil, "TRADE_SUCCESS", 1},
		{"system error, not paid", SystemErrorHiddenFail, "20000", "isp.unknow-error", nil, "", 0},
		{"drop after charge", DropConnectionAfterCharge, "", "", nil, "TRADE_SUCCESS", 1},
		{"slow", SlowAnswer(slowDelay), "10000", "", nil, "TRADE_SUCCESS", 1},
		{"rate limited", RateLimited, "40005", "aop.call-limited", nil, "", 0},
		{"bad signature", BadSignature, "", "", errBadSignature, "TRADE_SUCCESS", 1},
		{"code expired", CodeExpired, "40004", "ACQ.PAYMENT_AUTH_CODE_INVALID", nil, "", 0},
		{"risk", RiskRejected, "40004", "ACQ.PAYMENT_REQUEST_HAS_RISK", nil, "", 0},
		{"slow password", Combine(SlowAnswer(10*time.Millisecond), PasswordThenSuccess(2, 0)), "10003", "", nil, "WAIT_BUYER_PAY", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			c := e.alipay(t)
			code := e.sim.NewPaymentCode(Alipay, "bob")
			e.sim.Script(OnCode(code), tt.b)
			start := time.Now()
			r, err := c.pay("B1", code, 1234)
			checkSlow(t, tt.b, start)
			switch {
			case tt.err != nil:
				if !errors.Is(err, tt.err) {
					t.Fatalf("pay error = %v, want %v", err, tt.err)
				}
			case tt.code == "":
				if err == nil {
					t.Fatalf("pay = %v, want a transport error", r)
				}
			default:
				want(t, "pay", r, err, tt.code, tt.sub)
			}
			q := c.query("B1")
			if got := q.str("trade_status"); got != tt.status {
				t.Errorf("query after pay: trade_status %q (%s), want %q", got, q.str("sub_code"), tt.status)
			}
			if n := e.payments(t)["alipay/B1"]; n != tt.charged {
				t.Errorf("charged %d times, want %d", n, tt.charged)
			}
		})
	}
}

func TestAlipayPasswordFlows(t *testing.T) {
	e := newEnv(t, nil)
	c := e.alipay(t)

	// Resolved by time.
	code := e.sim.NewPaymentCode(Alipay, "carol")
	e.sim.Script(OnCode(code), PasswordThenSuccess(0, 20*time.Second))
	r, err := c.pay("P1", code, 500)
	want(t, "pay", r, err, "10003", "")
	if q := c.query("P1"); q.str("trade_status") != "WAIT_BUYER_PAY" {
		t.Fatalf("query before 20 s = %v", q)
	}
	e.clock.Advance(20 * time.Second)
	if q := c.query("P1"); q.str("trade_status") != "TRADE_SUCCESS" {
		t.Fatalf("query after 20 s = %v", q)
	}

	// Resolved by the customer, then the till's cancel returns the money.
	code = e.sim.NewPaymentCode(Alipay, "carol")
	e.sim.Script(OnCode(code), PasswordThenSuccess(0, 0))
	r, err = c.pay("P2", code, 700)
	want(t, "pay", r, err, "10003", "")
	if err := e.sim.CustomerConfirmPassword("P2"); err != nil {
		t.Fatal(err)
	}
	r, err = c.call("alipay.trade.cancel", map[string]any{"out_trade_no": "P2"})
	want(t, "cancel", r, err, "10000", "")
	if r.str("action") != "refund" || r.str("retry_flag") != "N" {
		t.Errorf("cancel of a paid trade = %v, want action refund", r)
	}

	// Customer gives up; cancel closes.
	code = e.sim.NewPaymentCode(Alipay, "carol")
	e.sim.Script(OnCode(code), PasswordThenSuccess(0, 0))
	r, err = c.pay("P3", code, 900)
	want(t, "pay", r, err, "10003", "")
	if err := e.sim.CustomerCancel("P3"); err != nil {
		t.Fatal(err)
	}
	r, err = c.call("alipay.trade.cancel", map[string]any{"out_trade_no": "P3"})
	want(t, "cancel", r, err, "10000", "")
	if r.str("action") != "close" {
		t.Errorf("cancel of an unpaid trade = %v, want action close", r)
	}
	if q := c.query("P3"); q.str("trade_status") != "TRADE_CLOSED" {
		t.Errorf("query after cancel = %v", q)
	}
	bal, _ := e.sim.Balance("carol")
	if bal != e.sim.cfg.DefaultBalance-500 {
		t.Errorf("carol's balance %v, want default − 5.00", bal)
	}
}

func TestAlipayCodeExpiryAndSingleUse(t *testing.T) {
	e := newEnv(t, nil)
	c := e.alipay(t)
	code := e.sim.NewPaymentCode(Alipay, "dan")
	if len(code) != 18 || code[:2] < "25" || code[:2] > "30" {
		t.Fatalf("Alipay code %q: want 18 digits starting 25–30", code)
	}
	r, err := c.pay("C1", code, 100)
	want(t, "first use", r, err, "10000", "")
	r, err = c.pay("C2", code, 100)
	want(t, "second use", r, err, "40004", "ACQ.PAYMENT_AUTH_CODE_INVALID")

	code = e.sim.NewPaymentCode(Alipay, "dan")
	e.clock.Advance(60 * time.Second)
	r, err = c.pay("C3", code, 100)
	want(t, "after 60 s", r, err, "40004", "ACQ.PAYMENT_AUTH_CODE_INVALID")
	r, err = c.pay("C4", e.sim.NewPaymentCode(WeChat, "dan"), 100)
	want(t, "a WeChat code", r, err, "40004", "ACQ.PAYMENT_AUTH_CODE_INVALID")
	r, err = c.pay("C5", "281234567890123456", 100)
	want(t, "an unknown code", r, err, "40004", "ACQ.PAYMENT_AUTH_CODE_INVALID")
	if n := len(e.payments(t)); n != 1 {
		t.Errorf("%d trades charged, want 1", n)
	}
}

func TestAlipayIdempotency(t *testing.T) {
	e := newEnv(t, nil)
	c := e.alipay(t)
	code := e.sim.NewPaymentCode(Alipay, "erin")
	first, err := c.pay("I1", code, 2500)
	want(t, "pay", first, err, "10000", "")
	again, err := c.pay("I1", code, 2500)
	want(t, "same request again", again, err, "10000", "")
	if again.str("trade_no") != first.str("trade_no") {
		t.Errorf("repeat gave trade %s, want %s", again.str("trade_no"), first.str("trade_no"))
	}
	r, err := c.pay("I1", e.sim.NewPaymentCode(Alipay, "erin"), 2500)
	want(t, "another code", r, err, "40004", "ACQ.TRADE_HAS_SUCCESS")
	r, err = c.pay("I1", code, 2600)
	want(t, "another amount", r, err, "40004", "ACQ.CONTEXT_INCONSISTENT")
	if n := e.payments(t)["alipay/I1"]; n != 1 {
		t.Errorf("I1 charged %d times", n)
	}
}

// TestAlipayConcurrentRetries fires the same payment from many goroutines:
// exactly one charge.
func TestAlipayConcurrentRetries(t *testing.T) {
	e := newEnv(t, nil)
	c := e.alipay(t)
	code := e.sim.NewPaymentCode(Alipay, "fay")
	var wg sync.WaitGroup
	var mu sync.Mutex
	tradeNos := map[string]bool{}
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := c.pay("CC1", code, 1999)
			if err != nil || r.str("code") != "10000" {
				t.Errorf("pay = %v, %v", r, err)
				return
			}
			mu.Lock()
			tradeNos[r.str("trade_no")] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(tradeNos) != 1 || e.payments(t)["alipay/CC1"] != 1 {
		t.Errorf("trade numbers %v, charges %d; want one of each", tradeNos, e.payments(t)["alipay/CC1"])
	}
}

func TestAlipayRefunds(t *testing.T) {
	e := newEnv(t, nil)
	c := e.alipay(t)
	r, err := c.pay("R1", e.sim.NewPaymentCode(Alipay, "gus"), 1000)
	want(t, "pay", r, err, "10000", "")
	refund := func(reqNo, amount string) (alipayResp, error) {
		biz := map[string]any{"out_trade_no": "R1", "refund_amount": amount}
		if reqNo != "" {
			biz["out_request_no"] = reqNo
		}
		return c.call("alipay.trade.refund", biz)
	}
	r, err = refund("", "3.00")
	want(t, "partial refund without out_request_no", r, err, "40004", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL")
	r, err = refund("RF1", "3.00")
	want(t, "refund 3.00", r, err, "10000", "")
	if r.str("fund_change") != "Y" || r.str("refund_fee") != "3.00" {
		t.Errorf("first refund = %v", r)
	}
	r, err = refund("RF1", "3.00")
	want(t, "same refund again", r, err, "10000", "")
	if r.str("fund_change") != "N" || r.str("refund_fee") != "3.00" {
		t.Errorf("repeated refund = %v, want fund_change N", r)
	}
	r, err = refund("RF1", "4.00")
	want(t, "same number, other amount", r, err, "40004", "ACQ.DISCORDANT_REPEAT_REQUEST")
	r, err = refund("RF2", "7.01")
	want(t, "more than is left", r, err, "40004", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL")
	r, err = refund("RF2", "7.00")
	want(t, "the rest", r, err, "10000", "")
	if q := c.query("R1"); q.str("trade_status") != "TRADE_CLOSED" {
		t.Errorf("fully refunded trade: %v", q)
	}
	r, err = refund("RF3", "0.01")
	want(t, "after full refund", r, err, "40004", "ACQ.TRADE_HAS_CLOSE")
	r, err = c.call("alipay.trade.fastpay.refund.query", map[string]any{"out_trade_no": "R1", "out_request_no": "RF2"})
	want(t, "refund query", r, err, "10000", "")
	if r.str("refund_status") != "REFUND_SUCCESS" || r.str("refund_amount") != "7.00" {
		t.Errorf("refund query = %v", r)
	}
	r, err = c.call("alipay.trade.fastpay.refund.query", map[string]any{"out_trade_no": "R1", "out_request_no": "NOPE"})
	want(t, "unknown refund", r, err, "10000", "")
	if _, has := r["refund_status"]; has {
		t.Errorf("unknown refund has refund_status: %v", r)
	}
	var refunded, fees money.Fen
	for _, ch := range e.sim.Charges() {
		if ch.Kind == ChargeRefund {
			refunded += ch.Amount
			fees += ch.Fee
		}
	}
	if refunded != 1000 || fees != 6 {
		t.Errorf("refunded %v with fees %v back, want 10.00 and 0.06", refunded, fees)
	}
}

func TestAlipayWindows(t *testing.T) {
	e := newEnv(t, nil)
	c := e.alipay(t)
	for _, no := range []string{"W1", "W2"} {
		r, err := c.pay(no, e.sim.NewPaymentCode(Alipay, "hal"), 100)
		want(t, "pay "+no, r, err, "10000", "")
	}
	e.clock.Advance(24*time.Hour + time.Second)
	r, err := c.call("alipay.trade.cancel", map[string]any{"out_trade_no": "W1"})
	want(t, "cancel after 24 h", r, err, "40004", "ACQ.TRADE_CANCEL_TIME_OUT")
	e.clock.Advance(90 * 24 * time.Hour)
	if q := c.query("W2"); q.str("trade_status") != "TRADE_FINISHED" {
		t.Errorf("query after 90 d = %v", q)
	}
	r, err = c.call("alipay.trade.refund", map[string]any{"out_trade_no": "W2", "refund_amount": "1.00"})
	want(t, "refund after 90 d", r, err, "40004", "ACQ.TRADE_HAS_FINISHED")
}

func TestAlipayRequestChecks(t *testing.T) {
	e := newEnv(t, nil)
	c := e.alipay(t)
	other, err := ParsePrivateKey(e.cred.Alipay.AlipayPrivateKeyPEM) // a valid key, but not the app's
	if err != nil {
		t.Fatal(err)
	}
	bad := *c
	bad.key = other
	r, err := bad.call("alipay.trade.query", map[string]any{"out_trade_no": "X"})
	want(t, "wrong key", r, err, "40002", "isv.invalid-signature")
	bad = *c
	bad.appID = "2021000000000000"
	r, err = bad.call("alipay.trade.query", map[string]any{"out_trade_no": "X"})
	want(t, "wrong app_id", r, err, "40002", "isv.invalid-app-id")

	// A tampered parameter after signing.
	p := map[string]string{"app_id": c.appID, "method": "alipay.trade.query", "charset": "utf-8",
		"sign_type": "RSA2", "timestamp": "2024-01-01 10:00:00", "version": "1.0",
		"biz_content": `{"out_trade_no":"X"}`}
	p["sign"] = signRSA(c.key, []byte(alipaySignContent(p)))
	r, err = c.send("alipay.trade.query", p)
	want(t, "correctly signed", r, err, "40004", "ACQ.TRADE_NOT_EXIST")
	p["biz_content"] = `{"out_trade_no":"Y"}`
	r, err = c.send("alipay.trade.query", p)
	want(t, "tampered biz_content", r, err, "40002", "isv.invalid-signature")
	delete(p, "sign")
	r, err = c.send("alipay.trade.query", p)
	want(t, "no sign", r, err, "40001", "isv.missing-signature")

	// Unknown method: error_response, unsigned.
	resp, err := http.PostForm(c.gateway, map[string][]string{"method": {"alipay.nope"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body strings.Builder
	if _, err := fmt.Fprint(&body, readAll(t, resp)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(body.String(), `{"error_response":{"code":"40001"`) || strings.Contains(body.String(), `"sign"`) {
		t.Errorf("unknown method answered %s", body.String())
	}
}

// TestAlipaySplitParams sends the system parameters in the query string and
// biz_content in the body, as Alipay's easysdk does.
func TestAlipaySplitParams(t *testing.T) {
	e := newEnv(t, nil)
	c := e.alipay(t)
	c.split = true
	r, err := c.pay("S1", e.sim.NewPaymentCode(Alipay, "ivy"), 1)
	want(t, "pay", r, err, "10000", "")
}

func TestAlipayAmounts(t *testing.T) {
	e := newEnv(t, nil)
	c := e.alipay(t)
	e.sim.SetBalance("jay", 100_000_000_000)
	tests := []struct {
		amount any
		code   string
		sub    string
		want   string
	}{
		{"0.01", "10000", "", "0.01"},
		{"88.8", "10000", "", "88.80"},
		{"100000000.00", "10000", "", "100000000.00"},
		{"100000000.01", "40004", "ACQ.TOTAL_FEE_EXCEED", ""},
		{"0.00", "40004", "ACQ.TOTAL_FEE_EXCEED", ""},
		{"1.001", "40004", "ACQ.INVALID_PARAMETER", ""},
		{"-1", "40004", "ACQ.INVALID_PARAMETER", ""},
		{"1e2", "40004", "ACQ.INVALID_PARAMETER", ""},
		{12.34, "10000", "", "12.34"}, // a bare JSON number, read as text
	}
	for i, tt := range tests {
		no := fmt.Sprintf("A%d", i)
		r, err := c.call("alipay.trade.pay", map[string]any{"out_trade_no": no, "scene": "bar_code",
			"auth_code": e.sim.NewPaymentCode(Alipay, "jay"), "subject": "x", "total_amount": tt.amount})
		want(t, fmt.Sprintf("pay %v", tt.amount), r, err, tt.code, tt.sub)
		if tt.want != "" && r.str("total_amount") != tt.want {
			t.Errorf("pay %v: total_amount %q, want %q", tt.amount, r.str("total_amount"), tt.want)
		}
	}
}

func TestAlipayPrecreate(t *testing.T) {
	e := newEnv(t, nil)
	c := e.alipay(t)
	pre := func(no, amount string, extra map[string]any) (alipayResp, error) {
		biz := map[string]any{"out_trade_no": no, "total_amount": amount, "subject": "扫码点单"}
		for k, v := range extra {
			biz[k] = v
		}
		return c.call("alipay.trade.precreate", biz)
	}
	r, err := pre("Q1", "12.50", nil)
	want(t, "precreate", r, err, "10000", "")
	qr := r.str("qr_code")
	if !strings.HasPrefix(qr, "https://qr.alipay.com/bax") {
		t.Errorf("qr_code %q", qr)
	}
	r, err = pre("Q1", "12.50", nil)
	want(t, "precreate again", r, err, "10000", "")
	if r.str("qr_code") != qr {
		t.Errorf("repeat gave another QR: %q", r.str("qr_code"))
	}
	r, err = pre("Q1", "12.60", nil)
	want(t, "other amount", r, err, "40004", "ACQ.CONTEXT_INCONSISTENT")
	if q := c.query("Q1"); q.str("sub_code") != "ACQ.TRADE_NOT_EXIST" {
		t.Errorf("query before scan = %v", q)
	}
	if err := e.sim.CustomerScan("Q1"); err != nil {
		t.Fatal(err)
	}
	if q := c.query("Q1"); q.str("trade_status") != "WAIT_BUYER_PAY" {
		t.Errorf("query after scan = %v", q)
	}
	if err := e.sim.CustomerPay("Q1"); err != nil {
		t.Fatal(err)
	}
	if q := c.query("Q1"); q.str("trade_status") != "TRADE_SUCCESS" || q.str("total_amount") != "12.50" {
		t.Errorf("query after pay = %v", q)
	}
	if err := e.sim.CustomerPay("Q1"); !errors.Is(err, ErrNotPayable) {
		t.Errorf("paying twice: %v, want ErrNotPayable", err)
	}

	// A script for the order made after the QR: the phone's first try
	// meets it, the second pays.
	r, err = pre("Q4", "2.00", nil)
	want(t, "precreate", r, err, "10000", "")
	e.sim.Script(OnOutTradeNo("Q4"), InsufficientBalance)
	if err := e.sim.CustomerPay("Q4"); !errors.Is(err, ErrInsufficient) {
		t.Errorf("paying with a scripted short balance: %v", err)
	}
	if err := e.sim.CustomerPay("Q4"); err != nil {
		t.Errorf("second try: %v", err)
	}

	// A QR with timeout_express 5m; close works only once scanned.
	r, err = pre("Q2", "3.00", map[string]any{"timeout_express": "5m"})
	want(t, "precreate 5m", r, err, "10000", "")
	r, err = c.call("alipay.trade.close", map[string]any{"out_trade_no": "Q2"})
	want(t, "close before scan", r, err, "40004", "ACQ.TRADE_NOT_EXIST")
	e.clock.Advance(5 * time.Minute)
	if err := e.sim.CustomerPay("Q2"); !errors.Is(err, ErrQRExpired) {
		t.Errorf("paying an expired QR: %v", err)
	}
	r, err = pre("Q3", "3.00", nil)
	want(t, "precreate", r, err, "10000", "")
	if err := e.sim.CustomerScan("Q3"); err != nil {
		t.Fatal(err)
	}
	r, err = c.call("alipay.trade.close", map[string]any{"out_trade_no": "Q3"})
	want(t, "close after scan", r, err, "10000", "")
	if err := e.sim.CustomerPay("Q3"); !errors.Is(err, ErrNotPayable) {
		t.Errorf("paying a closed QR: %v", err)
	}
	if n := len(e.payments(t)); n != 2 {
		t.Errorf("%d trades charged, want 2 (Q1, Q4)", n)
	}
}

func TestAlipayScriptsByAmountAndOutTradeNo(t *testing.T) {
	e := newEnv(t, nil)
	c := e.alipay(t)
	e.sim.Script(OnAmount(666), RateLimited, Success)
	r, err := c.pay("SA1", e.sim.NewPaymentCode(Alipay, "kim"), 666)
	want(t, "first at 6.66", r, err, "40005", "aop.call-limited")
	code := e.sim.NewPaymentCode(Alipay, "kim")
	for i := range 2 {
		r, err = c.pay(fmt.Sprint("SA2x", i), code, 666)
		if i == 0 {
			want(t, "second at 6.66", r, err, "10000", "")
		}
	}
	e.sim.Script(OnOutTradeNo("SO1"), SystemErrorHiddenSuccess)
	r, err = c.pay("SO1", e.sim.NewPaymentCode(Alipay, "kim"), 100)
	want(t, "scripted out_trade_no", r, err, "20000", "isp.unknow-error")
	if q := c.query("SO1"); q.str("trade_status") != "TRADE_SUCCESS" {
		t.Errorf("query after hidden success = %v (the script must be used up)", q)
	}
	e.sim.Script(OnOutTradeNo("SO1"), SystemErrorHiddenFail)
	if q := c.query("SO1"); q.str("code") != "20000" {
		t.Errorf("scripted query = %v", q)
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

// TestConfigSwitches covers the quirk and demo switches of Config.
func TestConfigSwitches(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.AlipayCancelUnknownSucceeds = true
		c.AcceptUnknownCodes = true
		c.CodeTTL = 10 * time.Second
	})
	c := e.alipay(t)
	r, err := c.call("alipay.trade.cancel", map[string]any{"out_trade_no": "NEVERSEEN"})
	want(t, "cancel of an unknown trade with the quirk on", r, err, "10000", "")
	r, err = c.pay("U1", "281234567890123456", 100) // typed by hand: never issued
	want(t, "an unknown, well-formed code", r, err, "10000", "")
	if info, ok := e.sim.Trade(Alipay, "U1"); !ok || info.UserID != DemoUser {
		t.Errorf("unknown code paid as %+v", info)
	}
	r, err = c.pay("U2", "281234567890123456", 100)
	want(t, "the same hand-typed code again", r, err, "40004", "ACQ.PAYMENT_AUTH_CODE_INVALID")
	code := e.sim.NewPaymentCode(Alipay, "ttl")
	e.clock.Advance(10 * time.Second)
	r, err = c.pay("U3", code, 100)
	want(t, "after a 10 s CodeTTL", r, err, "40004", "ACQ.PAYMENT_AUTH_CODE_INVALID")
}

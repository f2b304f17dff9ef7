package providersim

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"zhanggui/pos/money"
)

func (c *acqClient) precreate(no string, fen money.Fen, expire int) (acqAnswer, error) {
	return c.call("/v1/qr/precreate", map[string]any{"order_no": no, "amount_fen": int64(fen), "subject": "可乐",
		"expire_seconds": expire})
}

// TestAcquirerQRPaid: precreate answers NOTPAY with a UnionPay QR, the
// scan makes it PAYING, the customer's payment SUCCESS; the charge is in
// the ledger and on the next day's acquirer bill.
func TestAcquirerQRPaid(t *testing.T) {
	e := newEnv(t, nil)
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, beijing)
	e.clock.Set(day.Add(10 * time.Hour))
	c := e.acquirer(t)
	a, err := c.precreate("UQ1", 1234, 300)
	wantAcq(t, "precreate", a, err, "00", "NOTPAY")
	qr := a.str("qr_code")
	if !strings.HasPrefix(qr, "https://qr.95516.com/00010000/") || a.str("wallet") != "UNIONPAY" ||
		a.str("expires_at") != day.Add(10*time.Hour+5*time.Minute).Format(time.RFC3339) {
		t.Fatalf("precreate answer %v", a.body)
	}
	a, err = c.precreate("UQ1", 1234, 300)
	wantAcq(t, "same precreate again", a, err, "00", "NOTPAY")
	if a.str("qr_code") != qr {
		t.Errorf("repeat gave QR %q, first %q", a.str("qr_code"), qr)
	}
	a, err = c.precreate("UQ1", 999, 300)
	wantAcq(t, "another amount", a, err, "94", "")
	wantAcq(t, "query unscanned", c.query("UQ1"), nil, "00", "NOTPAY")
	if err := e.sim.CustomerScan("UQ1"); err != nil {
		t.Fatal(err)
	}
	wantAcq(t, "query scanned", c.query("UQ1"), nil, "00", "PAYING")
	if err := e.sim.CustomerPayAs("UQ1", "qr-payer"); err != nil {
		t.Fatal(err)
	}
	wantAcq(t, "query paid", c.query("UQ1"), nil, "00", "SUCCESS")
	a, err = c.precreate("UQ1", 1234, 300)
	wantAcq(t, "precreate of a paid order", a, err, "00", "SUCCESS")
	if err := e.sim.CustomerPay("UQ1"); !errors.Is(err, ErrNotPayable) {
		t.Errorf("paying twice: %v, want ErrNotPayable", err)
	}
	a, err = c.call("/v1/qr/close", map[string]any{"order_no": "UQ1"})
	wantAcq(t, "close paid", a, err, "12", "")
	if n := e.payments(t)["acquirer/UQ1"]; n != 1 {
		t.Fatalf("UQ1 charged %d times", n)
	}
	if got, _ := e.sim.Balance("qr-payer"); got != 1_000_000-1234 {
		t.Errorf("payer balance %v", got)
	}
	e.clock.Set(day.Add(30 * time.Hour))
	bill, _ := c.billRaw(t, map[string]any{"bill_date": "2026-11-25"})
	if !strings.Contains(string(bill), ",消费,UNIONPAY,UQ1,,") || !strings.Contains(string(bill), "12.34,0.07,12.27") {
		t.Errorf("bill lacks the QR payment:\n%s", bill)
	}
}

// TestAcquirerQRNotPaid: closed, reversed, refused and expired QR orders
// charge nobody, and nobody can pay them afterwards.
func TestAcquirerQRNotPaid(t *testing.T) {
	e := newEnv(t, nil)
	c := e.acquirer(t)
	for _, no := range []string{"UQC", "UQR", "UQN", "UQX"} {
		a, err := c.precreate(no, 500, 60)
		wantAcq(t, "precreate "+no, a, err, "00", "NOTPAY")
	}
	// walks away after scanning: the till closes it
	if err := e.sim.CustomerScan("UQC"); err != nil {
		t.Fatal(err)
	}
	a, err := c.call("/v1/qr/close", map[string]any{"order_no": "UQC"})
	wantAcq(t, "close", a, err, "00", "CLOSED")
	a, err = c.call("/v1/qr/close", map[string]any{"order_no": "UQC"})
	wantAcq(t, "close again", a, err, "00", "CLOSED")
	// nobody scans: the till reverses it
	a, err = c.call("/v1/reverse", map[string]any{"order_no": "UQR"})
	wantAcq(t, "reverse unscanned", a, err, "00", "REVERSED")
	// not enough money: the order stays payable
	e.sim.Script(OnOutTradeNo("UQN"), InsufficientBalance)
	if err := e.sim.CustomerPay("UQN"); !errors.Is(err, ErrInsufficient) {
		t.Fatalf("pay without money: %v", err)
	}
	wantAcq(t, "query refused", c.query("UQN"), nil, "00", "PAYING")
	e.clock.Advance(time.Minute)
	for _, no := range []string{"UQC", "UQR", "UQX"} {
		if err := e.sim.CustomerPay(no); err == nil {
			t.Errorf("%s paid after it was closed or expired", no)
		}
	}
	if n := len(e.payments(t)); n != 0 {
		t.Errorf("%d payments booked, want none", n)
	}
	a, err = c.call("/v1/qr/close", map[string]any{"order_no": "NOPE"})
	wantAcq(t, "close unknown", a, err, "25", "")
	a, err = c.pay("UCODE", e.sim.NewPaymentCode(UnionPay, "u"), 100)
	wantAcq(t, "code pay", a, err, "00", "SUCCESS")
	a, err = c.call("/v1/qr/close", map[string]any{"order_no": "UCODE"})
	wantAcq(t, "close a code payment", a, err, "12", "")
}

func TestAcquirerQRPrecreateInput(t *testing.T) {
	e := newEnv(t, nil)
	c := e.acquirer(t)
	for _, tt := range []struct {
		name   string
		req    map[string]any
		code   string
		status string
	}{
		{"default expiry", map[string]any{"order_no": "I1", "amount_fen": 1}, "00", "NOTPAY"},
		{"no order", map[string]any{"amount_fen": 1}, "30", ""},
		{"zero amount", map[string]any{"order_no": "I2", "amount_fen": 0}, "30", ""},
		{"expiry too short", map[string]any{"order_no": "I3", "amount_fen": 1, "expire_seconds": 59}, "30", ""},
		{"expiry too long", map[string]any{"order_no": "I4", "amount_fen": 1, "expire_seconds": 7201}, "30", ""},
		{"expiry not a number", map[string]any{"order_no": "I5", "amount_fen": 1, "expire_seconds": "x"}, "30", ""},
	} {
		a, err := c.call("/v1/qr/precreate", tt.req)
		wantAcq(t, tt.name, a, err, tt.code, tt.status)
	}
	e.sim.Script(OnOutTradeNo("I6"), RateLimited)
	a, err := c.precreate("I6", 100, 0)
	wantAcq(t, "rate limited", a, err, "65", "")
	e.sim.Script(OnOutTradeNo("I7"), SystemErrorHiddenFail)
	a, err = c.precreate("I7", 100, 0)
	wantAcq(t, "system error", a, err, "96", "")
	if _, ok := e.sim.Trade(UnionPay, "I7"); ok {
		t.Error("a hidden failure made the order")
	}
}

// FuzzAcquirerQRPrecreate feeds arbitrary bodies to the precreate, seeded
// from TestAcquirerQRPrecreateInput: it never panics, and a 00 answer is
// an open QR order of the amount asked for.
func FuzzAcquirerQRPrecreate(f *testing.F) {
	for _, seed := range []string{
		`{"order_no":"F1","amount_fen":1}`, `{"amount_fen":1}`, `{"order_no":"F2","amount_fen":0}`,
		`{"order_no":"F3","amount_fen":1,"expire_seconds":59}`, `{"order_no":"F4","amount_fen":1,"expire_seconds":7201}`,
		`{"order_no":"F5","amount_fen":1,"expire_seconds":"x"}`, `{"order_no":"F6","amount_fen":99999999999999}`,
		`{"order_no":"F7","amount_fen":1.5}`, `[]`, `{`,
	} {
		f.Add([]byte(seed))
	}
	s := fuzzEnv(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		s.mu.Lock()
		o, _ := s.acqQRPrecreate(body)
		s.mu.Unlock()
		var a map[string]any
		if err := json.Unmarshal(o.appendJSON(nil), &a); err != nil {
			t.Fatalf("answer is not JSON: %v", err)
		}
		if a["resp_code"] != "00" {
			return
		}
		var q acqRequest
		_ = json.Unmarshal(body, &q) // a 00 answer means it parsed
		if a["order_no"] != q.OrderNo || a["amount_fen"] != float64(q.AmountFen) {
			t.Errorf("answer %v for %s", a, body)
		}
		if st := a["status"]; st == "NOTPAY" && !strings.HasPrefix(a["qr_code"].(string), "https://qr.95516.com/") {
			t.Errorf("open order without a QR: %v", a)
		}
	})
}

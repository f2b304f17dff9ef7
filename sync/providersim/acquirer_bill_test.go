package providersim

import (
	"bytes"
	"compress/gzip"
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhanggui/pos/money"
)

// billRaw posts a signed /v1/bill request and returns the verified body
// and its content type.
func (c *acqClient) billRaw(t *testing.T, req map[string]any) ([]byte, string) {
	t.Helper()
	b, _ := json.Marshal(req)
	ts, nonce := strconv.FormatInt(c.now().Unix(), 10), fmt.Sprint(time.Now().UnixNano())
	r, _ := http.NewRequest("POST", c.base+"/v1/bill", bytes.NewReader(b))
	r.Header.Set("X-Acq-Merchant", c.merchant)
	r.Header.Set("X-Acq-Timestamp", ts)
	r.Header.Set("X-Acq-Nonce", nonce)
	r.Header.Set("X-Acq-Signature", c.mac("POST\n/v1/bill\n"+ts+"\n"+nonce+"\n"+string(b)+"\n"))
	resp, err := c.hc.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	h := resp.Header
	if !hmac.Equal([]byte(h.Get("X-Acq-Signature")), []byte(c.mac(h.Get("X-Acq-Timestamp")+"\n"+h.Get("X-Acq-Nonce")+"\n"+string(raw)+"\n"))) {
		t.Fatalf("bill answer: %v", errBadSignature)
	}
	return raw, h.Get("Content-Type")
}

// TestAcquirerBill books a day of UnionPay, e-CNY and card movements and
// checks the bill row by row against the ledger, its total line, the
// not-yet and bad-date answers, and the gzip variant.
func TestAcquirerBill(t *testing.T) {
	e := newEnv(t, nil)
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, beijing)
	e.clock.Set(day.Add(10 * time.Hour))
	c := e.acquirer(t)
	a, err := c.pay("B1", e.sim.NewPaymentCode(UnionPay, "u"), 1200)
	wantAcq(t, "pay B1", a, err, "00", "SUCCESS")
	a, err = c.pay("B2", e.sim.NewPaymentCode(ECNY, "u"), 83)
	wantAcq(t, "pay B2", a, err, "00", "SUCCESS")
	e.clock.Advance(time.Hour)
	a, err = c.call("/v1/refund", map[string]any{"order_no": "B1", "refund_no": "BR1", "amount_fen": 200})
	wantAcq(t, "refund", a, err, "00", "SUCCESS")
	a, err = c.call("/v1/reverse", map[string]any{"order_no": "B2"})
	wantAcq(t, "reverse", a, err, "00", "REVERSED")
	if _, err := e.alipay(t).pay("A1", e.sim.NewPaymentCode(Alipay, "u"), 500); err != nil {
		t.Fatal(err) // an Alipay payment: never on the acquirer's bill
	}

	e.clock.Set(day.Add(29 * time.Hour)) // 05:00 the next day: not made yet
	raw, ct := c.billRaw(t, map[string]any{"bill_date": "2026-11-25"})
	if !strings.HasPrefix(ct, "application/json") || !strings.Contains(string(raw), `"resp_code":"B1"`) {
		t.Errorf("bill before 06:00 = %s %s, want resp_code B1", ct, raw)
	}
	raw, _ = c.billRaw(t, map[string]any{"bill_date": "25/11/2026"})
	if !strings.Contains(string(raw), `"resp_code":"30"`) {
		t.Errorf("bad bill_date = %s, want resp_code 30", raw)
	}

	e.clock.Set(day.Add(31 * time.Hour))
	raw, ct = c.billRaw(t, map[string]any{"bill_date": "2026-11-25"})
	if !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("bill content type %q: %s", ct, raw)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	var want []string
	var amount, fee money.Fen
	for _, ch := range e.sim.Charges() {
		if ch.Provider.namespace() != "acquirer" {
			continue
		}
		typ := map[ChargeKind]string{ChargePayment: "消费", ChargeRefund: "退货", ChargeReversal: "撤销"}[ch.Kind]
		a, f := ch.Amount, ch.Fee
		if ch.Kind != ChargePayment {
			a, f = -a, -f
		}
		amount, fee = amount+a, fee+f
		want = append(want, fmt.Sprintf("%s,%s,%s,%s,%s,%s,%v,%v,%v", ch.At.In(beijing).Format(alipayTimeLayout), typ,
			strings.ToUpper(string(ch.Provider)), ch.OutTradeNo, ch.OutRefundNo, ch.TradeNo, a, f, a-f))
	}
	if len(want) != 4 {
		t.Fatalf("%d acquirer movements booked, want 4", len(want))
	}
	if len(lines) != 4+len(want)+1 || lines[3] != strings.TrimSuffix(acquirerBillHeader, "\n") {
		t.Fatalf("bill:\n%s", raw)
	}
	for i, w := range want {
		if lines[4+i] != w {
			t.Errorf("row %d = %q, want %q", i+1, lines[4+i], w)
		}
	}
	wantTot := fmt.Sprintf("#合计：4笔，交易金额%v元，手续费%v元，清算金额%v元", amount, fee, amount-fee)
	if got := lines[len(lines)-1]; got != wantTot || amount != 1000 {
		t.Errorf("total line %q, want %q", got, wantTot)
	}
	if !strings.Contains(lines[2], "2026年11月25日 00:00:00") || !strings.Contains(lines[1], e.cred.Acquirer.MerchantID) {
		t.Errorf("period or merchant lines: %q %q", lines[1], lines[2])
	}

	gz, ct := c.billRaw(t, map[string]any{"bill_date": "2026-11-25", "tar_type": "GZIP"})
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil || ct != "application/gzip" {
		t.Fatalf("gzip bill: %v (%s)", err, ct)
	}
	if un, _ := io.ReadAll(zr); !bytes.Equal(un, raw) {
		t.Errorf("the gzip bill unpacks to another bill")
	}
}

// BenchmarkAcquirerBill writes the bill of a day of 100,000 acquirer
// movements (a busy chain's day), as the endpoint does under the lock.
func BenchmarkAcquirerBill(b *testing.B) {
	s, err := New(Config{DataDir: sharedDir})
	if err != nil {
		b.Fatal(err)
	}
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, beijing)
	s.cfg.Now = func() time.Time { return day.Add(30 * time.Hour) }
	for i := range 100_000 {
		s.charges = append(s.charges, Charge{Seq: i + 1, Kind: ChargePayment, Provider: UnionPay,
			OutTradeNo: fmt.Sprintf("zg%030d", i), TradeNo: fmt.Sprintf("2026112510%010d", i), Amount: money.Fen(100 + i%5000),
			Fee: money.Fen((100 + i%5000) * 6 / 1000), At: day.Add(time.Duration(i) * 800 * time.Millisecond)})
	}
	b.ReportAllocs()
	for b.Loop() {
		data, msg := s.acquirerBill(day)
		if msg != "" || len(data) < 100_000*50 {
			b.Fatalf("bill: %q, %d bytes", msg, len(data))
		}
		b.SetBytes(int64(len(data)))
	}
}

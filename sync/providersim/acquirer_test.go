package providersim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"zhanggui/pos/money"
)

// acqClient is a minimal acquirer client written from doc.go.
type acqClient struct {
	base, merchant string
	key            []byte
	hc             *http.Client
	now            func() time.Time
}

func (e *env) acquirer(t *testing.T) *acqClient {
	key, err := hex.DecodeString(e.cred.Acquirer.HMACKey)
	if err != nil {
		t.Fatal(err)
	}
	return &acqClient{base: e.srv.URL + "/acquirer", merchant: e.cred.Acquirer.MerchantID, key: key,
		hc: &http.Client{Timeout: 20 * time.Second}, now: e.clock.Now}
}

func (c *acqClient) mac(msg string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

type acqAnswer struct {
	status int
	body   map[string]any
}

func (a acqAnswer) str(k string) string { s, _ := a.body[k].(string); return s }

func (c *acqClient) call(path string, req map[string]any) (acqAnswer, error) {
	b, _ := json.Marshal(req)
	ts, nonce := strconv.FormatInt(c.now().Unix(), 10), fmt.Sprint(time.Now().UnixNano())
	r, _ := http.NewRequest("POST", c.base+path, bytes.NewReader(b))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Acq-Merchant", c.merchant)
	r.Header.Set("X-Acq-Timestamp", ts)
	r.Header.Set("X-Acq-Nonce", nonce)
	r.Header.Set("X-Acq-Signature", c.mac("POST\n"+path+"\n"+ts+"\n"+nonce+"\n"+string(b)+"\n"))
	resp, err := c.hc.Do(r)
	if err != nil {
		return acqAnswer{}, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	h := resp.Header
	if !hmac.Equal([]byte(h.Get("X-Acq-Signature")), []byte(c.mac(h.Get("X-Acq-Timestamp")+"\n"+h.Get("X-Acq-Nonce")+"\n"+string(raw)+"\n"))) {
		return acqAnswer{}, errBadSignature
	}
	a := acqAnswer{status: resp.StatusCode}
	return a, json.Unmarshal(raw, &a.body)
}

func (c *acqClient) pay(no, code string, fen money.Fen) (acqAnswer, error) {
	return c.call("/v1/qr/pay", map[string]any{"order_no": no, "qr_no": code, "amount_fen": int64(fen), "subject": "可乐"})
}

func (c *acqClient) query(no string) acqAnswer {
	a, err := c.call("/v1/query", map[string]any{"order_no": no})
	if err != nil {
		return acqAnswer{body: map[string]any{"error": err.Error()}}
	}
	return a
}

// wantAcq checks resp_code and, when given, status.
func wantAcq(t *testing.T, what string, a acqAnswer, err error, code, status string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if a.str("resp_code") != code || status != "" && a.str("status") != status {
		t.Fatalf("%s = %s/%s (%s), want %s/%s", what, a.str("resp_code"), a.str("status"), a.str("resp_msg"), code, status)
	}
}

func TestAcquirerQR(t *testing.T) {
	e := newEnv(t, nil)
	c := e.acquirer(t)
	for _, tt := range []struct {
		p      Provider
		wallet string
	}{{UnionPay, "UNIONPAY"}, {ECNY, "ECNY"}} {
		code := e.sim.NewPaymentCode(tt.p, "acq")
		if len(code) != 19 || ProviderOfCode(code) != tt.p {
			t.Fatalf("%s code %q", tt.p, code)
		}
		no := "Q" + tt.wallet
		a, err := c.pay(no, code, 1500)
		wantAcq(t, "pay "+tt.wallet, a, err, "00", "SUCCESS")
		if a.str("wallet") != tt.wallet || a.body["amount_fen"] != 1500.0 || len(a.str("voucher_no")) != 6 {
			t.Errorf("pay answer %v", a.body)
		}
		wantAcq(t, "query", c.query(no), nil, "00", "SUCCESS")
		a, err = c.pay(no, code, 1500)
		wantAcq(t, "same pay again", a, err, "00", "SUCCESS")
		a, err = c.pay(no, code, 1600)
		wantAcq(t, "another amount", a, err, "94", "")
	}
	a, err := c.call("/v1/refund", map[string]any{"order_no": "QUNIONPAY", "refund_no": "QR1", "amount_fen": 500})
	wantAcq(t, "refund", a, err, "00", "SUCCESS")
	a, err = c.call("/v1/refund", map[string]any{"order_no": "QUNIONPAY", "refund_no": "QR2", "amount_fen": 1001})
	wantAcq(t, "refund too much", a, err, "61", "")
	a, err = c.call("/v1/refund/query", map[string]any{"refund_no": "QR1"})
	wantAcq(t, "refund query", a, err, "00", "SUCCESS")
	if q := c.query("QUNIONPAY"); q.body["refunded_fen"] != 500.0 {
		t.Errorf("query after refund: %v", q.body)
	}
	a, err = c.call("/v1/reverse", map[string]any{"order_no": "QECNY"})
	wantAcq(t, "reverse", a, err, "00", "REVERSED")
	a, err = c.pay("QALIPAY", e.sim.NewPaymentCode(Alipay, "acq"), 100)
	wantAcq(t, "an Alipay code", a, err, "14", "")
	e.clock.Advance(25 * time.Hour)
	a, err = c.call("/v1/reverse", map[string]any{"order_no": "QUNIONPAY"})
	wantAcq(t, "reverse after 24 h", a, err, "R1", "")
	if n := len(e.payments(t)); n != 2 {
		t.Errorf("%d orders charged, want 2", n)
	}
}

func TestAcquirerBehaviours(t *testing.T) {
	tests := []struct {
		name         string
		b            Behaviour
		code, status string // "-": a transport error
		after        string // query status afterwards ("" = 25 no order)
		charged      int
	}{
		{"success", Success, "00", "SUCCESS", "SUCCESS", 1},
		{"password", PasswordThenSuccess(1, 0), "00", "PAYING", "SUCCESS", 1},
		{"password fails", PasswordThenFail(1, 0), "00", "PAYING", "FAILED", 0},
		{"insufficient", InsufficientBalance, "51", "FAILED", "FAILED", 0},
		{"system error, paid", SystemErrorHiddenSuccess, "96", "", "SUCCESS", 1},
		{"system error, not paid", SystemErrorHiddenFail, "96", "", "", 0},
		{"drop", DropConnectionAfterCharge, "-", "", "SUCCESS", 1},
		{"slow", SlowAnswer(slowDelay), "00", "SUCCESS", "SUCCESS", 1},
		{"rate limited", RateLimited, "65", "", "", 0},
		{"code expired", CodeExpired, "33", "", "", 0},
		{"risk", RiskRejected, "05", "FAILED", "FAILED", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			c := e.acquirer(t)
			code := e.sim.NewPaymentCode(UnionPay, "ab")
			e.sim.Script(OnCode(code), tt.b)
			start := time.Now()
			a, err := c.pay("AB1", code, 700)
			checkSlow(t, tt.b, start)
			if tt.code == "-" {
				if err == nil {
					t.Fatalf("pay = %v, want a transport error", a.body)
				}
			} else {
				wantAcq(t, "pay", a, err, tt.code, tt.status)
			}
			q := c.query("AB1")
			if tt.after == "" && q.str("resp_code") != "25" || tt.after != "" && q.str("status") != tt.after {
				t.Errorf("query = %v, want status %q", q.body, tt.after)
			}
			if n := e.payments(t)["acquirer/AB1"]; n != tt.charged {
				t.Errorf("charged %d times, want %d", n, tt.charged)
			}
		})
	}
	e := newEnv(t, nil)
	c := e.acquirer(t)
	code := e.sim.NewPaymentCode(UnionPay, "ab")
	e.sim.Script(OnCode(code), BadSignature)
	if _, err := c.pay("AB2", code, 1); !errors.Is(err, errBadSignature) {
		t.Errorf("tampered answer: %v", err)
	}
}

func TestAcquirerAuth(t *testing.T) {
	e := newEnv(t, nil)
	c := e.acquirer(t)
	bad := *c
	bad.key = make([]byte, 32)
	if _, err := bad.call("/v1/query", map[string]any{"order_no": "X"}); !errors.Is(err, errBadSignature) {
		t.Errorf("a wrong key must also fail to verify the answer: %v", err)
	}
	for name, skew := range map[string]time.Duration{"299 s": -299 * time.Second, "301 s": -301 * time.Second} {
		sk := *c
		sk.now = func() time.Time { return e.clock.Now().Add(skew) }
		a, err := sk.call("/v1/query", map[string]any{"order_no": "X"})
		want := map[string]string{"299 s": "25", "301 s": "A0"}[name]
		wantAcq(t, "timestamp "+name+" old", a, err, want, "")
	}
	other := *c
	other.merchant = "898000000005411"
	a, err := other.call("/v1/query", map[string]any{"order_no": "X"})
	wantAcq(t, "another merchant", a, err, "A0", "")
}

// cardReq builds a chip transaction for a card at the current ATC.
func cardReq(card CardInfo, no string, fen money.Fen, atc int, kind CryptogramKind, at time.Time) map[string]any {
	in := CryptogramInput{Amount: fen, Date: at.In(beijing).Format("060102"), UN: fmt.Sprintf("%08X", atc*7919), ATC: fmt.Sprintf("%04X", atc)}
	req := map[string]any{"order_no": no, "amount_fen": int64(fen), "pan": card.PAN, "pan_seq": card.PANSeq,
		"expiry": card.Expiry, "atc": in.ATC, "unpredictable_number": in.UN, "txn_date": in.Date, "subject": "刷卡"}
	key := map[CryptogramKind]string{ARQC: "arqc", TC: "tc"}[kind]
	req[key] = card.Cryptogram(kind, in)
	return req
}

func TestAcquirerCardOnline(t *testing.T) {
	e := newEnv(t, nil)
	c := e.acquirer(t)
	card := e.sim.NewCard("cardholder")
	if len(card.PAN) != 19 || luhnDigit(card.PAN[:18]) != card.PAN[18:] || MaskPAN(card.PAN) != card.PAN[:6]+"*********"+card.PAN[15:] {
		t.Fatalf("card %+v", card)
	}
	now := e.clock.Now()
	a, err := c.call("/v1/card/authorize", cardReq(card, "CARD1", 2500, 1, ARQC, now))
	wantAcq(t, "authorize", a, err, "00", "SUCCESS")
	if len(a.str("auth_code")) != 6 || len(a.str("rrn")) != 12 || len(a.str("arpc")) != 16 || a.str("masked_pan") != MaskPAN(card.PAN) || a.str("entry") != "ONLINE" {
		t.Errorf("authorize answer %v", a.body)
	}
	a, err = c.call("/v1/card/authorize", cardReq(card, "CARD1", 2500, 1, ARQC, now))
	wantAcq(t, "the same authorization again", a, err, "00", "SUCCESS")
	a, err = c.call("/v1/card/authorize", cardReq(card, "CARD2", 2500, 1, ARQC, now))
	wantAcq(t, "a replayed ATC", a, err, "Q1", "")
	req := cardReq(card, "CARD3", 2500, 3, ARQC, now)
	req["amount_fen"] = 2600 // the ARQC covered 25.00
	a, err = c.call("/v1/card/authorize", req)
	wantAcq(t, "an ARQC for another amount", a, err, "Q1", "")
	e.sim.SetBalance("cardholder", 100)
	a, err = c.call("/v1/card/authorize", cardReq(card, "CARD4", 2500, 4, ARQC, now))
	wantAcq(t, "insufficient", a, err, "51", "FAILED")
	e.clock.Advance(4 * 366 * 24 * time.Hour)
	a, err = c.call("/v1/card/authorize", cardReq(card, "CARD5", 50, 5, ARQC, e.clock.Now()))
	wantAcq(t, "an expired card", a, err, "54", "")
	stranger := card
	stranger.PAN = "6228480000000000000"
	a, err = c.call("/v1/card/authorize", cardReq(stranger, "CARD6", 50, 6, ARQC, now))
	wantAcq(t, "an unknown card", a, err, "14", "")
	if n := len(e.payments(t)); n != 1 {
		t.Errorf("%d orders charged, want 1", n)
	}
}

func TestAcquirerCardOfflineCapture(t *testing.T) {
	e := newEnv(t, nil)
	c := e.acquirer(t)
	card := e.sim.NewCard("offline")
	approved := e.clock.Now().Add(-3 * time.Hour) // approved by the card while the shop was offline
	req := cardReq(card, "OFF1", 880, 10, TC, approved)
	req["approved_at"] = approved.Format(time.RFC3339)
	a, err := c.call("/v1/card/capture", req)
	wantAcq(t, "capture", a, err, "00", "SUCCESS")
	if a.str("entry") != "OFFLINE" || a.str("auth_code") != "" {
		t.Errorf("capture answer %v", a.body)
	}
	a, err = c.call("/v1/card/capture", req)
	wantAcq(t, "the same capture again", a, err, "00", "SUCCESS")

	bad := cardReq(card, "OFF2", 880, 11, TC, approved)
	bad["tc"] = "0000000000000000"
	a, err = c.call("/v1/card/capture", bad)
	wantAcq(t, "a forged TC", a, err, "Q1", "FAILED")
	wantAcq(t, "query of the rejected capture", c.query("OFF2"), nil, "00", "FAILED")

	e.sim.SetBalance("offline", 100)
	a, err = c.call("/v1/card/capture", cardReq(card, "OFF3", 880, 12, TC, approved))
	wantAcq(t, "capture beyond the balance", a, err, "51", "FAILED")
	ch := e.sim.Charges()
	if len(ch) != 1 || ch[0].Provider != Card || ch[0].OutTradeNo != "OFF1" || ch[0].Amount != 880 {
		t.Errorf("charges %+v", ch)
	}
}

package unionpay

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/providersim"
)

// chip is a simulated QuickPass card and its rising ATC, computing what
// its chip would: the cryptogram the simulated issuer verifies.
type chip struct {
	info providersim.CardInfo
	atc  uint16
}

func (e *env) newChip(user string) *chip { return &chip{info: e.sim.NewCard(user)} }

// request is the card's next transaction of amount with cryptogram kind.
func (c *chip) request(no string, amount money.Fen, kind pos.CardCryptogram, at time.Time) pos.CardAuthRequest {
	c.atc++
	un := [4]byte{0x12, 0x34, byte(c.atc), 0x78}
	date := at.In(time.FixedZone("CST", 8*3600)).Format("060102")
	crypt := c.info.Cryptogram(providersim.CryptogramKind(kind), providersim.CryptogramInput{
		Amount: amount, Date: date, UN: fmt.Sprintf("%X", un[:]), ATC: fmt.Sprintf("%04X", c.atc)})
	cb, _ := hex.DecodeString(crypt)
	seq, _ := strconv.Atoi(c.info.PANSeq)
	r := pos.CardAuthRequest{OutTradeNo: no, Amount: amount, PAN: []byte(c.info.PAN), PANSeq: seq,
		Expiry: c.info.Expiry, ATC: c.atc, UN: un, TxnDate: date, Cryptogram: cb, Kind: kind}
	if kind == pos.CryptogramTC {
		r.ApprovedAt = at
	}
	return r
}

// wantCard checks a card result's status, and that an error comes exactly
// with Unknown, as pos.CodeUnavailable.
func wantCard(t *testing.T, what string, r pos.CardAuthResult, err error, status pos.ProviderStatus) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s = %+v (err %v), want status %s", what, r, err, status)
	}
	if status == pos.StatusUnknown {
		if pos.ErrorCode(err) != pos.CodeUnavailable {
			t.Fatalf("%s: error %v (code %s), want a CodeUnavailable error", what, err, pos.ErrorCode(err))
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v, want a definite answer", what, err)
	}
}

func TestCardAuthorizeApproved(t *testing.T) {
	e := newEnv(t, nil)
	c := e.newChip("holder")
	r := c.request(newNo("C"), 2500, pos.CryptogramARQC, e.clock.Now())
	res, err := e.c.CardAuthorize(ctx, r)
	wantCard(t, "CardAuthorize", res, err, pos.StatusSuccess)
	if len(res.AuthCode) != 6 || len(res.RRN) != 12 || res.TradeNo == "" || res.Entry != "ONLINE" ||
		res.Amount != 2500 || res.MaskedPAN != providersim.MaskPAN(c.info.PAN) {
		t.Errorf("CardAuthorize = %+v, want an online approval of 25.00 with auth code, RRN and masked PAN", res)
	}
	again, err := e.c.CardAuthorize(ctx, r) // a retry after a timeout: the same order, not a second charge
	wantCard(t, "CardAuthorize again", again, err, pos.StatusSuccess)
	if again.TradeNo != res.TradeNo || again.AuthCode != res.AuthCode {
		t.Errorf("retry = %+v, want the first approval %+v", again, res)
	}
	if net, n, _ := e.net(r.OutTradeNo); net != 2500 || n != 1 {
		t.Errorf("simulator booked %v in %d payments, want 25.00 once", net, n)
	}
	q, err := e.c.Query(ctx, r.OutTradeNo)
	want(t, "Query", q, err, pos.StatusSuccess)
}

func TestCardAuthorizeDeclined(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(e *env, c *chip, r *pos.CardAuthRequest)
		reason string
	}{
		{"insufficient balance", func(e *env, c *chip, r *pos.CardAuthRequest) { e.sim.SetBalance("poor", 100) },
			"卡内余额不足，请改用其他卡或其他支付方式"},
		{"wrong cryptogram", func(e *env, c *chip, r *pos.CardAuthRequest) { r.Cryptogram[0] ^= 1 },
			"卡片认证失败，请重新刷卡或改用其他卡"},
		{"replayed ATC", func(e *env, c *chip, r *pos.CardAuthRequest) {
			old := c.request(newNo("C"), 100, pos.CryptogramARQC, e.clock.Now())
			if res, err := e.c.CardAuthorize(ctx, old); res.Status != pos.StatusSuccess {
				t.Fatalf("first CardAuthorize = %+v, %v", res, err)
			}
			*r = c.request(r.OutTradeNo, r.Amount, pos.CryptogramARQC, e.clock.Now())
			r.ATC = old.ATC // the issuer has seen this counter: a cloned card
		}, "卡片认证失败，请重新刷卡或改用其他卡"},
		{"unknown card", func(e *env, c *chip, r *pos.CardAuthRequest) { copy(r.PAN[6:], "000000000") },
			"卡片无效或不受理，请改用其他卡"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			c := e.newChip("poor")
			r := c.request(newNo("C"), 2500, pos.CryptogramARQC, e.clock.Now())
			tt.setup(e, c, &r)
			res, err := e.c.CardAuthorize(ctx, r)
			wantCard(t, "CardAuthorize", res, err, pos.StatusFailed)
			if res.Reason != tt.reason {
				t.Errorf("reason = %q, want %q", res.Reason, tt.reason)
			}
			if net, _, _ := e.net(r.OutTradeNo); net != 0 {
				t.Errorf("simulator booked %v for a declined card", net)
			}
		})
	}
}

func TestCardAuthorizeUnknown(t *testing.T) {
	for _, b := range []providersim.Behaviour{providersim.SystemErrorHiddenSuccess, providersim.BadSignature,
		providersim.DropConnectionAfterCharge} {
		t.Run(b.String(), func(t *testing.T) {
			e := newEnv(t, nil)
			r := e.newChip("holder").request(newNo("C"), 990, pos.CryptogramARQC, e.clock.Now())
			e.sim.Script(providersim.OnOutTradeNo(r.OutTradeNo), b)
			res, err := e.c.CardAuthorize(ctx, r)
			wantCard(t, "CardAuthorize", res, err, pos.StatusUnknown)
			if strings.Contains(err.Error(), string(r.PAN)) {
				t.Errorf("error shows the PAN: %v", err)
			}
			q, err := e.c.Query(ctx, r.OutTradeNo) // what the caller does next
			want(t, "Query", q, err, pos.StatusSuccess)
			if q.Buyer != pos.MaskPAN(r.PAN) {
				t.Errorf("Query buyer = %q, want the masked card", q.Buyer)
			}
		})
	}
}

func TestCardCapture(t *testing.T) {
	e := newEnv(t, nil)
	c := e.newChip("offline")
	approved := e.clock.Now().Add(-2 * time.Hour) // tapped while the shop was offline
	r := c.request(newNo("T"), 880, pos.CryptogramTC, approved)
	res, err := e.c.CardCapture(ctx, r)
	wantCard(t, "CardCapture", res, err, pos.StatusSuccess)
	if res.Entry != "OFFLINE" || res.Amount != 880 || res.RRN == "" {
		t.Errorf("CardCapture = %+v, want an offline capture of 8.80 with an RRN", res)
	}
	again, err := e.c.CardCapture(ctx, r) // the outbox sends a job again after a crash
	wantCard(t, "CardCapture again", again, err, pos.StatusSuccess)
	if net, n, _ := e.net(r.OutTradeNo); net != 880 || n != 1 {
		t.Errorf("simulator booked %v in %d payments, want 8.80 once", net, n)
	}

	bad := c.request(newNo("T"), 880, pos.CryptogramTC, approved)
	bad.Cryptogram[7] ^= 0x80
	res, err = e.c.CardCapture(ctx, bad)
	wantCard(t, "CardCapture with a bad TC", res, err, pos.StatusFailed)
	if want := "脱机刷卡交易上送被收单机构拒绝（Q1），款项未到账，请联系顾客另行付款"; res.Reason != want {
		t.Errorf("reason = %q, want %q", res.Reason, want)
	}
}

// A capture whose approval time is ahead of the acquirer's clock: within
// the clock skew it is taken; beyond it the acquirer refuses the request
// (30), which is not the card's decline: an error (the upload job parks
// for the owner), never a failed capture (which would be booked a loss).
func TestCardCaptureClockAhead(t *testing.T) {
	e := newEnv(t, nil)
	c := e.newChip("offline")
	res, err := e.c.CardCapture(ctx, c.request(newNo("T"), 500, pos.CryptogramTC, e.clock.Now().Add(90*time.Second)))
	wantCard(t, "CardCapture 90 s ahead", res, err, pos.StatusSuccess)
	res, err = e.c.CardCapture(ctx, c.request(newNo("T"), 500, pos.CryptogramTC, e.clock.Now().Add(time.Hour)))
	if res.Status == pos.StatusFailed || pos.ErrorCode(err) != pos.CodeConflict {
		t.Errorf("CardCapture an hour ahead = %+v, %v; want a conflict error, not a decline", res, err)
	}
}

func TestCardRefusedBeforeSending(t *testing.T) {
	e := newEnv(t, nil)
	c := e.newChip("holder")
	online := c.request(newNo("C"), 100, pos.CryptogramARQC, e.clock.Now())
	offline := c.request(newNo("T"), 100, pos.CryptogramTC, e.clock.Now())
	noTime := offline
	noTime.ApprovedAt = time.Time{}
	letters := online
	letters.PAN = []byte("62284812345678901X")
	shortCrypt := online
	shortCrypt.Cryptogram = shortCrypt.Cryptogram[:7]
	tests := []struct {
		name string
		call func() (pos.CardAuthResult, error)
	}{
		{"a TC to authorize", func() (pos.CardAuthResult, error) { return e.c.CardAuthorize(ctx, offline) }},
		{"an ARQC to capture", func() (pos.CardAuthResult, error) { return e.c.CardCapture(ctx, online) }},
		{"capture without time", func() (pos.CardAuthResult, error) { return e.c.CardCapture(ctx, noTime) }},
		{"PAN with a letter", func() (pos.CardAuthResult, error) { return e.c.CardAuthorize(ctx, letters) }},
		{"short cryptogram", func() (pos.CardAuthResult, error) { return e.c.CardAuthorize(ctx, shortCrypt) }},
	}
	for _, tt := range tests {
		res, err := tt.call()
		if res.Status != pos.StatusFailed || pos.ErrorCode(err) != pos.CodeInvalid {
			t.Errorf("%s = %+v, %v; want Failed with a CodeInvalid error", tt.name, res, err)
		}
		if err != nil && strings.Contains(err.Error(), c.info.PAN[6:15]) {
			t.Errorf("%s: error shows the PAN: %v", tt.name, err)
		}
	}
	if n := len(e.sim.Charges()); n != 0 {
		t.Errorf("%d charges booked; nothing should have been sent", n)
	}
}

// TestCardAnswerChecked feeds correctly signed answers that do not fit the
// request: each must be Unknown, never an approval.
func TestCardAnswerChecked(t *testing.T) {
	e := newEnv(t, nil)
	r := e.newChip("holder").request("ORDER1", 500, pos.CryptogramARQC, e.clock.Now())
	masked := pos.MaskPAN(r.PAN)
	ok := `"resp_code":"00","order_no":"ORDER1","txn_no":"T1","status":"SUCCESS","amount_fen":500,` +
		`"entry":"ONLINE","auth_code":"123456","rrn":"000000000001"`
	tests := []struct{ name, body string }{
		{"another card", `{` + ok + `,"masked_pan":"622848*********0000"}`},
		{"an unmasked card", `{` + ok + `,"masked_pan":"` + string(r.PAN) + `"}`},
		{"another amount", `{` + strings.Replace(ok, `500`, `50`, 1) + `,"masked_pan":"` + masked + `"}`},
		{"another order", `{` + strings.Replace(ok, `ORDER1`, `ORDER2`, 1) + `,"masked_pan":"` + masked + `"}`},
		{"offline entry", `{` + strings.Replace(ok, `ONLINE`, `OFFLINE`, 1) + `,"masked_pan":"` + masked + `"}`},
		{"no auth code", `{` + strings.Replace(ok, `123456`, ``, 1) + `,"masked_pan":"` + masked + `"}`},
		{"paying", `{` + strings.Replace(ok, `SUCCESS`, `PAYING`, 1) + `,"masked_pan":"` + masked + `"}`},
		{"system error", `{"resp_code":"96","resp_msg":"系统故障"}`},
		{"unknown code", `{"resp_code":"X9"}`},
	}
	for _, tt := range tests {
		url := signedServer(t, e.cred.Acquirer.HMACKey, e.clock.Now, tt.body)
		c := e.client(t, func(cfg *Config) { cfg.BaseURL = url })
		res, err := c.CardAuthorize(ctx, r)
		if res.Status != pos.StatusUnknown || pos.ErrorCode(err) != pos.CodeUnavailable {
			t.Errorf("%s: CardAuthorize = %+v, %v; want Unknown", tt.name, res, err)
		}
	}
	url := signedServer(t, e.cred.Acquirer.HMACKey, e.clock.Now, `{`+ok+`,"masked_pan":"`+masked+`"}`)
	res, err := e.client(t, func(cfg *Config) { cfg.BaseURL = url }).CardAuthorize(ctx, r)
	wantCard(t, "the fitting answer", res, err, pos.StatusSuccess)
}

// signedServer answers every request with body, signed as the acquirer
// signs (hex HMAC-SHA256 over TIMESTAMP\nNONCE\nBODY\n).
func signedServer(t *testing.T, keyHex string, now func() time.Time, body string) string {
	t.Helper()
	signer, err := New(Config{BaseURL: "http://127.0.0.1", MerchantID: "m", HMACKeyHex: keyHex})
	if err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(now().Unix(), 10)
	h := http.Header{"X-Acq-Timestamp": {ts}, "X-Acq-Nonce": {"n1"},
		"X-Acq-Signature": {signer.mac(ts + "\nn1\n" + body + "\n")}}
	return fixed(t, http.StatusOK, h, body)
}

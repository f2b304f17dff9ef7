package providersim

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// v3Client is a minimal WeChat Pay v3 client written apart from the
// simulator: it signs requests and verifies answers by the book.
type v3Client struct {
	base, mchID, appID, serial string
	key                        *rsa.PrivateKey
	accept                     string         // Wechatpay-Serial: which key may sign answers
	verify                     *rsa.PublicKey // that key
	hc                         *http.Client
	now                        func() time.Time
	fullPath                   bool // sign /wechat/v3/… instead of /v3/…
}

func (e *env) v3(t *testing.T) *v3Client {
	t.Helper()
	key, err := ParsePrivateKey(e.cred.WeChat.MerchantPrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey(e.cred.WeChat.PublicKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return &v3Client{base: e.srv.URL + "/wechat", mchID: e.cred.WeChat.MchID, appID: e.cred.WeChat.AppID,
		serial: e.cred.WeChat.MerchantSerial, key: key, accept: e.cred.WeChat.PublicKeyID, verify: pub,
		hc: &http.Client{Timeout: 20 * time.Second}, now: e.clock.Now}
}

// v3Resp is a verified answer.
type v3Resp struct {
	status int
	body   map[string]any
	raw    []byte
}

func (r v3Resp) str(k string) string { s, _ := r.body[k].(string); return s }

func (c *v3Client) do(method, path string, body any) (v3Resp, error) {
	resp, raw, err := c.send(method, path, body)
	if err != nil {
		return v3Resp{}, err
	}
	r := v3Resp{status: resp.StatusCode, raw: raw}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			return r, fmt.Errorf("decode %s: %v", raw, err)
		}
	}
	return r, c.check(resp.Header, raw)
}

// send signs and sends a request; the answer is not checked.
func (c *v3Client) send(method, path string, body any) (*http.Response, []byte, error) {
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(b))
	ts, nonce := strconv.FormatInt(c.now().Unix(), 10), fmt.Sprint(time.Now().UnixNano())
	signed := req.URL.RequestURI()
	if !c.fullPath {
		signed = strings.TrimPrefix(signed, "/wechat")
	}
	h := sha256.Sum256([]byte(method + "\n" + signed + "\n" + ts + "\n" + nonce + "\n" + string(b) + "\n"))
	sig, _ := rsa.SignPKCS1v15(nil, c.key, crypto.SHA256, h[:])
	req.Header.Set("Authorization", fmt.Sprintf(`WECHATPAY2-SHA256-RSA2048 mchid="%s",nonce_str="%s",timestamp="%s",serial_no="%s",signature="%s"`,
		c.mchID, nonce, ts, c.serial, base64.StdEncoding.EncodeToString(sig)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Wechatpay-Serial", c.accept)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp, raw, err
}

// check verifies the answer's headers as wechatpay-go does: serial,
// a timestamp within 300 s, the signature.
func (c *v3Client) check(h http.Header, body []byte) error {
	ts, _ := strconv.ParseInt(h.Get("Wechatpay-Timestamp"), 10, 64)
	if d := c.now().Unix() - ts; d >= 300 || d <= -300 {
		return fmt.Errorf("answer timestamp %d is %d s off", ts, d)
	}
	if h.Get("Wechatpay-Serial") != c.accept {
		return fmt.Errorf("answer serial %s, want %s", h.Get("Wechatpay-Serial"), c.accept)
	}
	sig, _ := base64.StdEncoding.DecodeString(h.Get("Wechatpay-Signature"))
	sum := sha256.Sum256([]byte(h.Get("Wechatpay-Timestamp") + "\n" + h.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n"))
	if rsa.VerifyPKCS1v15(c.verify, crypto.SHA256, sum[:], sig) != nil {
		return errBadSignature
	}
	return nil
}

func (c *v3Client) codepay(no, code string, fen int64) (v3Resp, error) {
	return c.do("POST", "/v3/pay/transactions/codepay", map[string]any{"appid": c.appID, "mchid": c.mchID,
		"description": "掌柜-可乐", "out_trade_no": no, "payer": map[string]any{"auth_code": code},
		"amount":     map[string]any{"total": fen, "currency": "CNY"},
		"scene_info": map[string]any{"device_id": "POS1", "device_ip": "127.0.0.1"}})
}

func (c *v3Client) query(no string) v3Resp {
	r, err := c.do("GET", "/v3/pay/transactions/out-trade-no/"+no+"?mchid="+c.mchID, nil)
	if err != nil {
		return v3Resp{body: map[string]any{"error": err.Error()}}
	}
	return r
}

// wantV3 checks status and code (or trade_state on 200).
func wantV3(t *testing.T, what string, r v3Resp, err error, status int, code string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	got := r.str("code")
	if r.status == 200 {
		got = r.str("trade_state")
	}
	if r.status != status || got != code {
		t.Fatalf("%s = %d %s (%s), want %d %s", what, r.status, got, r.raw, status, code)
	}
}

func TestWeChatV3Behaviours(t *testing.T) {
	tests := []struct {
		name    string
		b       Behaviour
		status  int // 0: a transport error
		code    string
		err     error
		state   string // query afterwards; "" = 404
		charged int
	}{
		{"success", Success, 200, "SUCCESS", nil, "SUCCESS", 1},
		{"password then success", PasswordThenSuccess(1, 0), 202, "USERPAYING", nil, "SUCCESS", 1},
		{"password then fail", PasswordThenFail(1, 0), 202, "USERPAYING", nil, "PAYERROR", 0},
		{"insufficient", InsufficientBalance, 403, "NOT_ENOUGH", nil, "PAYERROR", 0},
		{"system error, paid", SystemErrorHiddenSuccess, 500, "SYSTEM_ERROR", nil, "SUCCESS", 1},
		{"system error, not paid", SystemErrorHiddenFail, 500, "SYSTEM_ERROR", nil, "", 0},
		{"drop after charge", DropConnectionAfterCharge, 0, "", nil, "SUCCESS", 1},
		{"slow", SlowAnswer(slowDelay), 200, "SUCCESS", nil, "SUCCESS", 1},
		{"rate limited", RateLimited, 429, "FREQUENCY_LIMITED", nil, "", 0},
		{"bad signature", BadSignature, 0, "", errBadSignature, "SUCCESS", 1},
		{"code expired", CodeExpired, 403, "AUTHCODEEXPIRE", nil, "", 0},
		{"risk", RiskRejected, 403, "TRADE_ERROR", nil, "PAYERROR", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			c := e.v3(t)
			code := e.sim.NewPaymentCode(WeChat, "v3")
			e.sim.Script(OnCode(code), tt.b)
			start := time.Now()
			r, err := c.codepay("V3P001", code, 1234)
			checkSlow(t, tt.b, start)
			switch {
			case tt.err != nil:
				if !errors.Is(err, tt.err) {
					t.Fatalf("codepay error %v, want %v", err, tt.err)
				}
			case tt.status == 0:
				if err == nil {
					t.Fatalf("codepay = %d %s, want a transport error", r.status, r.raw)
				}
			default:
				wantV3(t, "codepay", r, err, tt.status, tt.code)
			}
			q := c.query("V3P001")
			if tt.state == "" && q.status != 404 || tt.state != "" && q.str("trade_state") != tt.state {
				t.Errorf("query = %d %s, want %q", q.status, q.raw, tt.state)
			}
			if n := e.payments(t)["wechat/V3P001"]; n != tt.charged {
				t.Errorf("charged %d times, want %d", n, tt.charged)
			}
		})
	}
}

func TestWeChatV3Auth(t *testing.T) {
	e := newEnv(t, nil)
	c := e.v3(t)
	r, err := c.do("GET", "/v3/pay/transactions/out-trade-no/NOPE01?mchid="+c.mchID, nil)
	wantV3(t, "signed query", r, err, 404, "ORDER_NOT_EXIST")

	full := *c
	full.fullPath = true
	r, err = full.do("GET", "/v3/pay/transactions/out-trade-no/NOPE01?mchid="+c.mchID, nil)
	wantV3(t, "signed over the full path", r, err, 404, "ORDER_NOT_EXIST")

	for name, skew := range map[string]time.Duration{"299 s old": -299 * time.Second, "299 s ahead": 299 * time.Second} {
		sk := *c
		sk.now = func() time.Time { return e.clock.Now().Add(skew) }
		r, err = sk.do("GET", "/v3/pay/transactions/out-trade-no/NOPE01?mchid="+c.mchID, nil)
		if err != nil && !strings.Contains(err.Error(), "off") || r.status != 404 {
			t.Errorf("%s: %d %s", name, r.status, r.raw)
		}
	}
	for name, skew := range map[string]time.Duration{"301 s old": -301 * time.Second, "301 s ahead": 301 * time.Second} {
		sk := *c
		sk.now = func() time.Time { return e.clock.Now().Add(skew) }
		r, _ = sk.do("GET", "/v3/pay/transactions/out-trade-no/NOPE01?mchid="+c.mchID, nil)
		if r.status != 401 || r.str("code") != "SIGN_ERROR" {
			t.Errorf("%s: %d %s, want 401 SIGN_ERROR", name, r.status, r.raw)
		}
	}
	wrong := *c
	wrong.key, _ = ParsePrivateKey(e.cred.Alipay.AppPrivateKeyPEM)
	r, err = wrong.do("POST", "/v3/pay/transactions/out-trade-no/NOPE01/close", map[string]any{"mchid": c.mchID})
	wantV3(t, "wrong key", r, err, 401, "SIGN_ERROR")
	wrong = *c
	wrong.serial = "0123456789ABCDEF"
	r, err = wrong.do("POST", "/v3/pay/transactions/out-trade-no/NOPE01/close", map[string]any{"mchid": c.mchID})
	wantV3(t, "wrong serial", r, err, 401, "SIGN_ERROR")

	// Certificate mode: the client accepts the platform serial.
	cert, err := parseCert(e.cred.WeChat.PlatformCertPEM)
	if err != nil {
		t.Fatal(err)
	}
	certMode := *c
	certMode.accept, certMode.verify = e.cred.WeChat.PlatformSerial, cert.PublicKey.(*rsa.PublicKey)
	r, err = certMode.do("GET", "/v3/pay/transactions/out-trade-no/NOPE01?mchid="+c.mchID, nil)
	wantV3(t, "certificate mode", r, err, 404, "ORDER_NOT_EXIST")

	// A tampered body: the request is re-sent with another body.
	req, _ := http.NewRequest("POST", c.base+"/v3/pay/transactions/native", strings.NewReader(`{"mchid":"x"}`))
	req.Header.Set("Authorization", `WECHATPAY2-SHA256-RSA2048 mchid="`+c.mchID+`",nonce_str="n",timestamp="`+
		strconv.FormatInt(e.clock.Now().Unix(), 10)+`",serial_no="`+c.serial+`",signature="`+signRSA(c.key, []byte("POST\n/v3/pay/transactions/native\n0\nn\n{}\n"))+`"`)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("Wechatpay-Signature") == "" {
		t.Errorf("tampered request: %d, signed %v", resp.StatusCode, resp.Header.Get("Wechatpay-Signature") != "")
	}
}

func TestWeChatV3Orders(t *testing.T) {
	e := newEnv(t, nil)
	c := e.v3(t)
	native := func(no string, fen int64) (v3Resp, error) {
		return c.do("POST", "/v3/pay/transactions/native", map[string]any{"appid": c.appID, "mchid": c.mchID,
			"description": "扫码点单", "out_trade_no": no, "amount": map[string]any{"total": fen, "currency": "CNY"}})
	}
	r, err := native("NATIVE1", 500)
	if err != nil || r.status != 200 || !strings.HasPrefix(r.str("code_url"), "weixin://wxpay/bizpayurl?pr=") {
		t.Fatalf("native = %d %s, %v", r.status, r.raw, err)
	}
	wantV3(t, "query before paying", c.query("NATIVE1"), nil, 200, "NOTPAY")
	if err := e.sim.CustomerPay("NATIVE1"); err != nil {
		t.Fatal(err)
	}
	q := c.query("NATIVE1")
	wantV3(t, "query after paying", q, nil, 200, "SUCCESS")
	if !strings.HasSuffix(q.str("success_time"), "+08:00") || q.str("transaction_id") == "" {
		t.Errorf("paid native order: %s", q.raw)
	}
	r, err = native("NATIVE1", 500)
	wantV3(t, "native again after paying", r, err, 403, "ORDERPAID")

	if _, err = native("NATIVE2", 500); err != nil {
		t.Fatal(err)
	}
	r, err = c.do("POST", "/v3/pay/transactions/out-trade-no/NATIVE2/close", map[string]any{"mchid": c.mchID})
	if err != nil || r.status != 204 || len(r.raw) != 0 {
		t.Fatalf("close = %d %q, %v; want 204 and no body", r.status, r.raw, err)
	}
	wantV3(t, "query after close", c.query("NATIVE2"), nil, 200, "CLOSED")
	if err := e.sim.CustomerPay("NATIVE2"); !errors.Is(err, ErrNotPayable) {
		t.Errorf("paying a closed order: %v", err)
	}
	r, err = c.do("POST", "/v3/pay/transactions/out-trade-no/NATIVE1/close", map[string]any{"mchid": c.mchID})
	wantV3(t, "close a paid order", r, err, 400, "ORDERPAID")

}

func TestWeChatV3CodepayAndReverse(t *testing.T) {
	e := newEnv(t, nil)
	c := e.v3(t)
	// Code payment, reverse, and the v2 view of the same merchant.
	r, err := c.codepay("CODEPAY1", e.sim.NewPaymentCode(WeChat, "v3"), 300)
	wantV3(t, "codepay", r, err, 200, "SUCCESS")
	r, err = c.do("POST", "/v3/pay/transactions/out-trade-no/CODEPAY1/reverse", map[string]any{"appid": c.appID, "mchid": c.mchID})
	if err != nil || r.status != 200 || r.str("out_trade_no") != "CODEPAY1" {
		t.Fatalf("reverse = %d %s, %v", r.status, r.raw, err)
	}
	if q := e.v2(t).orderquery("CODEPAY1"); q["trade_state"] != "REVOKED" {
		t.Errorf("v2 orderquery of a v3 reversed order = %v", q)
	}
	if _, err := c.do("POST", "/v3/pay/transactions/native", map[string]any{"appid": c.appID, "mchid": c.mchID,
		"description": "x", "out_trade_no": "NATIVE1", "amount": map[string]any{"total": 1}}); err != nil {
		t.Fatal(err)
	}
	r, err = c.do("POST", "/v3/pay/transactions/out-trade-no/NATIVE1/reverse", map[string]any{"appid": c.appID, "mchid": c.mchID})
	wantV3(t, "reverse a native order", r, err, 400, "INVALID_REQUEST")
	r, err = c.codepay("short", e.sim.NewPaymentCode(WeChat, "v3"), 300)
	wantV3(t, "a 5-character out_trade_no", r, err, 400, "PARAM_ERROR")
}

func TestWeChatV3Refunds(t *testing.T) {
	e := newEnv(t, nil)
	c := e.v3(t)
	r, err := c.codepay("REFUND01", e.sim.NewPaymentCode(WeChat, "v3"), 1000)
	wantV3(t, "codepay", r, err, 200, "SUCCESS")
	refund := func(no string, amt, total int64) (v3Resp, error) {
		return c.do("POST", "/v3/refund/domestic/refunds", map[string]any{"out_trade_no": "REFUND01",
			"out_refund_no": no, "amount": map[string]any{"refund": amt, "total": total, "currency": "CNY"}})
	}
	r, err = refund("R1", 400, 1000)
	if err != nil || r.status != 200 || r.str("status") != "PROCESSING" || !strings.HasPrefix(r.str("refund_id"), "50") {
		t.Fatalf("refund = %d %s, %v", r.status, r.raw, err)
	}
	r, err = refund("R1", 400, 1000)
	if err != nil || r.status != 200 || r.str("status") != "SUCCESS" {
		t.Fatalf("refund again = %d %s, %v", r.status, r.raw, err)
	}
	r, err = refund("R2", 400, 1000)
	wantV3(t, "a second refund within a minute", r, err, 429, "FREQUENCY_LIMITED")
	e.clock.Advance(time.Minute)
	r, err = refund("R2", 601, 1000)
	wantV3(t, "more than is left", r, err, 400, "INVALID_REQUEST")
	r, err = refund("R2", 100, 999)
	wantV3(t, "wrong total", r, err, 400, "PARAM_ERROR")
	r, err = refund("R2", 600, 1000)
	if err != nil || r.status != 200 {
		t.Fatalf("refund the rest = %d %s, %v", r.status, r.raw, err)
	}
	r, err = c.do("GET", "/v3/refund/domestic/refunds/R2", nil)
	if err != nil || r.str("status") != "SUCCESS" || r.body["amount"].(map[string]any)["refund"] != 600.0 {
		t.Fatalf("refund query = %d %s, %v", r.status, r.raw, err)
	}
	wantV3(t, "query after full refund", c.query("REFUND01"), nil, 200, "REFUND")
	r, err = c.do("GET", "/v3/refund/domestic/refunds/NOPE", nil)
	wantV3(t, "unknown refund", r, err, 404, "RESOURCE_NOT_EXISTS")
}

func TestWeChatV3TradeBill(t *testing.T) {
	e := newEnv(t, nil)
	c := e.v3(t)
	e.clock.Set(time.Now().Add(-48 * time.Hour))
	r, err := c.codepay("BILL0001", e.sim.NewPaymentCode(WeChat, "v3"), 1234)
	wantV3(t, "codepay", r, err, 200, "SUCCESS")
	day := e.clock.Now().In(beijing).Format("2006-01-02")
	e.clock.Set(time.Now())
	r, err = c.do("GET", "/v3/bill/tradebill?bill_date="+day+"&bill_type=ALL", nil)
	if err != nil || r.status != 200 || r.str("hash_type") != "SHA1" {
		t.Fatalf("tradebill = %d %s, %v", r.status, r.raw, err)
	}
	u := r.str("download_url")
	resp, file, err := c.send("GET", strings.TrimPrefix(u, c.base), nil)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Wechatpay-Signature") != "" {
		t.Fatalf("download = %v, %v; want 200 without a signature", resp, err)
	}
	if sum := fmt.Sprintf("%x", sha1.Sum(file)); sum != r.str("hash_value") {
		t.Errorf("file SHA1 %s, hash_value %s", sum, r.str("hash_value"))
	}
	rows, summary := parseWeChatBill(t, string(file))
	if len(rows) != 1 || rows[0]["商户订单号"] != "BILL0001" || summary["应结订单总金额"] != "12.34" || summary["手续费总金额"] != "0.07" {
		t.Errorf("bill rows %v, summary %v", rows, summary)
	}
	r, err = c.do("GET", "/v3/bill/tradebill?bill_date="+e.clock.Now().In(beijing).Format("2006-01-02"), nil)
	wantV3(t, "bill of today", r, err, 400, "NO_STATEMENT_EXIST")
}

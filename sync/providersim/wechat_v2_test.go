package providersim

import (
	"bytes"
	"compress/gzip"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"zhanggui/pos/money"
)

// v2Client is a minimal WeChat Pay v2 client written apart from the
// simulator: its own XML and its own signing.
type v2Client struct {
	base, appID, mchID, key string
	signType                string // "" (MD5) or HMAC-SHA256
	hc                      *http.Client
}

func (e *env) v2(t *testing.T) *v2Client {
	return &v2Client{base: e.srv.URL + "/wechat", appID: e.cred.WeChat.AppID, mchID: e.cred.WeChat.MchID,
		key: e.cred.WeChat.APIv2Key, hc: &http.Client{Timeout: 20 * time.Second}}
}

func (c *v2Client) sign(p map[string]string, signType string) string {
	var keys []string
	for k, v := range p {
		if k != "sign" && v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	s := ""
	for _, k := range keys {
		s += k + "=" + p[k] + "&"
	}
	s += "key=" + c.key
	if signType == "HMAC-SHA256" {
		m := hmac.New(sha256.New, []byte(c.key))
		m.Write([]byte(s))
		return strings.ToUpper(hex.EncodeToString(m.Sum(nil)))
	}
	sum := md5.Sum([]byte(s))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// call posts one request and checks the answer's signature.
func (c *v2Client) call(path string, p map[string]string) (map[string]string, error) {
	p["appid"], p["mch_id"], p["nonce_str"] = c.appID, c.mchID, "n"+fmt.Sprint(time.Now().UnixNano())
	if c.signType != "" {
		p["sign_type"] = c.signType
	}
	p["sign"] = c.sign(p, c.signType)
	var body bytes.Buffer
	body.WriteString("<xml>")
	for k, v := range p {
		body.WriteString("<" + k + "><![CDATA[" + v + "]]></" + k + ">")
	}
	body.WriteString("</xml>")
	resp, err := c.hc.Post(c.base+path, "text/xml", &body)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	m, err := decodeV2(raw)
	if err != nil {
		return nil, err
	}
	if m["return_code"] == "SUCCESS" && m["sign"] != c.sign(m, c.signType) {
		return m, errBadSignature
	}
	return m, nil
}

func decodeV2(raw []byte) (map[string]string, error) {
	var doc struct {
		Fields []struct {
			XMLName xml.Name
			Value   string `xml:",chardata"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("decode %s: %v", raw, err)
	}
	m := map[string]string{}
	for _, f := range doc.Fields {
		m[f.XMLName.Local] = f.Value
	}
	return m, nil
}

func (c *v2Client) micropay(no, code string, fen money.Fen) (map[string]string, error) {
	return c.call("/pay/micropay", map[string]string{"body": "掌柜-测试店-可乐", "out_trade_no": no,
		"total_fee": fmt.Sprint(int64(fen)), "spbill_create_ip": "127.0.0.1", "auth_code": code})
}

func (c *v2Client) orderquery(no string) map[string]string {
	m, err := c.call("/pay/orderquery", map[string]string{"out_trade_no": no})
	if err != nil {
		return map[string]string{"error": err.Error()}
	}
	return m
}

// wantV2 checks result_code/err_code (or a FAIL return_msg).
func wantV2(t *testing.T, what string, m map[string]string, err error, errCode string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if m["return_code"] != "SUCCESS" {
		t.Fatalf("%s: return_code %s (%s)", what, m["return_code"], m["return_msg"])
	}
	got := m["err_code"]
	if m["result_code"] == "SUCCESS" {
		got = ""
	}
	if got != errCode {
		t.Fatalf("%s: err_code %q (%s), want %q", what, got, m["err_code_des"], errCode)
	}
}

// TestV2SignVector checks v2Sign against the vector of PROTOCOLS.md §2.1.
func TestV2SignVector(t *testing.T) {
	p := map[string]string{"appid": "wxd930ea5d5a258f4f", "body": "test", "device_info": "1000",
		"mch_id": "10000100", "nonce_str": "ibuaiVcKdpRxkhJA", "sign": "ignored", "empty": ""}
	const key = "192006250b4c09247ec02edce69f6a2d"
	if got, want := v2Sign(p, key, signMD5), "9A0A8659F005D6984697E2CA0A9CF3B7"; got != want {
		t.Errorf("MD5 sign = %s, want %s", got, want)
	}
	if got, want := v2Sign(p, key, signHMACSHA256), "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6"; got != want {
		t.Errorf("HMAC-SHA256 sign = %s, want %s", got, want)
	}
}

func TestWeChatV2Behaviours(t *testing.T) {
	tests := []struct {
		name    string
		b       Behaviour
		errCode string // "-": a transport error
		err     error
		state   string // orderquery afterwards; "" = ORDERNOTEXIST
		charged int
	}{
		{"success", Success, "", nil, "SUCCESS", 1},
		{"password then success", PasswordThenSuccess(1, 0), "USERPAYING", nil, "SUCCESS", 1},
		{"password then fail", PasswordThenFail(1, 0), "USERPAYING", nil, "PAYERROR", 0},
		{"insufficient", InsufficientBalance, "NOTENOUGH", nil, "PAYERROR", 0},
		{"system error, paid", SystemErrorHiddenSuccess, "SYSTEMERROR", nil, "SUCCESS", 1},
		{"system error, not paid", SystemErrorHiddenFail, "SYSTEMERROR", nil, "", 0},
		{"drop after charge", DropConnectionAfterCharge, "-", nil, "SUCCESS", 1},
		{"slow", SlowAnswer(slowDelay), "", nil, "SUCCESS", 1},
		{"rate limited", RateLimited, "FREQUENCY_LIMITED", nil, "", 0},
		{"bad signature", BadSignature, "", errBadSignature, "SUCCESS", 1},
		{"code expired", CodeExpired, "AUTHCODEEXPIRE", nil, "", 0},
		{"risk", RiskRejected, "TRADE_ERROR", nil, "PAYERROR", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			c := e.v2(t)
			code := e.sim.NewPaymentCode(WeChat, "wx")
			e.sim.Script(OnCode(code), tt.b)
			start := time.Now()
			m, err := c.micropay("V1", code, 1234)
			checkSlow(t, tt.b, start)
			switch {
			case tt.err != nil:
				if !errors.Is(err, tt.err) {
					t.Fatalf("micropay error %v, want %v", err, tt.err)
				}
			case tt.errCode == "-":
				if err == nil {
					t.Fatalf("micropay = %v, want a transport error", m)
				}
			default:
				wantV2(t, "micropay", m, err, tt.errCode)
			}
			q := c.orderquery("V1")
			if got := q["trade_state"]; got != tt.state || tt.state == "" && q["err_code"] != "ORDERNOTEXIST" {
				t.Errorf("orderquery: trade_state %q (%s), want %q", got, q["err_code"], tt.state)
			}
			if n := e.payments(t)["wechat/V1"]; n != tt.charged {
				t.Errorf("charged %d times, want %d", n, tt.charged)
			}
		})
	}
}

func TestWeChatV2PayAndQuery(t *testing.T) {
	e := newEnv(t, nil)
	c := e.v2(t)
	c.signType = "HMAC-SHA256"
	code := e.sim.NewPaymentCode(WeChat, "wu")
	if len(code) != 18 || code[:2] < "10" || code[:2] > "15" || ProviderOfCode(code) != WeChat {
		t.Fatalf("WeChat code %q", code)
	}
	m, err := c.micropay("W1", code, 1)
	wantV2(t, "micropay", m, err, "")
	if m["total_fee"] != "1" || m["trade_type"] != "MICROPAY" || len(m["transaction_id"]) != 28 || len(m["time_end"]) != 14 {
		t.Errorf("micropay answer %v", m)
	}
	again, err := c.micropay("W1", code, 1)
	wantV2(t, "same request again", again, err, "")
	if again["transaction_id"] != m["transaction_id"] {
		t.Errorf("repeat gave %s, want %s", again["transaction_id"], m["transaction_id"])
	}
	m, err = c.micropay("W1", e.sim.NewPaymentCode(WeChat, "wu"), 1)
	wantV2(t, "another code", m, err, "ORDERPAID")
	m, err = c.micropay("W1", code, 2)
	wantV2(t, "another amount", m, err, "OUT_TRADE_NO_USED")
	m, err = c.micropay("W2", code, 1)
	wantV2(t, "a used code", m, err, "AUTH_CODE_INVALID")
	m, err = c.micropay("W3", e.sim.NewPaymentCode(Alipay, "wu"), 1)
	wantV2(t, "an Alipay code", m, err, "AUTH_CODE_INVALID")
	code = e.sim.NewPaymentCode(WeChat, "wu")
	e.clock.Advance(time.Minute)
	m, err = c.micropay("W4", code, 1)
	wantV2(t, "after a minute", m, err, "AUTHCODEEXPIRE")
	m, err = c.call("/pay/orderquery", map[string]string{"transaction_id": again["transaction_id"]})
	wantV2(t, "query by transaction_id", m, err, "")
	if m["out_trade_no"] != "W1" || m["trade_state"] != "SUCCESS" {
		t.Errorf("query by transaction_id = %v", m)
	}
	if len(e.payments(t)) != 1 {
		t.Errorf("charges: %v", e.sim.Charges())
	}
}

func TestWeChatV2RequestChecks(t *testing.T) {
	e := newEnv(t, nil)
	c := e.v2(t)
	bad := *c
	bad.key = strings.Repeat("0", 32)
	m, err := bad.call("/pay/orderquery", map[string]string{"out_trade_no": "X"})
	if err != nil || m["return_code"] != "FAIL" || m["return_msg"] != "签名错误" {
		t.Errorf("wrong key: %v, %v", m, err)
	}
	bad = *c
	bad.mchID = "1900000000"
	if m, _ := bad.call("/pay/orderquery", map[string]string{"out_trade_no": "X"}); m["return_code"] != "FAIL" {
		t.Errorf("wrong mch_id: %v", m)
	}
	for _, body := range []string{"", "<xml>", "<xml><a><b>1</b></a></xml>", "<other/>", "<xml><a>1</a><a>2</a></xml>",
		`<!DOCTYPE xml [<!ENTITY x "y">]><xml><a>&x;</a></xml>`} {
		resp, err := http.Post(c.base+"/pay/micropay", "text/xml", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if m, _ := decodeV2(raw); m["return_code"] != "FAIL" {
			t.Errorf("body %q answered %s", body, raw)
		}
	}
	m, err = c.call("/pay/micropay", map[string]string{"body": "x", "out_trade_no": "L1", "total_fee": "1.00",
		"spbill_create_ip": "127.0.0.1", "auth_code": "134567890123456789"})
	wantV2(t, "total_fee in yuan", m, err, "PARAM_ERROR")
	m, err = c.call("/pay/micropay", map[string]string{"body": "x", "out_trade_no": "L1", "total_fee": "1"})
	wantV2(t, "no auth_code", m, err, "LACK_PARAMS")
}

func TestWeChatV2Reverse(t *testing.T) {
	e := newEnv(t, nil)
	c := e.v2(t)
	reverse := func(no string) (map[string]string, error) {
		return c.call("/secapi/pay/reverse", map[string]string{"out_trade_no": no})
	}
	code := e.sim.NewPaymentCode(WeChat, "rv")
	e.sim.Script(OnCode(code), PasswordThenSuccess(0, 0))
	m, err := c.micropay("RV1", code, 100)
	wantV2(t, "micropay", m, err, "USERPAYING")
	m, err = reverse("RV1")
	wantV2(t, "reverse waiting", m, err, "")
	if m["recall"] != "N" || c.orderquery("RV1")["trade_state"] != "REVOKED" {
		t.Errorf("reverse = %v, query %v", m, c.orderquery("RV1"))
	}
	if err := e.sim.CustomerConfirmPassword("RV1"); !errors.Is(err, ErrNotPayable) {
		t.Errorf("password after reverse: %v", err)
	}
	m, err = c.micropay("RV2", e.sim.NewPaymentCode(WeChat, "rv"), 200)
	wantV2(t, "micropay", m, err, "")
	m, err = reverse("RV2")
	wantV2(t, "reverse paid", m, err, "")
	m, err = reverse("RV2")
	wantV2(t, "reverse again", m, err, "")
	m, err = c.call("/secapi/pay/refund", map[string]string{"out_trade_no": "RV2", "out_refund_no": "RF3",
		"total_fee": "200", "refund_fee": "100"})
	wantV2(t, "refund a reversed order", m, err, "ERROR")
	m, err = c.micropay("RV4", e.sim.NewPaymentCode(WeChat, "rv"), 100)
	wantV2(t, "micropay", m, err, "")
	e.clock.Advance(7*24*time.Hour + time.Second)
	m, err = reverse("RV4")
	wantV2(t, "reverse after 7 days", m, err, "REVERSE_EXPIRE")
	var paid, back money.Fen
	for _, ch := range e.sim.Charges() {
		if ch.Kind == ChargePayment {
			paid += ch.Amount
		} else if ch.Kind == ChargeReversal {
			back += ch.Amount
		}
	}
	if paid != 300 || back != 200 {
		t.Errorf("paid %v, reversed %v; want 3.00 and 2.00", paid, back)
	}
}

func TestWeChatV2Refund(t *testing.T) {
	e := newEnv(t, nil)
	c := e.v2(t)
	refund := func(no, rno string, total, fee int) (map[string]string, error) {
		return c.call("/secapi/pay/refund", map[string]string{"out_trade_no": no, "out_refund_no": rno,
			"total_fee": fmt.Sprint(total), "refund_fee": fmt.Sprint(fee)})
	}
	m, err := c.micropay("RV3", e.sim.NewPaymentCode(WeChat, "rv"), 300)
	wantV2(t, "micropay", m, err, "")
	m, err = refund("RV3", "RF1", 300, 100)
	wantV2(t, "refund 1.00", m, err, "")
	if m["refund_fee"] != "100" || !strings.HasPrefix(m["refund_id"], "50") {
		t.Errorf("refund = %v", m)
	}
	m, err = refund("RV3", "RF1", 300, 100)
	wantV2(t, "same refund again", m, err, "")
	m, err = refund("RV3", "RF2", 300, 100)
	wantV2(t, "a second refund within a minute", m, err, "FREQUENCY_LIMITED")
	e.clock.Advance(time.Minute)
	m, err = refund("RV3", "RF2", 300, 201)
	wantV2(t, "more than is left", m, err, "ERROR")
	m, err = refund("RV3", "RF1", 300, 50)
	wantV2(t, "RF1 with another amount", m, err, "ERROR")
	m, err = refund("RV3", "RF2", 299, 100)
	wantV2(t, "wrong total_fee", m, err, "PARAM_ERROR")
	if q := c.orderquery("RV3"); q["trade_state"] != "REFUND" {
		t.Errorf("query after refund = %v", q)
	}
	m, err = c.call("/pay/refundquery", map[string]string{"out_trade_no": "RV3"})
	wantV2(t, "refundquery", m, err, "")
	if m["refund_count"] != "1" || m["out_refund_no_0"] != "RF1" || m["refund_status_0"] != "SUCCESS" {
		t.Errorf("refundquery = %v", m)
	}
	e.clock.Advance(365 * 24 * time.Hour)
	m, err = refund("RV3", "RF9", 300, 100)
	wantV2(t, "refund after a year", m, err, "TRADE_OVERDUE")
}

// TestWeChatV2RefundLimit makes 50 refunds of one order; the 51st fails.
func TestWeChatV2RefundLimit(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Windows.WeChatRefundGap = -1 })
	c := e.v2(t)
	m, err := c.micropay("RL1", e.sim.NewPaymentCode(WeChat, "rl"), 100)
	wantV2(t, "micropay", m, err, "")
	for i := range 51 {
		m, err = c.call("/secapi/pay/refund", map[string]string{"out_trade_no": "RL1",
			"out_refund_no": fmt.Sprint("RL1-", i), "total_fee": "100", "refund_fee": "1"})
		if i < 50 {
			wantV2(t, fmt.Sprint("refund ", i), m, err, "")
		}
	}
	wantV2(t, "refund 51", m, err, "ERROR")
}

// TestWeChatV2ClientCert runs /secapi with the mTLS rule on.
func TestWeChatV2ClientCert(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.WeChatRequireClientCert = true })
	c := e.v2(t)
	m, err := c.micropay("MT1", e.sim.NewPaymentCode(WeChat, "mt"), 100)
	wantV2(t, "micropay needs no certificate", m, err, "")
	m, err = c.call("/secapi/pay/reverse", map[string]string{"out_trade_no": "MT1"})
	if err != nil || m["return_code"] != "FAIL" {
		t.Fatalf("reverse over plain HTTP = %v, %v; want FAIL", m, err)
	}

	srv := httptest.NewUnstartedServer(e.sim.Handler())
	srv.TLS = &tls.Config{ClientAuth: tls.RequestClientCert}
	srv.StartTLS()
	defer srv.Close()
	cert, err := tls.X509KeyPair([]byte(e.cred.WeChat.MerchantCertPEM), []byte(e.cred.WeChat.MerchantPrivateKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	hc := srv.Client()
	hc.Transport.(*http.Transport).TLSClientConfig.Certificates = []tls.Certificate{cert}
	tc := *c
	tc.base, tc.hc = srv.URL+"/wechat", hc
	m, err = tc.call("/secapi/pay/reverse", map[string]string{"out_trade_no": "MT1"})
	wantV2(t, "reverse with the merchant certificate", m, err, "")
}

func TestWeChatV2DownloadBill(t *testing.T) {
	e := newEnv(t, nil)
	c := e.v2(t)
	e.clock.Set(time.Date(2025, 6, 1, 23, 59, 58, 0, beijing))
	m, err := c.micropay("WB1", e.sim.NewPaymentCode(WeChat, "wb"), 1000)
	wantV2(t, "micropay at 23:59:58", m, err, "")
	e.clock.Advance(5 * time.Second)
	m, err = c.micropay("WB2", e.sim.NewPaymentCode(WeChat, "wb"), 2000)
	wantV2(t, "micropay after midnight", m, err, "")
	m, err = c.call("/secapi/pay/refund", map[string]string{"out_trade_no": "WB1", "out_refund_no": "WBR1",
		"total_fee": "1000", "refund_fee": "300"})
	wantV2(t, "refund", m, err, "")

	download := func(date, tar string) (string, map[string]string) { return c.downloadBill(t, date, tar) }
	if _, fail := download("20250602", ""); fail["return_msg"] != "No Bill Exist" {
		t.Errorf("bill before 10:00 next day: %v", fail)
	}
	e.clock.Set(time.Date(2025, 6, 3, 10, 0, 0, 0, beijing))
	text, fail := download("20250601", "GZIP")
	if fail != nil {
		t.Fatalf("bill of 0601: %v", fail)
	}
	rows, summary := parseWeChatBill(t, text)
	if len(rows) != 1 {
		t.Fatalf("bill of 0601: %v", rows)
	}
	wantFields(t, "bill of 0601", rows[0], map[string]string{"商户订单号": "WB1", "交易时间": "2025-06-01 23:59:58"})
	wantFields(t, "summary of 0601", summary, map[string]string{"应结订单总金额": "10.00", "手续费总金额": "0.06"})
	text, _ = download("20250602", "")
	rows, summary = parseWeChatBill(t, text)
	if len(rows) != 2 {
		t.Fatalf("bill of 0602: %v", rows)
	}
	wantFields(t, "refund row of 0602", rows[1], map[string]string{"交易状态": "REFUND", "商户退款单号": "WBR1", "退款金额": "3.00"})
	wantFields(t, "summary of 0602", summary, map[string]string{"总交易单数": "2", "应结订单总金额": "20.00",
		"退款总金额": "3.00", "手续费总金额": "0.10"}) // 0.12 − 0.02 returned
	if _, fail := download("20250604", ""); fail["return_msg"] != "No Bill Exist" {
		t.Errorf("bill of a future day: %v", fail)
	}
}

// parseWeChatBill reads a WeChat bill back: header, backtick rows, summary.
func parseWeChatBill(t *testing.T, text string) ([]map[string]string, map[string]string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(strings.TrimPrefix(text, "\uFEFF"), "\r\n"), "\r\n")
	if len(lines) < 3 {
		t.Fatalf("bill too short: %q", text)
	}
	cells := func(l string) []string {
		c := strings.Split(l, ",")
		for i := range c {
			if !strings.HasPrefix(c[i], "`") {
				t.Fatalf("cell %q without backtick in %q", c[i], l)
			}
			c[i] = c[i][1:]
		}
		return c
	}
	header := strings.Split(lines[0], ",")
	var rows []map[string]string
	for _, l := range lines[1 : len(lines)-2] {
		row := map[string]string{}
		for i, c := range cells(l) {
			row[header[i]] = c
		}
		rows = append(rows, row)
	}
	sumHeader, sum := strings.Split(lines[len(lines)-2], ","), map[string]string{}
	for i, c := range cells(lines[len(lines)-1]) {
		sum[sumHeader[i]] = c
	}
	return rows, sum
}

// downloadBill calls /pay/downloadbill; it returns the bill text, or the
// FAIL message.
func (c *v2Client) downloadBill(t *testing.T, date, tar string) (string, map[string]string) {
	t.Helper()
	p := map[string]string{"bill_date": date, "bill_type": "ALL", "tar_type": tar}
	p["appid"], p["mch_id"], p["nonce_str"] = c.appID, c.mchID, "bill"
	p["sign"] = c.sign(p, "")
	var body bytes.Buffer
	body.WriteString("<xml>")
	for k, v := range p {
		body.WriteString("<" + k + ">" + v + "</" + k + ">")
	}
	body.WriteString("</xml>")
	resp, err := http.Post(c.base+"/pay/downloadbill", "text/xml", &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if strings.HasPrefix(string(raw), "<xml>") {
		m, _ := decodeV2(raw)
		return "", m
	}
	if tar == "GZIP" {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ = io.ReadAll(zr)
	}
	return string(raw), nil
}

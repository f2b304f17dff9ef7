package providersim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

var (
	fuzzOnce sync.Once
	fuzzSim  *Sim
)

// fuzzEnv is one simulator for every fuzz input: New generates or loads
// keys, too slow to repeat per input.
func fuzzEnv(t testing.TB) *Sim {
	fuzzOnce.Do(func() {
		s, err := New(Config{DataDir: sharedDir})
		if err != nil {
			t.Fatal(err)
		}
		fuzzSim = s
	})
	return fuzzSim
}

// alipaySeeds are gateway requests from the table tests: signed, tampered,
// split between query and body, broken.
func alipaySeeds(s *Sim) [][2]string {
	cred := s.Credentials().Alipay
	key, _ := ParsePrivateKey(cred.AppPrivateKeyPEM)
	signed := func(method, biz string) string {
		p := map[string]string{"app_id": cred.AppID, "method": method, "charset": "utf-8", "format": "JSON",
			"sign_type": "RSA2", "timestamp": "2024-01-01 10:00:00", "version": "1.0", "biz_content": biz}
		p["sign"] = signRSA(key, []byte(alipaySignContent(p)))
		v := url.Values{}
		for k, x := range p {
			v.Set(k, x)
		}
		return v.Encode()
	}
	return [][2]string{
		{"", signed("alipay.trade.query", `{"out_trade_no":"X"}`)},
		{"", signed("alipay.trade.pay", `{"out_trade_no":"F1","scene":"bar_code","auth_code":"281234567890123456","subject":"s","total_amount":"1.00"}`)},
		{"", signed("alipay.trade.refund", `{"out_trade_no":"F1","refund_amount":12.5,"out_request_no":"r"}`)},
		{"", signed("alipay.trade.precreate", `{"out_trade_no":"F2","subject":"s","total_amount":"1e2"}`)},
		{"", signed("alipay.trade.pay", `{"total_amount":null,`)},
		{"method=alipay.trade.query&app_id=" + cred.AppID, "biz_content=%7B%7D&sign=AAAA"},
		{"", "method=alipay.nope"},
		{"%zz", "a=%"},
		{"", strings.Repeat("a=b&", 50)},
	}
}

// FuzzAlipayRequest feeds arbitrary query strings and form bodies to the
// gateway. It must never panic, and must always answer one JSON node that
// is signed correctly unless it is error_response.
func FuzzAlipayRequest(f *testing.F) {
	s := fuzzEnv(f)
	for _, seed := range alipaySeeds(s) {
		f.Add(seed[0], seed[1])
	}
	alipayPub, _ := ParsePublicKey(s.Credentials().Alipay.AlipayPublicKeyPEM)
	h := s.Handler()
	f.Fuzz(func(t *testing.T, query, body string) {
		req := httptest.NewRequest(http.MethodPost, "/alipay/gateway.do", strings.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var top map[string]json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &top); err != nil {
			t.Fatalf("answer is not JSON: %q", rec.Body.String())
		}
		var node string
		for k := range top {
			if k != "sign" {
				node = k
			}
		}
		if _, signed := top["sign"]; signed == (node == "error_response") {
			t.Fatalf("node %s, signed %v: %s", node, signed, rec.Body.String())
		}
		var sig string
		if node != "error_response" {
			_ = json.Unmarshal(top["sign"], &sig)
			if !verifyRSA(alipayPub, top[node], sig) {
				t.Fatalf("signature does not verify: %s", rec.Body.String())
			}
		}
		var fields map[string]any
		if err := json.Unmarshal(top[node], &fields); err != nil || fields["code"] == nil {
			t.Fatalf("node without code: %s", rec.Body.String())
		}
	})
}

// wechatSeeds are v2 bodies from the table tests.
func wechatSeeds(s *Sim) []string {
	cred := s.Credentials().WeChat
	p := map[string]string{"appid": cred.AppID, "mch_id": cred.MchID, "nonce_str": "abc", "body": "可乐",
		"out_trade_no": "FZ1", "total_fee": "1", "spbill_create_ip": "127.0.0.1", "auth_code": "134567890123456789"}
	p["sign"] = v2Sign(p, cred.APIv2Key, signMD5)
	return []string{
		string(writeV2XML(p)),
		"", "<xml>", "<xml></xml>", "<xml><a><b>1</b></a></xml>", "<other/>", "<xml><a>1</a><a>2</a></xml>",
		`<!DOCTYPE xml [<!ENTITY x "y">]><xml><a>&x;</a></xml>`, "<xml><a><![CDATA[]]]]><![CDATA[>]]></a></xml>",
		"<xml><a>1</a></xml><xml><b>2</b></xml>", "<xml>text<a>1</a></xml>", "<xml><a>&lt;&amp;</a>\r\n</xml>",
	}
}

// FuzzWechatXML checks the v2 parser: it never panics, a parsed message
// written back parses to the same fields, and the micropay handler
// always answers a <xml> message with a return_code.
func FuzzWechatXML(f *testing.F) {
	s := fuzzEnv(f)
	for _, seed := range wechatSeeds(s) {
		f.Add(seed)
	}
	h := s.Handler()
	f.Fuzz(func(t *testing.T, body string) {
		if m, err := parseV2XML([]byte(body)); err == nil {
			again, err := parseV2XML(writeV2XML(m))
			if err != nil {
				t.Fatalf("written message does not parse: %v\n%s", err, writeV2XML(m))
			}
			if len(again) != len(m) {
				t.Fatalf("round trip: %v became %v", m, again)
			}
			for k, v := range m {
				if again[k] != v {
					t.Fatalf("round trip: %s=%q became %q", k, v, again[k])
				}
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/wechat/pay/micropay", strings.NewReader(body)))
		m, err := parseV2XML(rec.Body.Bytes())
		if err != nil || (m["return_code"] != "SUCCESS" && m["return_code"] != "FAIL") {
			t.Fatalf("answer %q: %v", rec.Body.String(), err)
		}
	})
}

// FuzzV3Authorization feeds arbitrary Authorization headers to the v3
// check: it never panics, never accepts a header that was not signed with
// the merchant key, and always accepts the well-formed seed it derives
// from the input's nonce.
func FuzzV3Authorization(f *testing.F) {
	s := fuzzEnv(f)
	cred := s.Credentials().WeChat
	key, _ := ParsePrivateKey(cred.MerchantPrivateKeyPEM)
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C",timestamp="1554208460",serial_no="AB",signature="c2ln"`, "n1")
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid=1,nonce_str=""`, "")
	f.Add(`Bearer x`, "nonce")
	f.Add(`WECHATPAY2-SHA256-RSA2048 a="b",,c="d"`, "🙂")
	f.Fuzz(func(t *testing.T, header, nonce string) {
		req := httptest.NewRequest(http.MethodGet, "/wechat/v3/pay/transactions/out-trade-no/X123456?mchid="+cred.MchID, nil)
		req.Header.Set("Authorization", header)
		if s.v3Verify(req, nil) == "" {
			t.Fatalf("accepted an unsigned header %q", header)
		}
		if nonce == "" || len(nonce) > 32 || strings.ContainsAny(nonce, "\",\n") {
			return
		}
		ts := fmt.Sprint(s.now().Unix())
		sig := signRSA(key, []byte("GET\n/v3/pay/transactions/out-trade-no/X123456?mchid="+cred.MchID+"\n"+ts+"\n"+nonce+"\n\n"))
		req.Header.Set("Authorization", fmt.Sprintf(`WECHATPAY2-SHA256-RSA2048 mchid="%s",nonce_str="%s",timestamp="%s",serial_no="%s",signature="%s"`,
			cred.MchID, nonce, ts, cred.MerchantSerial, sig))
		if msg := s.v3Verify(req, nil); msg != "" {
			t.Fatalf("refused a signed header with nonce %q: %s", nonce, msg)
		}
	})
}

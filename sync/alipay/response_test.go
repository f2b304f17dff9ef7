package alipay

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http"
	"sync"
	"testing"

	"zhanggui/pos"
)

const payNode = "alipay_trade_pay_response"

var parseTests = []struct {
	name string
	body string
	err  error // nil: parses
	code string
	sign string
}{
	{"node then sign", `{"alipay_trade_pay_response":{"code":"10000","msg":"Success","total_amount":"88.88"},"sign":"c2ln"}`,
		nil, "10000", "c2ln"},
	{"sign first", `{"sign":"c2ln","alipay_trade_pay_response":{"code":"10000"}}`, nil, "10000", "c2ln"},
	{"spaces kept", `{ "alipay_trade_pay_response" : { "code" : "40004" , "sub_code":"ACQ.X" } , "sign" : "c2ln" }`,
		nil, "40004", "c2ln"},
	{"escaped slash in sign", `{"alipay_trade_pay_response":{"code":"10000"},"sign":"a\/b="}`, nil, "10000", "a/b="},
	{"unsigned", `{"alipay_trade_pay_response":{"code":"10000"}}`, nil, "10000", ""},
	{"error_response", `{"error_response":{"code":"40002","sub_code":"isv.invalid-app-id"}}`, nil, "40002", ""},
	{"number amount", `{"alipay_trade_pay_response":{"code":"10000","total_amount":88.88},"sign":"c2ln"}`,
		nil, "10000", "c2ln"},
	{"empty", ``, ErrMalformed, "", ""},
	{"array", `[1]`, ErrMalformed, "", ""},
	{"other node", `{"alipay_trade_query_response":{"code":"10000"},"sign":"c2ln"}`, ErrMalformed, "", ""},
	{"node twice", `{"alipay_trade_pay_response":{"code":"40004"},"alipay_trade_pay_response":{"code":"10000"},"sign":"c2ln"}`,
		ErrMalformed, "", ""},
	{"sign twice", `{"alipay_trade_pay_response":{"code":"10000"},"sign":"a","sign":"b"}`, ErrMalformed, "", ""},
	{"trailing data", `{"alipay_trade_pay_response":{"code":"10000"},"sign":"c2ln"}{}`, ErrMalformed, "", ""},
	{"encrypted node", `{"alipay_trade_pay_response":"QUVT","sign":"c2ln"}`, ErrMalformed, "", ""},
	{"sign not a string", `{"alipay_trade_pay_response":{"code":"10000"},"sign":1}`, ErrMalformed, "", ""},
	{"code not a string", `{"alipay_trade_pay_response":{"code":10000},"sign":"c2ln"}`, ErrMalformed, "", ""},
	{"bad amount type", `{"alipay_trade_pay_response":{"code":"10000","total_amount":true},"sign":"c2ln"}`,
		ErrMalformed, "", ""},
	{"cut off", `{"alipay_trade_pay_response":{"code":"10000"`, ErrMalformed, "", ""},
}

func TestParseResponse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parseResponse([]byte(tt.body), payNode)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("parseResponse = %+v, %v; want %v", p, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseResponse: %v", err)
			}
			if p.node.Code != tt.code || p.sign != tt.sign {
				t.Errorf("parseResponse = code %q sign %q, want %q %q", p.node.Code, p.sign, tt.code, tt.sign)
			}
			if !bytes.Contains([]byte(tt.body), p.raw) || len(p.raw) == 0 {
				t.Errorf("node text %q is not part of the body", p.raw)
			}
		})
	}
}

// FuzzParseAlipayResponse: the parser never panics, the text it hands to
// the verifier is always a piece of the body, and a random body never
// verifies.
func FuzzParseAlipayResponse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add([]byte(tt.body))
	}
	pub := &otherKey().PublicKey
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := parseResponse(body, payNode)
		if err == nil && !bytes.Contains(body, p.raw) {
			t.Fatalf("node text %q is not part of the body", p.raw)
		}
		if _, err := decodeResponse(body, payNode, pub); err == nil {
			t.Fatalf("a fuzzed body verified: %q", body)
		}
	})
}

// TestSignedNodeExactText: the signature covers the node's bytes as sent,
// spaces and key order included, and any change breaks it.
func TestSignedNodeExactText(t *testing.T) {
	e := newEnv(t, nil)
	nodeJSON := `{ "code":"10000", "msg":"Success","trade_no":"2024","buyer_logon_id":"159****5620","total_amount":"88.88" }`
	body := e.signedBody(t, payNode, nodeJSON)
	pub, _ := parsePublicKey(e.cred.Alipay.AlipayPublicKeyPEM)
	n, err := decodeResponse([]byte(body), payNode, pub)
	if err != nil || n.TotalAmount != "88.88" {
		t.Fatalf("decodeResponse = %+v, %v", n, err)
	}
	tampered := bytes.Replace([]byte(body), []byte("88.88"), []byte("88.89"), 1)
	if _, err := decodeResponse(tampered, payNode, pub); !errors.Is(err, ErrBadSignature) {
		t.Errorf("a changed amount gave %v, want ErrBadSignature", err)
	}
	respaced := bytes.Replace([]byte(body), []byte(`{ "code"`), []byte(`{"code"`), 1)
	if _, err := decodeResponse(respaced, payNode, pub); !errors.Is(err, ErrBadSignature) {
		t.Errorf("a respaced node gave %v, want ErrBadSignature", err)
	}
}

// TestUntrustedAnswers: answers from a server that is not the simulator,
// each of which must leave the outcome unknown.
func TestUntrustedAnswers(t *testing.T) {
	e := newEnv(t, nil)
	paid := `{"code":"10000","msg":"Success","trade_no":"2024","total_amount":"1.00","buyer_logon_id":"159****5620"}`
	tests := []struct {
		name   string
		status int
		body   string
		target error
	}{
		{"unsigned success", 200, `{"alipay_trade_pay_response":` + paid + `}`, ErrUnsigned},
		{"unsigned refusal", 200, `{"alipay_trade_pay_response":{"code":"40004","sub_code":"ACQ.BUYER_BALANCE_NOT_ENOUGH"}}`, ErrUnsigned},
		{"gateway error_response", 200, `{"error_response":{"code":"40002","msg":"Invalid Arguments"}}`, ErrUnsigned},
		{"signed by someone else", 200, `{"alipay_trade_pay_response":` + paid + `,"sign":"` + otherSign(t, paid) + `"}`, ErrBadSignature},
		{"HTTP 502", 502, `<html>Bad Gateway</html>`, ErrHTTPStatus},
		{"HTML", 200, `<html>维护中</html>`, ErrMalformed},
		{"signed 20000", 200, e.signedBody(t, payNode, `{"code":"20000","msg":"Service Currently Unavailable","sub_code":"isp.unknow-error"}`), ErrSystemError},
		{"signed ACQ.SYSTEM_ERROR", 200, e.signedBody(t, payNode, `{"code":"40004","sub_code":"ACQ.SYSTEM_ERROR"}`), ErrSystemError},
		{"signed unknown code", 200, e.signedBody(t, payNode, `{"code":"30000"}`), ErrSystemError},
		{"paid without an amount", 200, e.signedBody(t, payNode, `{"code":"10000","trade_no":"1"}`), ErrMalformed},
		{"paid without trade_no", 200, e.signedBody(t, payNode, `{"code":"10000","total_amount":"1.00"}`), ErrUnexpected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.client(t, func(c *Config) { c.Gateway = fixed(t, tt.status, tt.body) })
			res, err := c.Pay(ctx, pos.PayRequest{OutTradeNo: "T1", AuthCode: "281234567890123456", Amount: 100})
			want(t, "Pay", res, err, pos.StatusUnknown)
			wantErr(t, "Pay", err, tt.target)
		})
	}
}

func TestCancelRetryFlag(t *testing.T) {
	e := newEnv(t, nil)
	body := e.signedBody(t, "alipay_trade_cancel_response",
		`{"code":"10000","msg":"Success","out_trade_no":"T1","retry_flag":"Y","action":"close"}`)
	c := e.client(t, func(c *Config) { c.Gateway = fixed(t, http.StatusOK, body) })
	res, err := c.Cancel(ctx, "T1")
	want(t, "Cancel", res, err, pos.StatusUnknown)
	if !res.Retry {
		t.Errorf("Cancel = %+v, want Retry", res)
	}
	wantErr(t, "Cancel", err, ErrRetryCancel)
}

// otherKey is a key that is not Alipay's, for signatures that must fail.
var otherKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		panic(err)
	}
	return k
})

// otherSign signs content with a key that is not Alipay's.
func otherSign(t *testing.T, content string) string {
	s, err := sign(otherKey(), content)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

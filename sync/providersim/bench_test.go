package providersim

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// benchEnv is a simulator on a real loopback listener with a keep-alive
// client pool.
func benchEnv(b *testing.B) (*Sim, *httptest.Server, *http.Client) {
	b.Helper()
	s, err := New(Config{DataDir: sharedDir, CodeTTL: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	b.Cleanup(srv.Close)
	tr := &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}
	b.Cleanup(tr.CloseIdleConnections)
	return s, srv, &http.Client{Transport: tr}
}

// signedPay builds the form of one alipay.trade.pay, signed as a till
// would (with the minimal client's own, by-the-book signing).
func signedPay(c *alipayClient, no, code string) string {
	biz := fmt.Sprintf(`{"out_trade_no":"%s","scene":"bar_code","auth_code":"%s","subject":"bench","total_amount":"1.00"}`, no, code)
	p := map[string]string{"app_id": c.appID, "method": "alipay.trade.pay", "charset": "utf-8", "format": "JSON",
		"sign_type": "RSA2", "timestamp": "2025-01-01 10:00:00", "version": "1.0", "biz_content": biz}
	p["sign"] = signRSA(c.key, []byte(alipaySignContent(p)))
	v := url.Values{}
	for k, x := range p {
		v.Set(k, x)
	}
	return v.Encode()
}

// postPay sends one signed payment and checks the verified answer.
func postPay(b *testing.B, hc *http.Client, c *alipayClient, form string) {
	resp, err := hc.Post(c.gateway, "application/x-www-form-urlencoded;charset=utf-8", strings.NewReader(form))
	if err != nil {
		b.Fatal(err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	r, err := c.verify("alipay.trade.pay", raw)
	if err != nil || r.str("code") != "10000" {
		b.Fatalf("pay = %v, %v", r, err)
	}
}

func benchClient(b *testing.B, s *Sim, srv *httptest.Server) *alipayClient {
	cred := s.Credentials().Alipay
	key, _ := ParsePrivateKey(cred.AppPrivateKeyPEM)
	pub, _ := ParsePublicKey(cred.AlipayPublicKeyPEM)
	return &alipayClient{gateway: srv.URL + "/alipay/gateway.do", appID: cred.AppID, key: key, alipay: pub}
}

// BenchmarkSimAlipayPay is the whole loop a till runs per payment over
// loopback HTTP with keep-alive: sign the request (RSA-2048), the
// simulator verifies it, books the charge and signs the answer (RSA-2048),
// the client verifies it. Client and simulator share the machine's cores,
// so the figure is pay/s for both together.
func BenchmarkSimAlipayPay(b *testing.B) {
	s, srv, hc := benchEnv(b)
	c := benchClient(b, s, srv)
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			postPay(b, hc, c, signedPay(c, fmt.Sprint("BP", i), s.NewPaymentCode(Alipay, "bench")))
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pay/s")
}

// BenchmarkSimAlipayPayServer measures the simulator's side alone: the
// requests are signed before the timer starts, so the machine's cores go
// to verifying, booking and signing answers.
func BenchmarkSimAlipayPayServer(b *testing.B) {
	s, srv, hc := benchEnv(b)
	c := benchClient(b, s, srv)
	forms := make([]string, b.N)
	for i := range forms {
		forms[i] = signedPay(c, fmt.Sprint("BS", i), s.NewPaymentCode(Alipay, "bench"))
	}
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			postPay(b, hc, c, forms[n.Add(1)-1])
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pay/s")
}

// BenchmarkRSASign2048 is the floor under both figures above: one
// SHA256withRSA signature with a 2048-bit key, on all cores. A payment
// costs at least one (the simulator's answer); with the client's, two.
func BenchmarkRSASign2048(b *testing.B) {
	key, err := ParsePrivateKey(fuzzEnv(b).Credentials().Alipay.AlipayPrivateKeyPEM)
	if err != nil {
		b.Fatal(err)
	}
	msg := []byte(`{"code":"10000","msg":"Success","trade_no":"2025010122001000000000000001"}`)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			signRSA(key, msg)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sign/s")
}

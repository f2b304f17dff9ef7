package providersim

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
)

// BenchmarkSimulatorSignedPay measures the simulator serving signed
// payments, and only that: every payment is built and signed as a till
// signs it before the timer starts, each with its own fresh payment code;
// during the timer parallel clients post them over loopback with
// keep-alive and only check the answer's result code, so the machine's
// cores go to the simulator: parse, verify the request's signature, book
// the charge, build and sign the answer. Target: 2,000 payments/s
// (issue 3).
//
//   - alipay-rsa2: alipay.trade.pay; RSA-2048 verify of the request, one
//     RSA-2048 signature of the answer: that signature is ~95 % of the
//     simulator's CPU (compare BenchmarkRSASign2048);
//   - wechat-v2-hmac: /pay/micropay; HMAC-SHA256 both ways.
func BenchmarkSimulatorSignedPay(b *testing.B) {
	b.Run("alipay-rsa2", func(b *testing.B) {
		s, srv, hc := benchEnv(b)
		c := benchClient(b, s, srv)
		benchServe(b, s, hc, c.gateway, "application/x-www-form-urlencoded;charset=utf-8", `"code":"10000"`,
			func(i int) []byte {
				return []byte(signedPay(c, fmt.Sprint("SP", i), s.NewPaymentCode(Alipay, fmt.Sprint("bench", i%64))))
			})
	})
	b.Run("wechat-v2-hmac", func(b *testing.B) {
		s, srv, hc := benchEnv(b)
		w := s.Credentials().WeChat
		c := &v2Client{key: w.APIv2Key}
		benchServe(b, s, hc, srv.URL+"/wechat/pay/micropay", "text/xml; charset=utf-8", "<result_code><![CDATA[SUCCESS]]>",
			func(i int) []byte {
				p := map[string]string{"appid": w.AppID, "mch_id": w.MchID, "nonce_str": fmt.Sprint("n", i),
					"body": "掌柜-测试店-可乐", "out_trade_no": fmt.Sprint("SW", i), "total_fee": "100",
					"spbill_create_ip": "127.0.0.1", "sign_type": signHMACSHA256,
					"auth_code": s.NewPaymentCode(WeChat, fmt.Sprint("bench", i%64))}
				p["sign"] = c.sign(p, signHMACSHA256)
				return writeV2XML(p)
			})
	})
}

// benchServe prepares b.N requests with build, then posts them from
// parallel clients and checks each answer contains ok.
func benchServe(b *testing.B, s *Sim, hc *http.Client, url, contentType, ok string, build func(i int) []byte) {
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i] = build(i)
	}
	var n atomic.Int64
	b.SetParallelism(4) // 4×GOMAXPROCS clients keep the server busy while some wait on the network
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := hc.Post(url, contentType, bytes.NewReader(bodies[n.Add(1)-1]))
			if err != nil {
				b.Fatal(err)
			}
			raw, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || !bytes.Contains(raw, []byte(ok)) {
				b.Fatalf("pay answered %s, %v", raw, err)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pay/s")
	if got := len(s.Charges()); got != b.N {
		b.Fatalf("%d charges booked for %d payments", got, b.N)
	}
}

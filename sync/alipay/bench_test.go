package alipay

import (
	"testing"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// BenchmarkAlipayPayLoopback is one alipay.trade.pay through the client and
// the simulator on loopback: request signing, HTTP, the simulator's
// verification and signing, and response verification (four RSA-2048
// operations in all).
func BenchmarkAlipayPayLoopback(b *testing.B) {
	e := newEnv(b, nil)
	e.sim.SetBalance("bench", money.MaxFen)
	b.ReportAllocs()
	for b.Loop() {
		r := e.payReq("bench", 100)
		res, err := e.c.Pay(ctx, r)
		if err != nil || res.Status != pos.StatusSuccess {
			b.Fatalf("Pay = %+v, %v", res, err)
		}
	}
}

// BenchmarkAlipayClientSide is the client's own share of a call: signing
// the request and verifying and decoding a signed answer, no network.
func BenchmarkAlipayClientSide(b *testing.B) {
	e := newEnv(b, nil)
	body := []byte(e.signedBody(b, payNode, `{"code":"10000","msg":"Success","trade_no":"2024","total_amount":"1.00"}`))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.c.form("alipay.trade.pay", payBiz{OutTradeNo: "T1", Scene: "bar_code",
			AuthCode: "281234567890123456", Subject: "x", TotalAmount: "1.00"}); err != nil {
			b.Fatal(err)
		}
		if _, err := decodeResponse(body, payNode, e.c.alipay); err != nil {
			b.Fatal(err)
		}
	}
}

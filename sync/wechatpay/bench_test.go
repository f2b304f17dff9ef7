package wechatpay

import (
	"testing"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// BenchmarkWechatPayLoopback is one v2 micropay through the client and the
// simulator on loopback: XML, HMAC-SHA256 signs both ways, HTTP.
func BenchmarkWechatPayLoopback(b *testing.B) {
	e := newEnv(b, nil, nil)
	e.sim.SetBalance("bench", money.MaxFen)
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.c.Pay(ctx, e.payReq("bench", 100))
		if err != nil || res.Status != pos.StatusSuccess {
			b.Fatalf("Pay = %+v, %v", res, err)
		}
	}
}

// BenchmarkWechatPrecreateLoopback is one v3 Native order: two RSA-2048
// signatures (request, answer) and two verifications.
func BenchmarkWechatPrecreateLoopback(b *testing.B) {
	e := newEnv(b, nil, nil)
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.c.Precreate(ctx, pos.PayRequest{OutTradeNo: newNo("N"), Amount: 100})
		if err != nil || res.Status != pos.StatusWaiting {
			b.Fatalf("Precreate = %+v, %v", res, err)
		}
	}
}

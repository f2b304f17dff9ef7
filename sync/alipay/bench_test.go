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

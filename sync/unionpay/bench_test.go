package unionpay

import (
	"testing"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/providersim"
)

// BenchmarkUnionPayPayLoopback is one acquirer QR payment through the
// client and the simulator on loopback: JSON, HMAC-SHA256 both ways, HTTP.
func BenchmarkUnionPayPayLoopback(b *testing.B) {
	e := newEnv(b, nil)
	e.sim.SetBalance("bench", money.MaxFen)
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.c.Pay(ctx, e.payReq(providersim.UnionPay, "bench", 100))
		if err != nil || res.Status != pos.StatusSuccess {
			b.Fatalf("Pay = %+v, %v", res, err)
		}
	}
}

package payments_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/payments"
)

// instant is a provider that answers at once: what remains is the till's
// own cost of a payment, durable state writes included.
type instant struct{}

func (instant) Pay(context.Context, pos.PayRequest) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusSuccess, TradeNo: "T"}, nil
}
func (instant) Precreate(context.Context, pos.PayRequest) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusWaiting, QR: "q"}, nil
}
func (instant) Query(context.Context, string) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusSuccess}, nil
}
func (instant) Cancel(context.Context, string) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusClosed}, nil
}
func (instant) Refund(context.Context, pos.RefundRequest) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusSuccess}, nil
}
func (instant) RefundQuery(context.Context, string, string) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusSuccess}, nil
}

// BenchmarkTillOverheadPayCode: routing, the state machine and the two
// durable writes (authorizing before the request, the outcome after it) on
// a real SQLite file with synchronous=FULL. Target: median under 2 ms.
func BenchmarkTillOverheadPayCode(b *testing.B) {
	db := storagetest.NewDB(b)
	n := 0
	svc := &payments.Service{Store: db, Providers: map[pos.Provider]payments.Provider{pos.Alipay: instant{}},
		Now: time.Now, NewID: func() string { n++; return fmt.Sprintf("%032d", n) }}
	ts := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		p, err := svc.PayCode(context.Background(), "sale", alipayCode, 1250, nil)
		if err != nil || p.State != pos.PaySucceeded {
			b.Fatal(p.State, err)
		}
		ts = append(ts, time.Since(t0))
	}
	b.StopTimer()
	median(b, ts)
}

func median(b *testing.B, ts []time.Duration) {
	slices.Sort(ts)
	b.ReportMetric(float64(ts[len(ts)/2].Microseconds())/1000, "median-ms")
}

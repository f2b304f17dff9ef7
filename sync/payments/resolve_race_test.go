package payments_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/payments"
)

// latePayer is a provider at which the customer pays between two queries:
// the first query blocks until the test lets it answer "waiting"; every
// later one says paid. A cancel of the paid trade gives the money back.
type latePayer struct {
	payments.Provider
	asked           chan struct{} // closed when the first query arrives
	first           chan struct{} // closed by the test: the first query answers
	queries, cancel atomic.Int32
}

func (l *latePayer) Query(context.Context, string) (pos.ProviderResult, error) {
	if l.queries.Add(1) == 1 {
		close(l.asked)
		<-l.first
		return pos.ProviderResult{Status: pos.StatusWaiting}, nil
	}
	return pos.ProviderResult{Status: pos.StatusSuccess, TradeNo: "T1"}, nil
}

func (l *latePayer) Cancel(context.Context, string) (pos.ProviderResult, error) {
	l.cancel.Add(1)
	return pos.ProviderResult{Status: pos.StatusSuccess}, nil // Alipay: cancelled, the money went back
}

// TestResolveTwiceAtOnce: the sweeper and the 查询 button (or the outbox)
// resolve the same payment at the same time. Once one of them has seen it
// paid and told the till, which completes the sale, the other must not
// cancel it and give the money back.
func TestResolveTwiceAtOnce(t *testing.T) {
	db := storagetest.NewDB(t)
	ctx := context.Background()
	created := time.Now().Add(-time.Hour) // long past the poll window: an unpaid one is cancelled
	p, err := pos.NewPayment("p1", "s1", pos.Alipay, pos.ModeCode, 1250, created)
	if err != nil {
		t.Fatal(err)
	}
	p.State = pos.PayUnknown
	if err := db.SavePayment(ctx, p); err != nil {
		t.Fatal(err)
	}
	prov := &latePayer{asked: make(chan struct{}), first: make(chan struct{})}
	svc := &payments.Service{Store: db, Providers: map[pos.Provider]payments.Provider{pos.Alipay: prov},
		Now: time.Now, NewID: func() string { return "x" }, Sleep: func(context.Context, time.Duration) error { return nil }}

	sweeper := make(chan pos.Payment)
	go func() {
		p, _ := svc.Resolve(ctx, "p1")
		sweeper <- p
	}()
	<-prov.asked // the sweeper's query is on its way
	button, err := svc.Resolve(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	close(prov.first)
	<-sweeper
	final, _ := db.Payment(ctx, "p1")
	if button.State == pos.PaySucceeded && (final.State != pos.PaySucceeded || prov.cancel.Load() > 0) {
		t.Errorf("the button saw it paid (the sale is completed), then it ended %s after %d cancels: "+
			"the customer's money went back for a completed sale", final.State, prov.cancel.Load())
	}
}

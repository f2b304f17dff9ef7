package payments_test

import (
	"context"
	"fmt"
	"testing"
	"time"
	"zhanggui/pos/money"

	"zhanggui/pos"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/payments"
)

// slowRefunds is a provider whose refund request blocks until the test
// lets it answer; every refund query says the refund went through.
type slowRefunds struct {
	payments.Provider // nil: only the refund methods are called
	sent, answer      chan struct{}
}

func (s slowRefunds) Refund(context.Context, pos.RefundRequest) (pos.ProviderResult, error) {
	s.sent <- struct{}{}
	<-s.answer
	return pos.ProviderResult{Status: pos.StatusSuccess}, nil
}

func (s slowRefunds) RefundQuery(context.Context, string, string) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusSuccess}, nil
}

// TestResolveRefundsLeavesRefundInFlight: the sweeper (or the outbox) runs
// ResolveRefunds while the cashier's refund is waiting for its answer. The
// sweeper must leave that refund to the flow that owns it, as Resolve does
// for payments; otherwise both book it, the second write hits the "done
// refund is final" trigger and the cashier is shown an error for a refund
// that went through.
func TestResolveRefundsLeavesRefundInFlight(t *testing.T) {
	db := storagetest.NewDB(t)
	ctx := context.Background()
	ps := storagetest.Seed(t, db, 2)
	sale, err := storagetest.SplitSale("s1", "01-01-20261125-0001", storagetest.Epoch, ps...)
	if err != nil {
		t.Fatal(err)
	}
	sale.Tenders[0].PaymentID = "pays1" // an out_trade_no: letters and digits
	if err := db.SaveSale(ctx, sale); err != nil {
		t.Fatal(err)
	}
	p, err := pos.NewPayment(sale.Tenders[0].PaymentID, sale.ID, pos.Alipay, pos.ModeCode, sale.Tenders[0].Amount, storagetest.Epoch)
	if err != nil {
		t.Fatal(err)
	}
	p.State = pos.PaySucceeded
	if err := db.SavePayment(ctx, p); err != nil {
		t.Fatal(err)
	}
	prov := slowRefunds{sent: make(chan struct{}), answer: make(chan struct{})}
	n := 0
	svc := &payments.Service{Store: db, RefundStore: db, Providers: map[pos.Provider]payments.Provider{pos.Alipay: prov},
		Now: time.Now, NewID: func() string { n++; return fmt.Sprintf("r%031d", n) },
		Sleep: func(context.Context, time.Duration) error { return nil }}

	type result struct {
		r   pos.Refund
		err error
	}
	cashier := make(chan result)
	go func() {
		r, err := svc.Refund(ctx, sale, 0, 50, "退一件")
		cashier <- result{r, err}
	}()
	<-prov.sent // the refund request has left; its answer is on the way
	if _, err := svc.ResolveRefunds(ctx); err != nil {
		t.Errorf("ResolveRefunds while a refund is in flight: %v", err)
	}
	close(prov.answer)
	got := <-cashier
	if got.err != nil || got.r.State != pos.RefundDone {
		t.Errorf("the cashier's refund: %s, %v; want done without error", got.r.State, got.err)
	}
	rs, _ := db.Refunds(ctx, sale.ID)
	pay, _ := db.Payment(ctx, p.ID)
	if len(rs) != 1 || rs[0].State != pos.RefundDone || pay.Refunded != 50 {
		t.Errorf("stored refunds %+v, payment refunded %v; want one done refund of 0.50", rs, pay.Refunded)
	}
}

// unsure answers every refund request with no definite outcome.
type unsure struct{ slowRefunds }

func (unsure) Refund(context.Context, pos.RefundRequest) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusUnknown}, pos.Errorf(pos.CodeUnavailable, "test: timeout")
}

func (unsure) RefundQuery(context.Context, string, string) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusUnknown}, pos.Errorf(pos.CodeUnavailable, "test: timeout")
}

// TestRefundsOfOnePaymentAddUp: an earlier refund of a payment, left
// pending, is confirmed by the sweeper while the cashier's second refund of
// the same payment is waiting for its answer. The payment's refunded total
// must count both: each booking reads the payment as it is now, not as it
// was when its flow began.
func TestRefundsOfOnePaymentAddUp(t *testing.T) {
	db := storagetest.NewDB(t)
	ctx := context.Background()
	ps := storagetest.Seed(t, db, 2)
	sale, err := storagetest.SplitSale("s1", "01-01-20261125-0001", storagetest.Epoch, ps...)
	if err != nil {
		t.Fatal(err)
	}
	sale.Tenders[0].PaymentID = "pays1"
	if err := db.SaveSale(ctx, sale); err != nil {
		t.Fatal(err)
	}
	p, err := pos.NewPayment("pays1", sale.ID, pos.Alipay, pos.ModeCode, sale.Tenders[0].Amount, storagetest.Epoch)
	if err != nil {
		t.Fatal(err)
	}
	p.State = pos.PaySucceeded
	if err := db.SavePayment(ctx, p); err != nil {
		t.Fatal(err)
	}
	prov := slowRefunds{sent: make(chan struct{}), answer: make(chan struct{})}
	n := 0
	svc := &payments.Service{Store: db, RefundStore: db, Providers: map[pos.Provider]payments.Provider{pos.Alipay: unsure{prov}},
		Now: time.Now, NewID: func() string { n++; return fmt.Sprintf("r%031d", n) },
		Sleep: func(context.Context, time.Duration) error { return nil }}
	first, err := svc.Refund(ctx, sale, 0, 30, "第一次")
	if err != nil || first.State != pos.RefundPending {
		t.Fatalf("first refund: %s, %v; want pending", first.State, err)
	}
	svc.Providers[pos.Alipay] = prov // the provider answers again

	cashier := make(chan error)
	go func() {
		_, err := svc.Refund(ctx, sale, 0, 20, "第二次")
		cashier <- err
	}()
	<-prov.sent
	if _, err := svc.ResolveRefunds(ctx); err != nil { // confirms the first refund
		t.Errorf("ResolveRefunds: %v", err)
	}
	close(prov.answer)
	if err := <-cashier; err != nil {
		t.Errorf("second refund: %v", err)
	}
	pay, _ := db.Payment(ctx, p.ID)
	if pay.Refunded != 50 {
		t.Errorf("payment refunded %v after refunds of 0.30 and 0.20, want 0.50", pay.Refunded)
	}
}

// TestTwoPendingRefundsOfOnePayment: two refunds of one payment are made
// while the provider cannot be reached (both pending). When it answers
// again, one ResolveRefunds must book both: the first to end must not leave
// the payment in a state where the second cannot end.
func TestTwoPendingRefundsOfOnePayment(t *testing.T) {
	db := storagetest.NewDB(t)
	ctx := context.Background()
	ps := storagetest.Seed(t, db, 2)
	sale, err := storagetest.SplitSale("s1", "01-01-20261125-0001", storagetest.Epoch, ps...)
	if err != nil {
		t.Fatal(err)
	}
	sale.Tenders[0].PaymentID = "pays1"
	if err := db.SaveSale(ctx, sale); err != nil {
		t.Fatal(err)
	}
	p, err := pos.NewPayment("pays1", sale.ID, pos.Alipay, pos.ModeCode, sale.Tenders[0].Amount, storagetest.Epoch)
	if err != nil {
		t.Fatal(err)
	}
	p.State = pos.PaySucceeded
	if err := db.SavePayment(ctx, p); err != nil {
		t.Fatal(err)
	}
	n := 0
	svc := &payments.Service{Store: db, RefundStore: db, Providers: map[pos.Provider]payments.Provider{pos.Alipay: unsure{}},
		Now: time.Now, NewID: func() string { n++; return fmt.Sprintf("r%031d", n) },
		Sleep: func(context.Context, time.Duration) error { return nil }}
	for _, amount := range []money.Fen{30, 20} {
		if r, err := svc.Refund(ctx, sale, 0, amount, "网络断了"); err != nil || r.State != pos.RefundPending {
			t.Fatalf("refund offline: %s, %v", r.State, err)
		}
	}
	svc.Providers[pos.Alipay] = slowRefunds{} // back online: every refund query says done
	still, err := svc.ResolveRefunds(ctx)
	if err != nil || len(still) != 0 {
		t.Errorf("ResolveRefunds = %d still pending, %v; want none", len(still), err)
	}
	rs, _ := db.Refunds(ctx, sale.ID)
	pay, _ := db.Payment(ctx, p.ID)
	if len(rs) != 2 || rs[0].State != pos.RefundDone || rs[1].State != pos.RefundDone || pay.Refunded != 50 {
		t.Errorf("refunds %v %v, payment refunded %v; want both done, 0.50", rs[0].State, rs[1].State, pay.Refunded)
	}
}

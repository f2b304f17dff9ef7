package payments_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/alipay"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
)

// live is the real stack: SQLite, the Alipay client, the simulator on loopback.
type live struct {
	db   *storage.DB
	sim  *providersim.Sim
	svc  *payments.Service
	loss *lossy
}

// lossy is a transport that loses the answers of the first drop requests
// whose form contains match, after the simulator has acted on them: the
// network failing at the worst moment.
type lossy struct {
	match []string
	drop  int
	// down fails the requests whose form contains one of these before
	// they leave: the link is down (set before the requests run).
	down []string
}

func (l *lossy) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body) // a test request: its body is small and in memory
	req.Body = io.NopCloser(bytes.NewReader(body))
	if containsAny(req.URL.RawQuery+string(body), l.down) {
		return nil, errors.New("test: network unreachable")
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && l.drop > 0 && containsAny(req.URL.RawQuery+string(body), l.match) {
		l.drop--
		resp.Body.Close()
		return nil, errors.New("test: connection reset after the request was handled")
	}
	return resp, err
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func newLive(t *testing.T) *live {
	t.Helper()
	db := storagetest.NewDB(t)
	sim, err := providersim.New(providersim.Config{DataDir: simKeys})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	c := sim.Credentials().Alipay
	loss := &lossy{}
	cli, err := alipay.New(alipay.Config{AppID: c.AppID, PrivateKeyPEM: c.AppPrivateKeyPEM,
		AlipayPublicKeyPEM: c.AlipayPublicKeyPEM, Gateway: srv.URL + "/alipay/gateway.do", Timeout: 2 * time.Second,
		HTTPClient: &http.Client{Transport: loss}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	svc := &payments.Service{Store: db, RefundStore: db, Providers: map[pos.Provider]payments.Provider{pos.Alipay: cli},
		Now: time.Now, NewID: func() string { n++; return fmt.Sprintf("%s%06d", time.Now().Format("20060102150405"), n) },
		Policy: payments.Policy{PollEvery: 20 * time.Millisecond, PollFor: 2 * time.Second, QRFor: 2 * time.Second,
			CancelTries: 3, CancelEvery: 10 * time.Millisecond}}
	return &live{db: db, sim: sim, svc: svc, loss: loss}
}

// paidSale takes a payment for a sale of two products and saves the sale.
func (l *live) paidSale(t *testing.T) (*pos.Sale, pos.Payment) {
	t.Helper()
	ctx := context.Background()
	ps := storagetest.Seed(t, l.db, 2)
	cart := &pos.Cart{ID: "sale-" + time.Now().Format("150405.000000")}
	for _, p := range ps {
		if err := cart.Add(p, pos.OnePiece); err != nil {
			t.Fatal(err)
		}
	}
	due := cart.Totals().Total
	p, err := l.svc.PayCode(ctx, cart.ID, l.sim.NewPaymentCode(providersim.Alipay, "u1"), due, nil)
	if err != nil || p.State != pos.PaySucceeded {
		t.Fatalf("pay: %s, %v", p.State, err)
	}
	no, _ := l.db.NextSaleNo(ctx, pos.BusinessDay(time.Now(), time.UTC), "01", "01")
	s, err := cart.Checkout(pos.Checkout{ID: cart.ID, No: no, EntryID: l.svc.NewID(), At: time.Now(), Tenders: []pos.Tender{p.Tender()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.db.SaveSale(ctx, s); err != nil {
		t.Fatal(err)
	}
	return s, p
}

func (l *live) refunded(outTradeNo string) (f money.Fen) {
	for _, c := range l.sim.Charges() {
		if c.OutTradeNo == outTradeNo && c.Kind == providersim.ChargeRefund {
			f += c.Amount
		}
	}
	return f
}

func TestRefundPartialThenRest(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	s, p := l.paidSale(t)
	r1, err := l.svc.Refund(ctx, s, 0, 100, "少找一件")
	if err != nil || r1.State != pos.RefundDone {
		t.Fatalf("partial refund %+v, %v", r1, err)
	}
	if _, err := l.svc.Refund(ctx, s, 0, s.Total, "再退全部"); !errors.Is(err, pos.ErrOverRefund) {
		t.Errorf("refund over what is left: %v", err)
	}
	r2, err := l.svc.Refund(ctx, s, 0, s.Total-100, "退货")
	if err != nil || r2.State != pos.RefundDone {
		t.Fatalf("rest refund %+v, %v", r2, err)
	}
	if got := l.refunded(p.ID); got != s.Total {
		t.Errorf("the provider refunded %v, want %v", got, s.Total)
	}
	got, _ := l.db.Payment(ctx, p.ID)
	if got.State != pos.PayRefunded || got.Refunded != s.Total {
		t.Errorf("payment after refunds %+v", got)
	}
	bal, _ := l.db.TrialBalance(ctx)
	if bal[ledger.AlipayClearing] != 0 || bal[ledger.Refunds] != s.Total {
		t.Errorf("ledger after full refund %v", bal)
	}
	var sum money.Fen
	for _, f := range bal {
		sum += f
	}
	if sum != 0 {
		t.Errorf("trial balance off by %v", sum)
	}
}

// TestRefundRetrySameNumber: the refund's answer is lost; the sweeper
// asks again with the same out_refund_no and the money goes back once.
func TestRefundRetrySameNumber(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	s, p := l.paidSale(t)
	// The refund's answer and the next queries are lost: the link is down.
	l.loss.match, l.loss.drop = []string{"alipay.trade.refund", "alipay.trade.fastpay.refund.query"}, 6
	r, err := l.svc.Refund(ctx, s, 0, 200, "")
	if r.State != pos.RefundPending {
		t.Fatalf("after lost answers the refund is %s, want pending", r.State)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("refund after the dropped answer: %s", r.State)
	if r.State != pos.RefundDone {
		if _, err := l.svc.ResolveRefunds(ctx); err != nil {
			t.Fatal(err)
		}
	}
	rs, _ := l.db.Refunds(ctx, s.ID)
	if len(rs) != 1 || rs[0].State != pos.RefundDone {
		t.Fatalf("refunds %+v", rs)
	}
	if got := l.refunded(p.ID); got != 200 {
		t.Errorf("the provider refunded %v, want 2.00 once", got)
	}
}

func TestCashRefund(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	ps := storagetest.Seed(t, l.db, 1)
	s, err := storagetest.Sale("c1", "01-01-20261125-0001", time.Now(), ps...)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.db.SaveSale(ctx, s); err != nil {
		t.Fatal(err)
	}
	r, err := l.svc.Refund(ctx, s, 0, s.Total, "顾客退货")
	if err != nil || r.State != pos.RefundDone {
		t.Fatalf("cash refund %+v, %v", r, err)
	}
	bal, _ := l.db.TrialBalance(ctx)
	if bal[ledger.Cash] != 0 {
		t.Errorf("drawer after the cash refund %v", bal[ledger.Cash])
	}
}

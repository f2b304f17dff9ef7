package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/alipay"
	"zhanggui/sync/outbox"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
)

// simDir holds the simulator's keys, generated once for the test binary.
var simDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "outbox-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	simDir = dir
	if _, err := providersim.New(providersim.Config{DataDir: dir}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// link is the till's network: it can be down (nothing reaches the
// simulator), or go down after a number of requests.
type link struct {
	mu        sync.Mutex
	down      bool
	downAfter int // > 0: requests let through before going down
	sent      atomic.Int32
}

func (l *link) set(down bool) { l.mu.Lock(); defer l.mu.Unlock(); l.down, l.downAfter = down, 0 }

func (l *link) RoundTrip(req *http.Request) (*http.Response, error) {
	l.mu.Lock()
	down := l.down
	if l.downAfter > 0 {
		if l.downAfter--; l.downAfter == 0 {
			l.down = true
		}
	}
	l.mu.Unlock()
	if down {
		return nil, errors.New("test: dial tcp: connect: network is unreachable")
	}
	l.sent.Add(1)
	return http.DefaultTransport.RoundTrip(req)
}

// killer is a provider whose till dies (the goroutine stops dead, writing
// nothing more) right after the request named kill has been answered.
type killer struct {
	payments.Provider
	kill string
}

func (k killer) Pay(ctx context.Context, r pos.PayRequest) (pos.ProviderResult, error) {
	res, err := k.Provider.Pay(ctx, r)
	k.die("pay")
	return res, err
}

func (k killer) Refund(ctx context.Context, r pos.RefundRequest) (pos.ProviderResult, error) {
	res, err := k.Provider.Refund(ctx, r)
	k.die("refund")
	return res, err
}

func (k killer) die(method string) {
	if k.kill == method {
		runtime.Goexit()
	}
}

// story is a till on a SQLite file talking to the simulator on loopback
// through the real Alipay client, with an outbox worker.
type story struct {
	t       *testing.T
	db      *storage.DB
	sim     *providersim.Sim
	cli     *alipay.Client
	link    *link
	clk     *clock
	svc     *payments.Service
	w       *outbox.Worker
	ids     int
	settled []pos.Payment
}

func newStory(t *testing.T) *story {
	t.Helper()
	sim, err := providersim.New(providersim.Config{DataDir: simDir})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	s := &story{t: t, db: storagetest.NewDB(t), sim: sim, link: &link{}, clk: newClock(time.Now().UTC())}
	s.db.Now = s.clk.Now
	c := sim.Credentials().Alipay
	s.cli, err = alipay.New(alipay.Config{AppID: c.AppID, PrivateKeyPEM: c.AppPrivateKeyPEM,
		AlipayPublicKeyPEM: c.AlipayPublicKeyPEM, Gateway: srv.URL + "/alipay/gateway.do",
		Timeout: 2 * time.Second, HTTPClient: &http.Client{Transport: s.link}})
	if err != nil {
		t.Fatal(err)
	}
	s.restart("")
	return s
}

// restart is the till starting again: a new service (nothing in flight)
// and a new worker on the same database. kill names the request after
// which this incarnation dies.
func (s *story) restart(kill string) {
	var prov payments.Provider = s.cli
	if kill != "" {
		prov = killer{Provider: s.cli, kill: kill}
	}
	s.svc = &payments.Service{
		Store:       outbox.PaymentStore{PaymentStore: s.db, Jobs: s.db},
		RefundStore: s.db, Providers: map[pos.Provider]payments.Provider{pos.Alipay: prov},
		Now: s.clk.Now, NewID: s.newID,
		Policy: payments.Policy{PollEvery: 5 * time.Second, PollFor: 30 * time.Second, QRFor: time.Minute,
			QRExpiry: 5 * time.Minute, CancelTries: 3, CancelEvery: 2 * time.Second},
		// The till's waits pass on the test clock: no test sleeps.
		Sleep: func(ctx context.Context, d time.Duration) error { s.clk.Advance(d); return ctx.Err() },
	}
	s.w = &outbox.Worker{Store: s.db, Now: s.clk.Now, Rand: rand.New(rand.NewPCG(7, 7)),
		BackoffMin: 10 * time.Second, BackoffMax: 5 * time.Minute,
		Handlers: map[pos.JobKind]outbox.Handler{
			pos.JobResolvePayment: outbox.PaymentHandler{Payments: s.svc, Settled: s.onSettled},
			pos.JobResolveRefund:  outbox.RefundHandler{Payments: s.svc},
		}}
}

func (s *story) newID() string {
	s.ids++
	return fmt.Sprintf("%s%06d", s.clk.Now().Format("20060102150405"), s.ids)
}

func (s *story) onSettled(_ context.Context, p pos.Payment) error {
	s.settled = append(s.settled, p)
	return nil
}

// pass runs one RunOnce, as the till does whenever work is due; it first
// moves the clock to the next due job, as waiting for it would.
func (s *story) pass() int {
	s.t.Helper()
	if at, ok, err := s.db.NextDue(context.Background()); err != nil {
		s.t.Fatal(err)
	} else if ok && at.After(s.clk.Now()) {
		s.clk.Advance(at.Sub(s.clk.Now()))
	}
	n, err := s.w.RunOnce(context.Background())
	if err != nil {
		s.t.Fatalf("RunOnce: %v", err)
	}
	return n
}

func (s *story) job(id string) pos.Job {
	s.t.Helper()
	return mustJob(s.t, s.db, id)
}

func (s *story) payment(id string) pos.Payment {
	s.t.Helper()
	p, err := s.db.Payment(context.Background(), id)
	if err != nil {
		s.t.Fatal(err)
	}
	return p
}

// ledger lists the simulator's money movements for an out_trade_no.
func (s *story) ledger(no string) string {
	var kinds []string
	for _, c := range s.sim.Charges() {
		if c.OutTradeNo == no {
			kinds = append(kinds, fmt.Sprintf("%s %v", c.Kind, c.Amount))
		}
	}
	return strings.Join(kinds, ", ")
}

func (s *story) code() string { return s.sim.NewPaymentCode(providersim.Alipay, "u1") }

func (s *story) wantLedger(no, want string) {
	s.t.Helper()
	if got := s.ledger(no); got != want {
		s.t.Errorf("simulator's ledger for %s: %q, want %q", no, got, want)
	}
}

func (s *story) wantPayment(id string, want pos.PaymentState) pos.Payment {
	s.t.Helper()
	p := s.payment(id)
	if p.State != want {
		s.t.Errorf("payment %s is %s, want %s", id, p.State, want)
	}
	return p
}

func (s *story) wantPass(n int) {
	s.t.Helper()
	if got := s.pass(); got != n {
		s.t.Fatalf("pass handled %d jobs, want %d", got, n)
	}
}

// TestStoryOfflineThriceThenOnline: the provider charges but answers a
// system error, and the link drops right after. The cashier sees 待确认;
// three passes fail offline; the fourth, online, reverses the charge.
func TestStoryOfflineThriceThenOnline(t *testing.T) {
	s := newStory(t)
	ctx := context.Background()
	code := s.code()
	s.sim.Script(providersim.OnCode(code), providersim.SystemErrorHiddenSuccess)
	s.link.downAfter = 1 // the pay gets through; nothing after it
	p, err := s.svc.PayCode(ctx, "sale-1", code, 1250, nil)
	if err != nil || p.State != pos.PayCancelling {
		t.Fatalf("pay with the link gone: %s, %v; want cancelling (待确认)", p.State, err)
	}
	jobID := "resolve_payment:" + p.ID
	s.wantLedger(p.ID, "payment 12.50")
	for try := 1; try <= 3; try++ {
		sent := s.link.sent.Load()
		s.wantPass(1)
		if j := s.job(jobID); j.Done || j.Parked || j.Tries != try || !strings.Contains(j.LastError, "cancelling") {
			t.Errorf("after offline pass %d: %+v", try, j)
		}
		s.wantPayment(p.ID, pos.PayCancelling)
		s.wantLedger(p.ID, "payment 12.50")
		if s.link.sent.Load() != sent {
			t.Errorf("offline pass %d reached the simulator", try)
		}
	}
	s.link.set(false)
	s.wantPass(1)
	if j := s.job(jobID); !j.Done {
		t.Errorf("job after the online pass: %+v", j)
	}
	s.wantPayment(p.ID, pos.PayReversed)
	s.wantLedger(p.ID, "payment 12.50, reversal 12.50")
	if len(s.settled) != 1 || s.settled[0].State != pos.PayReversed {
		t.Errorf("the till was told %+v", s.settled)
	}
	if q, _, parked, _ := s.db.OutboxStats(ctx); q != 0 || parked != 0 {
		t.Errorf("outbox after: %d queued, %d parked", q, parked)
	}
}

// cart is a cart of two products and what it costs.
func (s *story) cart(id string) (*pos.Cart, money.Fen) {
	s.t.Helper()
	cart := &pos.Cart{ID: id}
	for _, p := range storagetest.Seed(s.t, s.db, 2) {
		if err := cart.Add(p, pos.OnePiece); err != nil {
			s.t.Fatal(err)
		}
	}
	return cart, cart.Totals().Total
}

// paidSale takes a payment for a cart and saves the sale.
func (s *story) paidSale(id string) (*pos.Sale, pos.Payment) {
	s.t.Helper()
	cart, due := s.cart(id)
	p, err := s.svc.PayCode(context.Background(), cart.ID, s.code(), due, nil)
	if err != nil || p.State != pos.PaySucceeded {
		s.t.Fatalf("pay: %s, %v", p.State, err)
	}
	sale, err := cart.Checkout(pos.Checkout{ID: cart.ID, No: "01-01-20261125-0001", EntryID: s.newID(),
		At: s.clk.Now(), Tenders: []pos.Tender{p.Tender()}})
	if err == nil {
		err = s.db.SaveSale(context.Background(), sale)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	return sale, p
}

// TestStoryKilledAfterSendingPay: the till dies right after a pay leaves.
// After the restart its job goes to the provider, which has the payment:
// the till learns it was paid and completes the sale.
func TestStoryKilledAfterSendingPay(t *testing.T) {
	s := newStory(t)
	ctx := context.Background()
	cart, due := s.cart("sale-k")
	s.restart("pay")
	dead := make(chan struct{})
	go func() { defer close(dead); s.svc.PayCode(ctx, cart.ID, s.code(), due, nil) }()
	<-dead
	open, _ := s.db.OpenPayments(ctx)
	if len(open) != 1 || open[0].State != pos.PayAuthorizing {
		t.Fatalf("after the crash: %+v, want one payment authorizing", open)
	}
	id := open[0].ID
	s.wantLedger(id, "payment "+due.String())

	s.restart("")
	s.wantPass(1)
	if p := s.wantPayment(id, pos.PaySucceeded); p.TradeNo == "" {
		t.Errorf("no trade number: %+v", p)
	}
	s.wantLedger(id, "payment "+due.String())
	if len(s.settled) != 1 || s.settled[0].State != pos.PaySucceeded {
		t.Errorf("the till was told %+v, want the success (it completes the sale)", s.settled)
	}
}

// TestStoryKilledAfterSendingRefund: a refund made offline waits in the
// outbox; the worker sends it and the till dies before writing anything.
// After the restart the job goes again with the same out_refund_no; the
// provider, which has it, says it is done, and the money went back once.
func TestStoryKilledAfterSendingRefund(t *testing.T) {
	s := newStory(t)
	ctx := context.Background()
	sale, p := s.paidSale("sale-r")
	due := p.Amount
	s.link.set(true)
	r, err := s.svc.Refund(ctx, sale, 0, 100, "退一件")
	if err != nil || r.State != pos.RefundPending {
		t.Fatalf("refund offline: %+v, %v", r, err)
	}
	if err := s.db.Enqueue(ctx, outbox.RefundJob(r, pos.Alipay, s.clk.Now())); err != nil {
		t.Fatal(err)
	}
	jobID := "resolve_refund:" + r.ID
	s.link.set(false)
	s.pass() // the first pass resolves the payment's own job

	s.restart("refund")
	s.wantPass(0) // sends the refund, then dies before writing anything
	if rs, _ := s.db.Refunds(ctx, sale.ID); len(rs) != 1 || rs[0].State != pos.RefundPending {
		t.Fatalf("refunds after the crash: %+v", rs)
	}
	if j := s.job(jobID); j.Done || j.Tries != 0 {
		t.Errorf("the dead pass recorded an outcome: %+v", j)
	}
	s.wantLedger(p.ID, "payment "+due.String()+", refund 1.00")

	s.restart("")
	s.wantPass(1)
	if rs, _ := s.db.Refunds(ctx, sale.ID); len(rs) != 1 || rs[0].State != pos.RefundDone || rs[0].Entry.ID == "" {
		t.Errorf("refund after the job: %+v, want done and booked", rs)
	}
	s.wantLedger(p.ID, "payment "+due.String()+", refund 1.00")
	if j := s.job(jobID); !j.Done {
		t.Errorf("refund job %+v", j)
	}
}

// TestStorySameKeyOtherHashParks: a job names a payment's out_trade_no
// with another amount. Enqueued under the same ID it is refused; under
// another ID it reaches the worker, which parks it without asking the
// provider anything, and holds back the payment's later jobs.
func TestStorySameKeyOtherHashParks(t *testing.T) {
	s := newStory(t)
	ctx := context.Background()
	code := s.code()
	s.sim.Script(providersim.OnCode(code), providersim.SystemErrorHiddenSuccess)
	s.link.downAfter = 1
	p, _ := s.svc.PayCode(ctx, "sale-2", code, 880, nil)
	s.link.set(false)

	forged := p
	forged.Amount = 8800
	if err := s.db.Enqueue(ctx, outbox.PaymentJob(forged, s.clk.Now())); !errors.Is(err, storage.ErrJobChanged) {
		t.Errorf("same job ID, another amount: %v, want ErrJobChanged", err)
	}
	other := outbox.PaymentJob(forged, s.clk.Now())
	other.ID += "#replayed"
	later := pos.NewJob("later:"+p.ID, pos.JobResolvePayment, p.ID, []byte(`{}`), s.clk.Now())
	if err := s.db.Enqueue(ctx, other, later); err != nil {
		t.Fatal(err)
	}

	if n := s.pass(); n != 1 { // the payment's own job, first in its key
		t.Fatalf("first pass handled %d", n)
	}
	if got := s.payment(p.ID).State; got != pos.PayReversed {
		t.Fatalf("payment %s after its own job, want reversed", got)
	}
	sent := s.link.sent.Load()
	if n := s.pass(); n != 1 {
		t.Fatalf("second pass handled %d", n)
	}
	j := s.job(other.ID)
	if !j.Parked || !strings.Contains(j.LastError, "88.00") {
		t.Errorf("the job with another amount: %+v, want parked with the reason", j)
	}
	if s.link.sent.Load() != sent {
		t.Error("the conflicting job reached the provider")
	}
	if got, want := s.ledger(p.ID), "payment 8.80, reversal 8.80"; got != want {
		t.Errorf("simulator: %q, want %q", got, want)
	}
	if n := s.pass(); n != 0 {
		t.Errorf("a job behind the parked one ran (%d handled)", n)
	}
	parked, _ := s.db.Parked(ctx)
	if len(parked) != 1 || parked[0].ID != other.ID {
		t.Errorf("Parked() = %+v", parked)
	}
}

// TestStoryKnownOfflineWaitsWithoutTrying: while the link monitor says the
// provider is offline, the job is not tried and no try is counted; when
// the link returns, SyncNow makes it due at once and it is resolved.
func TestStoryKnownOfflineWaitsWithoutTrying(t *testing.T) {
	s := newStory(t)
	ctx := context.Background()
	code := s.code()
	s.sim.Script(providersim.OnCode(code), providersim.SystemErrorHiddenSuccess)
	s.link.downAfter = 1
	p, _ := s.svc.PayCode(ctx, "sale-3", code, 660, nil)
	var mu sync.Mutex
	state := pos.LinkOffline
	s.w.Handlers[pos.JobResolvePayment] = outbox.PaymentHandler{Payments: s.svc, Settled: s.onSettled,
		Link: func(pos.Provider) pos.Link { mu.Lock(); defer mu.Unlock(); return state }}
	for range 5 { // a day offline is many passes
		s.pass()
	}
	j := s.job("resolve_payment:" + p.ID)
	if j.Tries != 0 || j.Done || !strings.Contains(j.LastError, "offline") {
		t.Errorf("job while offline: %+v, want waiting with no try counted", j)
	}
	if !j.Due.After(s.clk.Now().Add(time.Minute)) {
		t.Errorf("job due %v, now %v: it should wait for the link, not spin", j.Due, s.clk.Now())
	}
	mu.Lock()
	state = pos.LinkOnline
	mu.Unlock()
	s.link.set(false)
	if err := s.w.SyncNow(ctx); err != nil { // what the link monitor's subscription does
		t.Fatal(err)
	}
	if n, err := s.w.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("pass after SyncNow: %d, %v", n, err)
	}
	if got := s.payment(p.ID).State; got != pos.PayReversed {
		t.Errorf("payment %s after the link returned, want reversed", got)
	}
}

package app

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"syscall"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/linkstate"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
	"zhanggui/sync/unionpay"
)

// demoPayments starts the payment side as the GUI does, on a demo shop
// with the simulator on loopback.
func demoPayments(t *testing.T) (*storage.DB, *paymentSetup) {
	t.Helper()
	db := storagetest.NewDB(t)
	db.Now = time.Now // the worker's clock
	st := pos.DefaultSettings()
	st.Demo = true
	pay, err := startPayments(context.Background(), db, st, t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pay.stop)
	return db, pay
}

// waitJob waits for job id to satisfy ok; the worker runs on its own.
func waitJob(t *testing.T, db *storage.DB, id string, ok func(pos.Job) bool) pos.Job {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		j, err := db.Job(context.Background(), id)
		if err == nil && ok(j) {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s: %+v, %v", id, j, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestOutboxWaitsForTheLink: a payment left open by a crash, from before
// the outbox, gets its job at start; while the link is down the job waits
// untried; the link's return wakes the worker, which resolves it.
func TestOutboxWaitsForTheLink(t *testing.T) {
	ctx := context.Background()
	db, pay := demoPayments(t)
	p, err := pos.NewPayment("0123456789abcdef0123456789abcdef", "sale1", pos.Alipay, pos.ModeCode, 100, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if p, err = p.Next(pos.EvSend, p.Created); err != nil {
		t.Fatal(err)
	}
	if err := db.SavePayment(ctx, p); err != nil { // no job: as before the outbox
		t.Fatal(err)
	}
	for pay.links.State(pos.Alipay) != pos.LinkOffline { // a probe may answer in between
		pay.links.Report(pos.Alipay, errors.New("link down"))
	}
	stop := pay.outbox.start(ctx, pay.service, pay.links)
	t.Cleanup(stop)
	id := "resolve_payment:" + p.ID
	j := waitJob(t, db, id, func(j pos.Job) bool { return strings.Contains(j.LastError, "offline") })
	if j.Tries != 0 || j.Done {
		t.Errorf("job while offline: %+v", j)
	}
	for pay.links.State(pos.Alipay) != pos.LinkOnline {
		pay.links.Report(pos.Alipay, nil)
	}
	waitJob(t, db, id, func(j pos.Job) bool { return j.Done })
	if got, err := db.Payment(ctx, p.ID); err != nil || !got.State.Final() {
		t.Errorf("payment after the link returned: %s, %v", got.State, err)
	}
	for deadline := time.Now().Add(5 * time.Second); pay.outbox.queued.Load() != 0; { // counted after the pass
		if time.Now().After(deadline) {
			t.Fatalf("banner count %d after the drain", pay.outbox.queued.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestOutboxJobsOfPaymentsAndRefunds: the service's payment and refund
// each get their job with their first save, and the job is marked done
// when the flow itself reaches the outcome.
func TestOutboxJobsOfPaymentsAndRefunds(t *testing.T) {
	ctx := context.Background()
	db, pay := demoPayments(t)
	ps := storagetest.Seed(t, db, 1)
	t.Cleanup(pay.outbox.start(ctx, pay.service, pay.links))
	cart := &pos.Cart{ID: "cart00000000000000000000000000aa"}
	if err := cart.Add(ps[0], pos.OnePiece); err != nil {
		t.Fatal(err)
	}
	due, _ := cart.Due(pos.RoundNone, false)
	p, err := pay.service.PayCode(ctx, cart.ID, pay.sim.NewPaymentCode(providersim.Alipay, providersim.DemoUser), due, nil)
	if err != nil || p.State != pos.PaySucceeded {
		t.Fatalf("pay: %s, %v", p.State, err)
	}
	if j, err := db.Job(ctx, "resolve_payment:"+p.ID); err != nil || !j.Done {
		t.Errorf("payment's job: %+v, %v", j, err)
	}
	sale, err := cart.Checkout(pos.Checkout{ID: cart.ID, No: "01-01-20261126-0001", EntryID: "e1", At: time.Now(),
		Cashier: "店主", Tenders: []pos.Tender{p.Tender()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSale(ctx, sale); err != nil {
		t.Fatal(err)
	}
	r, err := pay.service.Refund(ctx, sale, 0, due, "退货")
	if err != nil || r.State != pos.RefundDone {
		t.Fatalf("refund: %+v, %v", r, err)
	}
	if j, err := db.Job(ctx, "resolve_refund:"+r.ID); err != nil || !j.Done || j.Key != p.ID {
		t.Errorf("refund's job: %+v, %v", j, err)
	}
	if _, ok := pay.rawClient(pos.UnionPay).(*unionpay.Client); !ok {
		t.Error("the acquirer's client is not reachable under its link reporter")
	}
}

// BenchmarkOutboxIdle measures what the worker costs while nothing is
// queued: passes of the worker and CPU time of the whole process per
// second of idling (it sleeps on a channel: no timer, no polling).
func BenchmarkOutboxIdle(b *testing.B) {
	db := storagetest.NewDB(b)
	o := newOutbox(db, slog.New(slog.DiscardHandler))
	stop := o.start(context.Background(), nil, &linkstate.Monitor{})
	defer stop()
	time.Sleep(50 * time.Millisecond) // the first pass, at start
	passes := o.passes.Load()
	cpu0 := cpuTime()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		time.Sleep(200 * time.Millisecond) // long sleeps: the loop itself costs little
	}
	secs := time.Since(start).Seconds()
	b.ReportMetric(float64(o.passes.Load()-passes)/secs, "passes/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/secs/1e3, "cpu-µs/s")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru) // cannot fail for RUSAGE_SELF
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// payTimesOut is a provider whose queries answer and whose pays time out.
type payTimesOut struct{ payments.Provider }

func (payTimesOut) Pay(context.Context, pos.PayRequest) (pos.ProviderResult, error) {
	return pos.ProviderResult{}, pos.Errorf(pos.CodeUnavailable, "fake: pay: context deadline exceeded")
}

func (payTimesOut) Query(context.Context, string) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusNotFound}, nil
}

// TestReportLinksPartial: real calls tell the monitor what probes cannot,
// a channel whose queries answer while its pays time out is 部分可用.
func TestReportLinksPartial(t *testing.T) {
	ctx := context.Background()
	mon := &linkstate.Monitor{}
	prov := reportLinks(map[pos.Provider]payments.Provider{pos.Wechat: payTimesOut{}}, mon)[pos.Wechat]
	for range 3 { // three sales: each pay times out, then two queries answer
		_, _ = prov.Pay(ctx, pos.PayRequest{})
		_, _ = prov.Query(ctx, "x")
		_, _ = prov.Query(ctx, "x")
	}
	if got := mon.State(pos.Wechat); got != pos.LinkPartial {
		t.Errorf("link %s, want partial", got)
	}
}

package outbox_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/outbox"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
)

// BenchmarkDrain10000 drains 10,000 resolve_payment jobs against the
// simulator on loopback: payments the providers charged but whose answers
// were lost (state unknown), a third each at Alipay, WeChat Pay and the
// acquirer. Each job is a query through the real client, signed and
// verified, the payment saved as succeeded, and the job marked done, on a
// SQLite file with synchronous=FULL. Target: under 20 s (the "s/drain"
// metric); setup is not timed.
func BenchmarkDrain10000(b *testing.B) {
	benchDrain(b, 10_000, []pos.Provider{pos.Alipay, pos.Wechat, pos.UnionPay})
}

// BenchmarkDrain10000Alipay is the same with every job at Alipay, whose
// RSA-2048 signatures (one by the till, one by the simulator per call)
// make it the dearest channel.
func BenchmarkDrain10000Alipay(b *testing.B) {
	benchDrain(b, 10_000, []pos.Provider{pos.Alipay})
}

func benchDrain(b *testing.B, n int, mix []pos.Provider) {
	sim, err := providersim.New(providersim.Config{DataDir: simDir, CodeTTL: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	provs := simClients(b, sim, srv.URL, tr)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := storagetest.NewDB(b)
		db.Now = time.Now
		svc := &payments.Service{Store: db, Providers: provs, Now: time.Now,
			NewID: func() string { return "" }, Policy: payments.DefaultPolicy()}
		lostAnswers(b, db, sim, provs, n, mix, i)
		w := &outbox.Worker{Store: db, Parallel: 8, BatchMax: 256,
			Handlers: map[pos.JobKind]outbox.Handler{pos.JobResolvePayment: outbox.PaymentHandler{Payments: svc}}}
		b.StartTimer()
		t0 := time.Now()
		drained := 0
		for {
			k, err := w.RunOnce(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			if k == 0 {
				break
			}
			drained += k
		}
		elapsed := time.Since(t0)
		b.StopTimer()
		queued, _, parked, err := db.OutboxStats(context.Background())
		if err != nil || drained != n || queued != 0 || parked != 0 {
			b.Fatalf("drained %d of %d; %d queued, %d parked, %v", drained, n, queued, parked, err)
		}
		b.ReportMetric(elapsed.Seconds(), "s/drain")
		b.ReportMetric(float64(n)/elapsed.Seconds(), "jobs/s")
		b.StartTimer()
	}
}

// lostAnswers charges n payments at the simulator through the clients and
// saves each in the till as unknown, with its job due now: what a till
// finds after the link dropped every answer.
func lostAnswers(b *testing.B, db *storage.DB, sim *providersim.Sim, provs map[pos.Provider]payments.Provider, n int, mix []pos.Provider, round int) {
	ctx := context.Background()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	errs := make(chan error, n)
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			prov := mix[i%len(mix)]
			id := fmt.Sprintf("B%02dP%08d", round, i)
			amount := money.Fen(100 + i%900)
			code := sim.NewPaymentCode(simProvider[prov], fmt.Sprintf("u%d", i%200))
			if _, err := provs[prov].Pay(ctx, pos.PayRequest{OutTradeNo: id, AuthCode: code, Amount: amount, Subject: "bench"}); err != nil {
				errs <- err
				return
			}
			p, err := pos.NewPayment(id, "sale-"+id, prov, pos.ModeCode, amount, time.Now())
			if err == nil {
				p.State = pos.PayUnknown
				err = db.SavePaymentWithJobs(ctx, p, outbox.PaymentJob(p, time.Now()))
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

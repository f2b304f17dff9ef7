package storage_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

func TestQueueByProvider(t *testing.T) {
	db := storagetest.NewDB(t)
	t0 := storagetest.Epoch
	job := func(id, payload string) pos.Job {
		return pos.NewJob(id, pos.JobResolvePayment, "", []byte(payload), t0)
	}
	for i, j := range []pos.Job{
		job("a1", `{"provider":"alipay","amount_fen":1}`),
		job("w1", `{"provider":"wechat"}`),
		job("a2", `{"provider":"alipay"}`),
		job("x1", `{"day":"2026-11-25"}`), // no provider
		job("x2", `not json`),
		job("a3", `{"provider":"alipay"}`), // done below
		job("w2", `{"provider":"wechat"}`), // parked below
	} {
		db.Now = func() time.Time { return t0.Add(time.Duration(i) * time.Minute) }
		must(t, db.Enqueue(ctx, j))
	}
	must(t, db.Done(ctx, "a3"))
	must(t, db.Park(ctx, "w2", "refused"))
	got, err := db.QueueByProvider(ctx)
	must(t, err)
	want := []storage.QueueStat{
		{Provider: "", Queued: 2, Oldest: t0.Add(3 * time.Minute)},
		{Provider: "alipay", Queued: 2, Oldest: t0},
		{Provider: "wechat", Queued: 1, Oldest: t0.Add(time.Minute)},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("QueueByProvider = %v\nwant %v", got, want)
	}
}

// A bill download scheduled for later and not tried yet waits for nothing:
// it is not counted until it is due, or tried, or put off. A payment's job
// counts from the start.
func TestWaitingJobsLeaveOutScheduled(t *testing.T) {
	db := storagetest.NewDB(t)
	t0 := storagetest.Epoch
	db.Now = func() time.Time { return t0 }
	later := func(id string) pos.Job {
		return pos.NewJob(id, pos.JobDownloadBill, id, []byte(`{"provider":"alipay"}`), t0.Add(time.Hour))
	}
	must(t, db.Enqueue(ctx, later("bill"), later("tried"), later("offline"),
		pos.NewJob("pay", pos.JobResolvePayment, "p1", []byte(`{"provider":"alipay"}`), t0.Add(time.Minute))))
	must(t, db.Retry(ctx, "tried", t0.Add(time.Hour), "HTTP 503"))
	must(t, db.Postpone(ctx, "offline", t0.Add(time.Hour), "link offline"))
	n, err := db.WaitingJobs(ctx)
	must(t, err)
	qs, err := db.QueueByProvider(ctx)
	must(t, err)
	if n != 3 || len(qs) != 1 || qs[0].Queued != 3 {
		t.Errorf("waiting %d, by provider %v; want 3 (all but the untried bill due later)", n, qs)
	}
	db.Now = func() time.Time { return t0.Add(time.Hour) }
	if n, _ := db.WaitingJobs(ctx); n != 4 {
		t.Errorf("once due: %d waiting, want 4", n)
	}
}

// TestSaveRefundWithJobs: a pending refund and its job are one
// transaction; a refund refused (more than the tender) leaves no job.
func TestSaveRefundWithJobs(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 2)
	at := storagetest.Epoch
	s, err := storagetest.SplitSale("s1", "01-01-20261125-0001", at, ps...)
	must(t, err)
	must(t, db.SaveSale(ctx, s))
	p, err := pos.NewPayment("pays1", "s1", pos.Alipay, pos.ModeCode, s.Tenders[0].Amount, at)
	must(t, err)
	p.State = pos.PayRefunding
	refundJob := func(r pos.Refund) pos.Job {
		return pos.NewJob("resolve_refund:"+r.ID, pos.JobResolveRefund, p.ID, []byte(`{"refund_id":"`+r.ID+`"}`), at)
	}

	over := pos.Refund{ID: "r0", SaleID: "s1", Tender: 0, PaymentID: p.ID, Kind: pos.TenderAlipay,
		Amount: s.Tenders[0].Amount + 1, State: pos.RefundPending, At: at}
	if err := db.SaveRefundWithJobs(ctx, over, &p, refundJob(over)); !errors.Is(err, pos.ErrOverRefund) {
		t.Fatalf("over-refund: %v", err)
	}
	if jobs, err := db.JobsForKey(ctx, p.ID); err != nil || len(jobs) != 0 {
		t.Errorf("a refused refund left jobs %v, %v", jobs, err)
	}

	r, err := pos.NewRefund(s, 0, 100, nil, "r1", "退货", at)
	must(t, err)
	must(t, db.SaveRefundWithJobs(ctx, r, &p, refundJob(r)))
	jobs, err := db.JobsForKey(ctx, p.ID)
	must(t, err)
	pending, err := db.PendingRefunds(ctx)
	must(t, err)
	if len(jobs) != 1 || jobs[0].ID != "resolve_refund:r1" || len(pending) != 1 || pending[0].ID != "r1" {
		t.Errorf("jobs %v, pending %v", jobs, pending)
	}
}

// TestLimitPagesDiskFull: a write the capped file cannot hold fails with
// pos.ErrDiskFull and leaves nothing; with room again it goes through.
func TestLimitPagesDiskFull(t *testing.T) {
	db := storagetest.NewDB(t)
	_, err := db.LimitPages(ctx, 0)
	must(t, err)
	big := make([]pos.Job, 50)
	for i := range big {
		big[i] = pos.NewJob(fmt.Sprintf("big%02d", i), pos.JobDownloadBill, "", []byte(strings.Repeat("x", 2000)), storagetest.Epoch)
	}
	err = db.Enqueue(ctx, big...)
	if !errors.Is(err, pos.ErrDiskFull) || pos.ErrorCode(err) != pos.CodeUnavailable {
		t.Fatalf("enqueue on a full disk: %v", err)
	}
	if _, err := db.Job(ctx, "big00"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("half written: %v", err)
	}
	_, err = db.LimitPages(ctx, 1000)
	must(t, err)
	must(t, db.Enqueue(ctx, big...))
}

// BenchmarkQueueByProvider is the sync screen's read (every 3 s while it
// is shown) and the banner's count, with 10,000 jobs queued and as many
// done.
func BenchmarkQueueByProvider(b *testing.B) {
	db := storagetest.NewDB(b)
	jobs := make([]pos.Job, 0, 20_000)
	for i := range 20_000 {
		payload := fmt.Sprintf(`{"provider":"%s","amount_fen":%d,"sale_id":"s%d"}`, []string{"alipay", "wechat"}[i%2], i, i)
		jobs = append(jobs, pos.NewJob(fmt.Sprintf("j%05d", i), pos.JobResolvePayment, "", []byte(payload), storagetest.Epoch))
	}
	must(b, db.Enqueue(ctx, jobs...))
	for _, j := range jobs[:10_000] {
		must(b, db.Done(ctx, j.ID))
	}
	b.Run("by-provider", func(b *testing.B) {
		for b.Loop() {
			qs, err := db.QueueByProvider(ctx)
			if err != nil || len(qs) != 2 || qs[0].Queued+qs[1].Queued != 10_000 {
				b.Fatalf("%v, %v", qs, err)
			}
		}
	})
	b.Run("stats", func(b *testing.B) { // the banner's count, after each pass of the worker
		for b.Loop() {
			if n, _, _, err := db.OutboxStats(ctx); err != nil || n != 10_000 {
				b.Fatalf("%d, %v", n, err)
			}
		}
	})
}

// The sync screen's 上次同步 survives a restart: the outbox keeps its done
// jobs, and the latest of each provider among the recent ones is found.
func TestLastDoneByProvider(t *testing.T) {
	db := storagetest.NewDB(t)
	t0 := storagetest.Epoch
	for i, j := range []pos.Job{
		pos.NewJob("a1", pos.JobResolvePayment, "a1", []byte(`{"provider":"alipay"}`), t0),
		pos.NewJob("w1", pos.JobResolvePayment, "w1", []byte(`{"provider":"wechat"}`), t0),
		pos.NewJob("a2", pos.JobResolvePayment, "a2", []byte(`{"provider":"alipay"}`), t0),
		pos.NewJob("q1", pos.JobResolvePayment, "q1", []byte(`{"provider":"unionpay"}`), t0), // still queued
	} {
		db.Now = func() time.Time { return t0.Add(time.Duration(i) * time.Minute) }
		must(t, db.Enqueue(ctx, j))
		if j.ID != "q1" {
			must(t, db.Done(ctx, j.ID))
		}
	}
	got, err := db.LastDoneByProvider(ctx, 100)
	must(t, err)
	if len(got) != 2 || !got["alipay"].Equal(t0.Add(2*time.Minute)) || !got["wechat"].Equal(t0.Add(time.Minute)) {
		t.Errorf("LastDoneByProvider = %v", got)
	}
	if got, _ := db.LastDoneByProvider(ctx, 1); len(got) != 1 || got["alipay"].IsZero() {
		t.Errorf("the latest one only: %v", got)
	}
}

package reconcile_test

import (
	"context"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/sync/outbox"
	"zhanggui/sync/settlement"
	"zhanggui/sync/settlement/reconcile"
)

// flaky is a bill source that is unreachable the first fails times it is
// asked for the bill of day.
type flaky struct {
	reconcile.BillSource
	day   time.Time
	fails int
}

func (f *flaky) DownloadBill(ctx context.Context, d time.Time) ([]byte, error) {
	if f.fails > 0 && settlement.DayOf(d).Equal(f.day) {
		f.fails--
		return nil, pos.Errorf(pos.CodeUnavailable, "test: the network is down")
	}
	return f.BillSource.DownloadBill(ctx, d)
}

// TestBillJobs is the next-morning run: the schedule enqueues the bill
// jobs of the days just ended (never twice), the outbox worker runs them
// against the simulator's three bills (the acquirer's through the
// unionpay client), a network failure is retried, and the day ends up
// reconciled in the SQLite file with the charge the till never completed.
func TestBillJobs(t *testing.T) {
	s := newShop(t)
	s.pay("A1", pos.Alipay, 2500, at(0, 9, 0, 0), true)
	s.pay("W1", pos.Wechat, 5000, at(0, 10, 0, 0), true)
	s.pay("U1", pos.UnionPay, 1200, at(0, 11, 0, 0), true)
	s.pay("LOST", pos.Wechat, 666, at(0, 16, 0, 0), false)

	clock := s.env.Clock
	wechat := &flaky{BillSource: s.env.Wechat, day: day, fails: 1}
	sources := map[settlement.Channel]reconcile.BillSource{settlement.Alipay: s.env.Alipay,
		settlement.Wechat: wechat, settlement.Acquirer: s.env.Acquirer}
	channels := reconcile.Channels(sources)

	jobs, err := reconcile.EnqueueBillJobs(ctx, s.db, channels, at(1, 8, 30, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 9 || jobs[0].ID != "download_bill:alipay:2026-11-22" || jobs[8].ID != "download_bill:acquirer:2026-11-24" {
		t.Fatalf("jobs at 08:30: %v, want 3 days × 3 channels, 22 to 24 (25 waits for %02d:00)", jobIDs(jobs), reconcile.BillJobHour)
	}
	for range 2 { // and at 09:00, and again after a restart: the same rows
		if jobs, err = reconcile.EnqueueBillJobs(ctx, s.db, channels, at(1, 9, 0, 0)); err != nil {
			t.Fatal(err)
		}
	}
	if len(jobs) != 9 || jobs[8].ID != "download_bill:acquirer:2026-11-25" {
		t.Fatalf("jobs at 09:00: %v, want 3 days × 3 channels ending with acquirer 2026-11-25", jobIDs(jobs))
	}
	if queued, _, _, err := s.db.OutboxStats(ctx); err != nil || queued != 12 {
		t.Fatalf("outbox holds %d queued jobs (%v), want 12: 22 to 25, each once", queued, err)
	}

	svc := &reconcile.Service{DB: s.db, Sources: sources, Now: clock.Now}
	w := &outbox.Worker{Store: s.db, Now: clock.Now, BackoffMin: time.Minute,
		Handlers: map[pos.JobKind]outbox.Handler{pos.JobDownloadBill: outbox.HandlerFunc(reconcile.BillJobHandler(svc, nil))}}
	clock.Set(at(1, 9, 30, 0))
	if n, err := w.RunOnce(ctx); err != nil || n != 9 {
		t.Fatalf("RunOnce at 09:30 handled %d, %v; want the 9 jobs of the three days before (the day's wait for 10:00)", n, err)
	}
	clock.Set(at(1, 10, 30, 0))
	if n, err := w.RunOnce(ctx); err != nil || n != 3 {
		t.Fatalf("RunOnce at 10:30 handled %d, %v; want the day's 3", n, err)
	}
	wantJob(t, s.db, "download_bill:alipay:2026-11-25", true, 0)
	wantJob(t, s.db, "download_bill:wechat:2026-11-25", false, 1) // the network failed: tried again later
	clock.Set(at(1, 11, 0, 0))
	if n, err := w.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("RunOnce at 11:00 handled %d, %v; want the WeChat job again", n, err)
	}
	wantJob(t, s.db, "download_bill:wechat:2026-11-25", true, 1)

	d, err := s.db.Reconciliation(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, o := range s.outcomes(d) {
		got[o.Name] = o.Status
	}
	want := map[string]string{"A1": "matched", "W1": "matched", "U1": "matched", "LOST": "only_provider"}
	for name, st := range want {
		if got[name] != st {
			t.Errorf("%s reconciled as %q, want %q (all: %v)", name, got[name], st, got)
		}
	}
	for _, c := range d.Channels {
		if !c.HaveBill {
			t.Errorf("channel %s has no bill after the jobs ran", c.Channel)
		}
	}
}

// TestBillJobBadPayload parks a job it cannot read instead of retrying it.
func TestBillJobBadPayload(t *testing.T) {
	s := newShop(t)
	svc := &reconcile.Service{DB: s.db, Sources: map[settlement.Channel]reconcile.BillSource{}, Now: s.env.Clock.Now}
	j := pos.NewJob("download_bill:x", pos.JobDownloadBill, "", []byte(`{"channel":"cash","day":"2026-11-25"}`), at(0, 0, 0, 0))
	err := reconcile.BillJobHandler(svc, nil)(ctx, j)
	if err == nil || pos.ErrorCode(err) != pos.CodeInternal {
		t.Errorf("bad payload: %v, want a CodeInternal error (parked)", err)
	}
}

func wantJob(t *testing.T, db *storage.DB, id string, done bool, tries int) {
	t.Helper()
	j, err := db.Job(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if j.Done != done || j.Tries != tries || j.Parked {
		t.Errorf("job %s: done %v, tries %d, parked %v (%s); want done %v, tries %d", id, j.Done, j.Tries, j.Parked,
			j.LastError, done, tries)
	}
}

func jobIDs(js []pos.Job) []string {
	var out []string
	for _, j := range js {
		out = append(out, j.ID)
	}
	return out
}

// TestScheduleBillJobs makes its first pass at once, wakes the worker and
// returns when its context ends.
func TestScheduleBillJobs(t *testing.T) {
	s := newShop(t)
	c, cancel := context.WithCancel(ctx)
	woken := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		reconcile.ScheduleBillJobs(c, s.db, []settlement.Channel{settlement.Alipay},
			func() time.Time { return at(1, 9, 15, 0) }, func() { woken++; cancel() }, nil)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("ScheduleBillJobs did not return after its context ended")
	}
	if woken != 1 {
		t.Errorf("woke the worker %d times, want 1", woken)
	}
	wantJob(t, s.db, "download_bill:alipay:2026-11-25", false, 0)
}

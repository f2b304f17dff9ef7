package storage_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

func job(id, key string, payload string, due time.Time) pos.Job {
	return pos.NewJob(id, pos.JobResolvePayment, key, []byte(payload), due)
}

func dueIDs(t *testing.T, db *storage.DB, now time.Time, max int) []string {
	t.Helper()
	jobs, err := db.Due(ctx, now, max)
	must(t, err)
	var ids []string
	for _, j := range jobs {
		ids = append(ids, j.ID)
	}
	return ids
}

func TestOutboxEnqueueIdempotent(t *testing.T) {
	db := storagetest.NewDB(t)
	t0 := storagetest.Epoch
	a := job("a", "p1", `{"amount_fen":100}`, t0)
	must(t, db.Enqueue(ctx, a))
	must(t, db.Enqueue(ctx, a)) // a restart enqueues it again: the same row
	must(t, db.Done(ctx, "a"))
	must(t, db.Enqueue(ctx, a)) // even once done: not run a second time
	got, err := db.Job(ctx, "a")
	must(t, err)
	if !got.Done || got.Hash != a.Hash || string(got.Payload) != `{"amount_fen":100}` {
		t.Errorf("job after enqueue, done, enqueue: %+v", got)
	}

	changed := job("a", "p1", `{"amount_fen":999}`, t0)
	b := job("b", "p2", `{}`, t0)
	err = db.Enqueue(ctx, b, changed)
	if !errors.Is(err, storage.ErrJobChanged) || pos.ErrorCode(err) != pos.CodeConflict {
		t.Fatalf("same ID, another hash: %v, want ErrJobChanged (conflict)", err)
	}
	if _, err := db.Job(ctx, "b"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("b was written although the batch failed: %v", err)
	}
	bad := a
	bad.Payload = []byte("tampered")
	if err := db.Enqueue(ctx, bad); !errors.Is(err, pos.ErrBadJob) {
		t.Errorf("a job whose hash does not match: %v", err)
	}
}

func TestOutboxOrderPerKey(t *testing.T) {
	db := storagetest.NewDB(t)
	t0 := storagetest.Epoch
	must(t, db.Enqueue(ctx,
		job("p1-resolve", "p1", "1", t0),
		job("p2-resolve", "p2", "2", t0.Add(time.Minute)),
		job("p1-refund", "p1", "3", t0), // after p1-resolve, whatever its due time
		job("p3-resolve", "p3", "4", t0),
	))
	if got, want := fmt.Sprint(dueIDs(t, db, t0, 10)), "[p1-resolve p3-resolve]"; got != want {
		t.Errorf("due at t0 = %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(dueIDs(t, db, t0, 1)), "[p1-resolve]"; got != want {
		t.Errorf("due at t0, max 1 = %s, want %s", got, want)
	}
	must(t, db.Retry(ctx, "p1-resolve", t0.Add(time.Hour), "timeout"))
	// p1's refund waits for p1's resolve even though it is due.
	if got, want := fmt.Sprint(dueIDs(t, db, t0.Add(2*time.Minute), 10)), "[p2-resolve p3-resolve]"; got != want {
		t.Errorf("due after p1 retried = %s, want %s", got, want)
	}
	at, ok, err := db.NextDue(ctx)
	must(t, err)
	if !ok || !at.Equal(t0) {
		t.Errorf("NextDue = %v, %v; want p3's %v", at, ok, t0)
	}
	must(t, db.Done(ctx, "p3-resolve"))
	must(t, db.Done(ctx, "p2-resolve"))
	at, ok, err = db.NextDue(ctx)
	must(t, err)
	if !ok || !at.Equal(t0.Add(time.Hour)) {
		t.Errorf("NextDue = %v, %v; want p1's retry at %v (not its refund's earlier due)", at, ok, t0.Add(time.Hour))
	}
	must(t, db.Park(ctx, "p1-resolve", "conflict"))
	if _, ok, _ := db.NextDue(ctx); ok {
		t.Error("a parked job's successor is due: it must wait for a person")
	}
	parked, err := db.Parked(ctx)
	must(t, err)
	if len(parked) != 1 || parked[0].ID != "p1-resolve" || parked[0].LastError != "conflict" || parked[0].Tries != 2 {
		t.Errorf("parked %+v", parked)
	}
	must(t, db.Requeue(ctx, "p1-resolve"))
	if got := dueIDs(t, db, t0.Add(time.Hour), 10); fmt.Sprint(got) != "[p1-resolve]" {
		t.Errorf("after requeue: %v", got)
	}
}

func TestOutboxStatsPostponeExpedite(t *testing.T) {
	db := storagetest.NewDB(t)
	t0 := storagetest.Epoch
	q, oldest, parked, err := db.OutboxStats(ctx)
	must(t, err)
	if q != 0 || !oldest.IsZero() || parked != 0 {
		t.Errorf("empty outbox stats %d %v %d", q, oldest, parked)
	}
	must(t, db.Enqueue(ctx, job("a", "", "", t0), job("b", "", "", t0), job("c", "", "", t0)))
	must(t, db.Postpone(ctx, "a", t0.Add(time.Hour), "offline"))
	must(t, db.Park(ctx, "c", "refused"))
	a, err := db.Job(ctx, "a")
	must(t, err)
	if a.Tries != 0 || a.LastError != "offline" {
		t.Errorf("postponed job counted a try: %+v", a)
	}
	q, oldest, parked, err = db.OutboxStats(ctx)
	must(t, err)
	if q != 2 || oldest.IsZero() || parked != 1 {
		t.Errorf("stats %d %v %d, want 2 queued, an oldest time, 1 parked", q, oldest, parked)
	}
	n, err := db.Expedite(ctx, t0)
	must(t, err)
	if n != 1 || len(dueIDs(t, db, t0, 10)) != 2 {
		t.Errorf("Expedite moved %d, due now %v", n, dueIDs(t, db, t0, 10))
	}
	if err := db.Done(ctx, "nope"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Done of an unknown job: %v", err)
	}
}

func TestSavePaymentWithJobs(t *testing.T) {
	db := storagetest.NewDB(t)
	p, err := pos.NewPayment("p1", "s1", pos.Alipay, pos.ModeCode, 1250, storagetest.Epoch)
	must(t, err)
	p, err = p.Next(pos.EvSend, storagetest.Epoch)
	must(t, err)
	j := job("resolve_payment:p1", "p1", `{}`, storagetest.Epoch)
	must(t, db.SavePaymentWithJobs(ctx, p, j))
	if _, err := db.Job(ctx, j.ID); err != nil {
		t.Errorf("job not saved with the payment: %v", err)
	}
	// A conflicting job rolls back the payment change with it.
	p2 := p
	p2.State = pos.PayUnknown
	if err := db.SavePaymentWithJobs(ctx, p2, job(j.ID, "p1", `{"other":1}`, storagetest.Epoch)); pos.ErrorCode(err) != pos.CodeConflict {
		t.Fatalf("conflicting job: %v", err)
	}
	got, err := db.Payment(ctx, "p1")
	must(t, err)
	if got.State != pos.PayAuthorizing {
		t.Errorf("payment is %s after a failed save; want authorizing", got.State)
	}
}

func TestOutboxAppendOnly(t *testing.T) {
	db := storagetest.NewDB(t)
	must(t, db.Enqueue(ctx, job("a", "", "x", storagetest.Epoch)))
	must(t, db.Done(ctx, "a"))
	raw := rawDB(t, db.Path())
	for _, q := range []string{
		`DELETE FROM outbox`,
		`UPDATE outbox SET payload = 'y'`,
		`UPDATE outbox SET state = 'queued'`,
	} {
		if _, err := raw.Exec(q); err == nil {
			t.Errorf("%s succeeded", q)
		}
	}
}
